package org.anykernel.launcher.cli;

import java.io.PrintStream;
import java.util.List;

import org.anykernel.launcher.ProfileException;
import org.anykernel.launcher.embed.LaunchException;

/**
 * Turns a failure into what the user sees: one line {@code anyk: error: ...} on stderr and an exit code.
 * Stack traces only with {@code ANYK_DEBUG=1}.
 */
final class Failures {
    /** Exit code for a failure at run time: a bundle missing or failing, a command failing. */
    static final int FAILED = 1;
    /** Exit code for bad usage or bad input: the command line or a feature file must change. */
    static final int USAGE = 2;

    private final PrintStream err;
    private final boolean debug;

    Failures(PrintStream err, boolean debug) {
        this.err = err;
        this.debug = debug;
    }

    static boolean debugFromEnvironment() {
        String v = System.getenv("ANYK_DEBUG");
        return v != null && !v.isBlank() && !v.equals("0") && !v.equalsIgnoreCase("false");
    }

    /** Bad usage: the message and where to look. */
    int usage(String message) {
        err.println("anyk: error: " + lowerFirst(oneLine(message)));
        err.println("try: anyk --help");
        return USAGE;
    }

    /** Any failure: its one-line message and its exit code. */
    int report(Throwable e) {
        if (debug) {
            e.printStackTrace(err);
        }
        if (e instanceof ProfileException p) {
            err.println("anyk: error: " + oneLine(p.getMessage()));
            return p.kind() == ProfileException.Kind.INVALID ? USAGE : FAILED;
        }
        if (e instanceof LaunchException) {
            err.println("anyk: error: " + oneLine(e.getMessage()));
            return FAILED;
        }
        // not expected: say what it was, since its message alone may mean nothing
        err.println("anyk: error: " + e.getClass().getSimpleName() + ": " + LaunchException.rootMessage(e)
                + (debug ? "" : " (ANYK_DEBUG=1 for details)"));
        return FAILED;
    }

    /**
     * An invalid composition: the first line of its message (the root cause and the fix) as the error line, the
     * chain that led to it under it, as the message has it; exit code {@link #FAILED}.
     */
    int composition(ProfileException e) {
        if (debug) {
            e.printStackTrace(err);
        }
        List<String> lines = e.getMessage() == null ? List.of("unknown error") : e.getMessage().lines().toList();
        err.println("anyk: error: " + lines.get(0));
        lines.stream().skip(1).forEach(err::println);
        err.flush();
        return FAILED;
    }

    /** Prints a warning line. */
    void warn(String message) {
        err.println("anyk: warning: " + oneLine(message));
    }

    private static String oneLine(String s) {
        return s == null ? "unknown error" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static String lowerFirst(String s) {
        // picocli says "Unknown option: ..."; our own messages are lower case
        return s.length() > 1 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1))
                ? Character.toLowerCase(s.charAt(0)) + s.substring(1) : s;
    }
}
