package org.anykernel.launcher.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.anykernel.launcher.KernelLock;
import org.anykernel.launcher.MavenRepository;
import org.anykernel.launcher.Profile;
import org.anykernel.launcher.embed.BootOptions;
import org.anykernel.launcher.embed.CommandLines;
import org.anykernel.launcher.embed.EmbeddedKernel;
import org.anykernel.launcher.embed.GogoSession;

import org.osgi.framework.Bundle;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code anyk boot}: boots a profile, prints the ready line, then runs {@code --exec} commands and stops,
 * or gives the terminal to the Gogo shell, or serves until it is signalled to stop.
 */
@Command(name = "boot", description = {"Boots a kernel profile and prints 'anykernel ready: ...' as the first line.",
        "With --exec, runs the shell commands and stops; at a terminal, opens the Gogo shell; otherwise serves until "
                + "SIGTERM or SIGINT."},
        footer = {"", "Examples:", "  anyk boot --exec 'kernel:domains; dev:ls'",
                "  anyk boot microkernel -V console.echo=false", "  anyk boot monolithic ./extra.json", "  anyk boot build/k1   (a kernel made by anyk compose)"})
final class BootCommand implements Callable<Integer> {

    @ParentCommand
    private Anyk anyk;

    @Parameters(paramLabel = "PROFILE|FILE.json", arity = "0..*",
            description = "profiles to merge, in order: a name (monolithic, microkernel, library) or a feature file "
                    + "(default: " + Profile.DEFAULT + "); or one directory made by 'anyk compose'")
    private List<String> profiles = new ArrayList<>();

    // not mixinStandardHelpOptions: its -V (version) would clash with -V NAME=VALUE
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    private boolean help;

    @Option(names = "--exec", paramLabel = "CMDS", description = "Gogo commands to run once ready, separated by ';'")
    private String exec;

    @Option(names = "-V", paramLabel = "NAME=VALUE", description = "set a profile variable (repeatable)")
    private List<String> variables = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "bound for start, readiness and stop (default: ${DEFAULT-VALUE})")
    private int timeout;

    @Override
    public Integer call() throws Exception {
        Failures failures = new Failures(anyk.err, Failures.debugFromEnvironment());
        if (timeout <= 0) {
            return failures.usage("--timeout must be a positive number of seconds, not " + timeout);
        }
        BootOptions options = new BootOptions(Duration.ofSeconds(timeout), MavenRepository.local());
        String name;
        EmbeddedKernel kernel;
        if (profiles.size() == 1 && Files.isDirectory(Path.of(profiles.get(0)))) {
            // a composed kernel (anyk compose): everything comes from its lock file, checksums first
            Path dir = Path.of(profiles.get(0));
            if (!variables.isEmpty()) {
                return failures.usage("-V does not apply to a composed kernel (its variables were set by compose)");
            }
            // anyk's main may have made and installed it already, while this command line was parsed
            BootPrefetch.Prefetched early = BootPrefetch.take(profiles.get(0));
            KernelLock prefetched = early == null ? null : early.lockWithin(options.timeout().toMillis());
            EmbeddedKernel.Prepared prepared = prefetched == null ? null : early.preparedWithin(options.timeout().toMillis());
            KernelLock lock = prefetched != null ? prefetched : KernelLock.read(dir);
            name = lock.profile();
            kernel = prepared != null ? EmbeddedKernel.launch(prepared, options)
                    : EmbeddedKernel.start(lock, dir, profiles.get(0), options, anyk.err, Failures.debugFromEnvironment());
        } else {
            Profile profile = Profile.load(profiles).withVariables(Profile.parseAssignments(variables)).checkDescriptors();
            name = profile.name();
            kernel = EmbeddedKernel.start(profile, options, anyk.err, Failures.debugFromEnvironment());
        }
        boolean interactive = exec == null && Terminal.interactive();
        Thread hook = new Thread(() -> onSignal(kernel, exec == null), "anyk-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            EmbeddedKernel.Ready ready = kernel.awaitReady();
            anyk.out.println("anykernel ready: profile=" + name + " domains=" + ready.domains().size() + " in "
                    + sinceJvmStart() + " ms");
            anyk.out.flush();
            if (exec != null) {
                runCommands(kernel);
            } else {
                if (interactive) {
                    startShell(kernel, failures);
                }
                kernel.awaitStop(); // the shell's end, a shell command that stops the framework, or a signal
            }
        } finally {
            removeHook(hook);
            if (!kernel.stop()) {
                failures.warn("framework did not stop within " + timeout + " s");
            }
        }
        return 0;
    }

    private void runCommands(EmbeddedKernel kernel) {
        long deadline = System.nanoTime() + Duration.ofSeconds(timeout).toNanos();
        try (GogoSession session = GogoSession.open(kernel.context(), anyk.in, anyk.out, anyk.err,
                Duration.ofSeconds(timeout).toMillis())) {
            for (String command : CommandLines.split(exec)) {
                session.awaitCommand(command, deadline);
                session.execute(command);
            }
        }
    }

    /**
     * Opens the Gogo shell on the terminal, after the ready line (the gogo.shell bundle's own console would
     * print its prompt before it). A daemon thread: if a command stops the framework, the JVM must not wait
     * for the shell's pending read of stdin.
     */
    private void startShell(EmbeddedKernel kernel, Failures failures) {
        GogoSession session = GogoSession.open(kernel.context(), anyk.in, anyk.out, anyk.err,
                Duration.ofSeconds(timeout).toMillis());
        Thread shell = new Thread(() -> {
            try {
                session.runShell();
            } catch (RuntimeException e) {
                // stopping the framework (stop 0, exit, a signal) interrupts the shell: not an error
                if (!(rootCause(e) instanceof InterruptedException) && kernel.framework().getState() == Bundle.ACTIVE) {
                    failures.report(e);
                }
            } finally {
                kernel.stop();
            }
        }, "anyk-shell");
        shell.setDaemon(true);
        shell.start();
    }

    /**
     * SIGTERM or SIGINT: stop the kernel (bounded). A server or shell then leaves with 0, since this is how
     * one is stopped; an interrupted {@code --exec} keeps the JVM's signal exit code.
     */
    private static void onSignal(EmbeddedKernel kernel, boolean serving) {
        kernel.stop();
        if (serving) {
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it stops the kernel and ends the JVM itself
        }
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static long sinceJvmStart() {
        return System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    }
}
