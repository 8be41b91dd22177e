package org.anykernel.launcher.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.anykernel.launcher.chaos.ChaosRun;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code anyk chaos}: boots a profile and runs a verifying file workload while faults are injected into its isolated
 * domains; exit 0 if no acknowledged write was lost or changed.
 */
@Command(name = "chaos", description = {"Boots a profile and runs a verifying file workload on its tmpfs (and on an "
        + "ext2 image with --image) while faults are injected, about once a second, into its isolated domains; then "
        + "checks every file and prints a summary ending with one line",
        "chaos: ops=N faults=N restarts=N recovery_p50=Xms recovery_p99=Yms lost=N mismatches=N",
        "Exit 0 if nothing acknowledged was lost or changed, 1 otherwise, 2 on bad usage."},
        footer = {"", "Examples:", "  anyk chaos --profile microkernel --duration 60s --seed 7 --faults crash,hang",
            "  anyk chaos --duration 30s --seed 7 --faults crash,hang,corrupt-io,power-cut --image disk.img"})
final class ChaosCommand implements Callable<Integer> {

    @ParentCommand
    private Anyk anyk;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    private boolean help;

    @Option(names = "--profile", paramLabel = "PROFILE", defaultValue = "microkernel",
            description = "the profile to boot (default: ${DEFAULT-VALUE})")
    private String profile;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "60s",
            description = "how long to run the workload: 500ms, 60s, 2m (default: ${DEFAULT-VALUE})")
    private String duration;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "seed of the workload and of the fault schedule (default: ${DEFAULT-VALUE})")
    private long seed;

    @Option(names = "--faults", paramLabel = "KINDS", defaultValue = "crash,hang",
            description = "fault kinds to inject, comma separated: crash, error, hang, delay (into a driver's domain), "
                    + "corrupt-io (transient EIO and damaged reads on the disk sd0), power-cut (the disk loses its "
                    + "cache, the volume is dropped unwritten, checked with e2fsck -fy and mounted again: on the "
                    + "--image, or a temporary one); or none (a fault-free run to compare ops/s with) "
                    + "(default: ${DEFAULT-VALUE})")
    private String faults;

    @Option(names = "--image", paramLabel = "FILE",
            description = "an ext2 image (mke2fs) to use as the disk sd0 and to run the workload on as well")
    private Path image;

    @Option(names = "-V", paramLabel = "NAME=VALUE",
            description = "set a profile variable (repeatable), e.g. -V net.placement=isolated for net-demo")
    private List<String> variables = new ArrayList<>();

    @Override
    public Integer call() {
        Duration d;
        try {
            d = ChaosRun.parseDuration(duration);
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        List<String> kinds = new ArrayList<>();
        for (String k : faults.strip().equalsIgnoreCase("none") ? new String[0] : faults.split(",", -1)) {
            String kind = k.strip().toLowerCase(Locale.ROOT);
            if (!ChaosRun.KINDS.contains(kind)) {
                return usage("--faults: unknown fault kind '" + k.strip() + "' (expected "
                        + String.join(", ", ChaosRun.KINDS) + ", or none)");
            }
            if (!kinds.contains(kind)) {
                kinds.add(kind);
            }
        }
        if (image != null && !Files.isRegularFile(image)) {
            return usage("--image " + image + ": no such file");
        }
        boolean cuts = kinds.contains("power-cut");
        if (cuts && ChaosRun.tool("e2fsck") == null) {
            return usage("--faults power-cut: needs e2fsck (e2fsprogs) to check the image at each reboot");
        }
        if (cuts && image == null && ChaosRun.tool("mke2fs") == null) {
            return usage("--faults power-cut: needs --image, or mke2fs (e2fsprogs) to make a temporary one");
        }
        java.util.Map<String, String> vars;
        try {
            vars = org.anykernel.launcher.Profile.parseAssignments(variables);
        } catch (org.anykernel.launcher.ProfileException e) {
            return usage(e.getMessage());
        }
        Path disk = image;
        Path scratch = null;
        try {
            if (cuts && image == null) {
                // a power cut is tried on an ext2 volume: without --image, on a temporary one
                scratch = Files.createTempDirectory("anyk-chaos-");
                disk = scratch.resolve("chaos.img");
                ChaosRun.mkfs(disk);
                anyk.err.println("anyk chaos: power-cut: on a temporary 32 MiB ext2 image (no --image given)");
            }
            return ChaosRun.run(new ChaosRun.Options(profile, d, seed, List.copyOf(kinds), disk,
                    Failures.debugFromEnvironment(), vars), anyk.out, anyk.err);
        } catch (java.io.IOException | IllegalStateException e) {
            anyk.err.println("anyk chaos: " + e.getMessage());
            return 1;
        } finally {
            if (scratch != null) {
                deleteQuietly(disk);
                deleteQuietly(scratch);
            }
        }
    }

    private void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (java.io.IOException e) {
            anyk.err.println("anyk chaos: warning: cannot delete " + p + ": " + e.getMessage());
        }
    }

    private int usage(String message) {
        anyk.err.println("anyk chaos: " + message);
        return Failures.USAGE;
    }
}
