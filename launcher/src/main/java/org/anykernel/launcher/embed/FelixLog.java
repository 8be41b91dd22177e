package org.anykernel.launcher.embed;

import java.io.PrintStream;

import org.apache.felix.framework.Logger;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceReference;

/**
 * Felix's own log, to stderr and one line per entry: Felix would print to stdout, where the ready line
 * must come first. Bundle start failures are left out, because the launcher reports them itself.
 */
final class FelixLog extends Logger {
    private final PrintStream err;
    private final boolean debug;

    FelixLog(PrintStream err, boolean debug) {
        this.err = err;
        this.debug = debug;
        setLogLevel(debug ? LOG_DEBUG : LOG_WARNING);
    }

    @Override
    @SuppressWarnings("rawtypes") // the signature Felix declares
    protected void doLog(Bundle bundle, ServiceReference sr, int level, String msg, Throwable throwable) {
        if (!debug && bundle != null && throwable instanceof BundleException) {
            return;
        }
        String name = switch (level) {
            case LOG_ERROR -> "ERROR";
            case LOG_WARNING -> "WARNING";
            case LOG_INFO -> "INFO";
            default -> "DEBUG";
        };
        String line = "felix: " + name + ": " + (bundle == null ? "" : bundle.getSymbolicName() + ": ") + msg
                + (throwable == null ? "" : " (" + LaunchException.rootMessage(throwable) + ")");
        err.println(line.replaceAll("\\s*\\R\\s*", " "));
        if (debug && throwable != null) {
            throwable.printStackTrace(err);
        }
    }
}
