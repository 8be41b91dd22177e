package org.anykernel.launcher.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.anykernel.launcher.Composition;
import org.anykernel.launcher.FeatureCatalog;
import org.anykernel.launcher.KernelLock;
import org.anykernel.launcher.MavenRepository;
import org.anykernel.launcher.Profile;
import org.anykernel.launcher.ProfileBundle;
import org.anykernel.launcher.ProfileException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code anyk compose}: merges features as {@code boot} does and writes a composed kernel (the bundles and
 * {@value KernelLock#FILE}) that {@code anyk boot DIR} boots, or with {@code --dry-run} prints the plan.
 */
@Command(name = "compose", description = {"Merges features (a later one's configuration of a PID replaces an earlier "
        + "one's), resolves their bundles with the OSGi resolver, checks every configuration against the component "
        + "that takes it, and writes a composed kernel to DIR: DIR/bundles/*.jar and DIR/" + KernelLock.FILE
        + " (bundle ids, SHA-256, start order, configurations, variables, framework properties, wires). "
        + "The same inputs give a byte-identical lock file. An invalid composition writes nothing and exits 1, "
        + "its root cause and fix on the first line.",
        "Boot it with: anyk boot DIR"},
        footer = {"", "Examples:", "  anyk compose microkernel -o build/k1",
            "  anyk compose base shell hw-sim hw-disk faction-dev faction-vfs char-std blk-sim fs-tmpfs my-placement.json -o build/k2",
            "  anyk compose monolithic ./extra.json --dry-run"})
final class ComposeCommand implements Callable<Integer> {

    @ParentCommand
    private Anyk anyk;

    @Parameters(paramLabel = "FEATURE|FILE.json", arity = "1..*",
            description = "features to merge, in order: a name (see 'anyk features') or a feature file")
    private List<String> features = new ArrayList<>();

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    private boolean help;

    @Option(names = "-o", paramLabel = "DIR", description = "the directory to write (replaced if an earlier compose wrote it)")
    private Path output;

    @Option(names = "--dry-run", description = "print the plan and write nothing")
    private boolean dryRun;

    @Option(names = "-V", paramLabel = "NAME=VALUE", description = "set a feature variable (repeatable)")
    private List<String> variables = new ArrayList<>();

    @Override
    public Integer call() {
        Failures failures = new Failures(anyk.err, Failures.debugFromEnvironment());
        if (output == null && !dryRun) {
            return failures.usage("missing -o DIR (or --dry-run)");
        }
        boolean progress = Terminal.interactive();
        try {
            if (progress) {
                anyk.err.println("compose: reading " + features.size() + " feature(s)");
            }
            Profile profile = Profile.load(features).withVariables(Profile.parseAssignments(variables));
            MavenRepository repository = MavenRepository.local();
            Composition.Plan plan = Composition.plan(profile, repository, FeatureCatalog.packaged(), phase -> {
                if (progress) {
                    anyk.err.println("compose: " + phase);
                }
            });
            if (dryRun) {
                printPlan(profile, plan.bundles(), anyk.out);
                anyk.out.println("wires: " + plan.wires().size() + " (the resolver's choice, recorded in the lock file)");
                anyk.out.flush();
                return 0;
            }
            if (progress) {
                anyk.err.println("compose: writing " + output);
            }
            KernelLock lock = KernelLock.compose(plan, output);
            anyk.out.println("composed " + lock.profile() + " into " + output + ": " + lock.bundles().size() + " bundles, "
                    + lock.domainNames().size() + " domains, " + plan.wires().size() + " wires");
            anyk.out.flush();
            return 0;
        } catch (ProfileException e) {
            return failures.composition(e);
        }
    }

    static void printPlan(Profile profile, List<ProfileBundle> bundles, PrintStream out) {
        out.println("plan: " + profile.name() + " (nothing written)");
        out.println("bundles (start order, id):");
        for (ProfileBundle b : bundles) {
            out.println("  " + (b.startOrder() == 0 ? "-" : String.valueOf(b.startOrder())) + "  " + b.id());
        }
        Map<String, Map<String, Object>> configurations = profile.configurations();
        out.println("domains (name, placement, components):");
        for (String domain : profile.domainNames()) {
            Map<String, Object> d = configurations.get(Profile.DOMAIN_FACTORY_PID + "~" + domain);
            Object placement = d.getOrDefault("placement", "colocated");
            out.println("  " + domain + "  " + placement + "  " + text(d.getOrDefault("components", List.of())));
        }
        out.println("configurations:");
        configurations.forEach((pid, values) -> {
            out.println("  " + pid);
            values.forEach((k, v) -> out.println("    " + k + " = " + text(v)));
        });
        out.println("variables:");
        profile.variables().forEach((k, v) -> out.println("  " + k + " = " + text(v)));
        out.println("framework properties:");
        profile.frameworkProperties().forEach((k, v) -> out.println("  " + k + " = " + v));
        out.flush();
    }

    private static String text(Object v) {
        if (v instanceof Object[] a) {
            return java.util.Arrays.toString(a);
        }
        return String.valueOf(v);
    }
}
