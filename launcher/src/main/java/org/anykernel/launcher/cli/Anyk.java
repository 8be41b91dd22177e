package org.anykernel.launcher.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** The {@code anyk} command: {@code anyk boot ...}, {@code --help}, {@code --version}. */
@Command(name = "anyk", mixinStandardHelpOptions = true, versionProvider = Anyk.Version.class,
        description = "Runs anykernel kernels: boots a profile (OSGi Feature files) in an embedded Apache Felix, "
                + "lists the packaged features, composes a kernel into a directory with a lock file and boots it.",
        footer = {"", "Set ANYK_DEBUG=1 for stack traces. Bundles come from the local Maven repository "
                + "(ANYK_M2_REPO, or -Dmaven.repo.local in ANYK_JAVA_OPTS, to use another)."})
public final class Anyk implements Callable<Integer> {
    /**
     * The subcommands, added to the command line when used: picocli builds a command's model by reflection when it
     * is added, and building all of them costs a boot about 100 ms of a JVM's start-up. {@code anyk --help},
     * {@code anyk help} and anything that is not a subcommand's name get all of them.
     */
    private static final Map<String, Class<?>> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("boot", BootCommand.class);
        SUBCOMMANDS.put("features", FeaturesCommand.class);
        SUBCOMMANDS.put("compose", ComposeCommand.class);
        SUBCOMMANDS.put("fs", FsCommand.class);
        SUBCOMMANDS.put("chaos", ChaosCommand.class);
        SUBCOMMANDS.put("help", CommandLine.HelpCommand.class);
    }

    // the process's own streams, taken before Gogo replaces System.in/out/err with its per-thread ones
    // (a session reading the replaced System.in would read from itself)
    final InputStream in;
    final PrintStream out;
    final PrintStream err;

    Anyk(InputStream in, PrintStream out, PrintStream err) {
        this.in = in;
        this.out = out;
        this.err = err;
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        BootPrefetch.start(args, System.err); // anyk boot DIR: the kernel made and installed on another core
        quietJavaLogging(Failures.debugFromEnvironment());
        int code = run(args, System.out, System.err);
        BootPrefetch.discard(); // made for nothing (the command line said otherwise): its storage goes
        System.out.flush();
        System.exit(code);
    }

    /** Runs the command line; returns the exit code: 0 success, 1 failure, 2 bad usage or input. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Failures failures = new Failures(err, Failures.debugFromEnvironment());
        CommandLine cl = new CommandLine(new Anyk(System.in, out, err));
        String first = args.length > 0 ? args[0] : "";
        if (SUBCOMMANDS.containsKey(first) && !first.equals("help")) {
            cl.addSubcommand(first, SUBCOMMANDS.get(first));
        } else {
            SUBCOMMANDS.forEach(cl::addSubcommand);
        }
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((e, argv) -> failures.usage(e.getMessage()));
        cl.setExecutionExceptionHandler((e, line, parsed) -> failures.report(e));
        // anyk fs IMAGE ls -l /: what follows the image is the fs command's own, options included
        if (cl.getSubcommands().containsKey("fs")) {
            cl.getSubcommands().get("fs").setStopAtPositional(true);
        }
        return cl.execute(args);
    }

    /**
     * The kernel logs through {@code System.Logger}, which is java.util.logging here: keep stderr for
     * warnings, one line each, unless the user configured logging or asked for debug output.
     */
    private static void quietJavaLogging(boolean debug) {
        if (System.getProperty("java.util.logging.config.file") == null
                && System.getProperty("java.util.logging.config.class") == null) {
            if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
                System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
            }
            if (!debug) {
                java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
            }
        }
    }

    @Override
    public Integer call() {
        // picocli only calls this without a subcommand
        return new Failures(err, false).usage("missing command (anyk boot [PROFILE...])");
    }

    /** Version of anyk and of the framework it embeds. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Anyk.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"anyk " + p.getProperty("version", "unknown") + " (Apache Felix "
                    + p.getProperty("felix", "unknown") + ", Java " + Runtime.version() + ")"};
        }
    }
}
