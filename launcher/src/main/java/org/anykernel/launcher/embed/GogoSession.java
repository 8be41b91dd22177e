package org.anykernel.launcher.embed;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * One Gogo command session, opened through the {@code CommandProcessor} service by reflection (the
 * service's classes live in the gogo.runtime bundle). Runs commands one at a time and prints each
 * result, formatted as the shell would.
 */
public final class GogoSession implements AutoCloseable {
    static final String PROCESSOR = "org.apache.felix.service.command.CommandProcessor";
    static final String SESSION = "org.apache.felix.service.command.CommandSession";
    private static final int INSPECT = 0; // Converter.INSPECT: how gosh prints a command's result

    private final BundleContext context;
    private final ServiceReference<?> ref;
    private final Object session;
    private final Class<?> api; // CommandSession: the implementation class is private to gogo.runtime
    private final PrintStream out;

    private GogoSession(BundleContext context, ServiceReference<?> ref, Object session, Class<?> api, PrintStream out) {
        this.context = context;
        this.ref = ref;
        this.session = session;
        this.api = api;
        this.out = out;
    }

    /**
     * Opens a session writing to {@code out} and {@code err}, waiting up to {@code timeoutMillis} for the
     * command processor.
     */
    public static GogoSession open(BundleContext context, InputStream in, PrintStream out, PrintStream err, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        ServiceReference<?> ref;
        while ((ref = context.getServiceReference(PROCESSOR)) == null) {
            if (System.nanoTime() > deadline) {
                throw new LaunchException("no Gogo command processor (is org.apache.felix.gogo.runtime in the profile?)");
            }
            sleep();
        }
        Object processor = context.getService(ref);
        try {
            Class<?> api = ref.getBundle().loadClass(PROCESSOR);
            Method create = api.getMethod("createSession", InputStream.class, OutputStream.class, OutputStream.class);
            Object session = create.invoke(processor, in, out, err);
            return new GogoSession(context, ref, session, ref.getBundle().loadClass(SESSION), out);
        } catch (InvocationTargetException e) {
            context.ungetService(ref);
            throw new LaunchException("cannot open a Gogo session: " + LaunchException.rootMessage(e.getCause()), e.getCause());
        } catch (ReflectiveOperationException e) {
            context.ungetService(ref);
            throw new LaunchException("cannot open a Gogo session: " + e, e);
        }
    }

    /**
     * Waits (until {@code deadlineNanos}) for a {@code scope:function} command to be registered: bundles
     * register their commands as they activate, a little after the kernel is settled.
     */
    public void awaitCommand(String command, long deadlineNanos) {
        String[] name = CommandLines.scopedName(command);
        if (name == null) {
            return;
        }
        String filter = "(&(osgi.command.scope=" + name[0] + ")(osgi.command.function=" + name[1] + "))";
        try {
            while (context.getServiceReferences((String) null, filter) == null && System.nanoTime() < deadlineNanos) {
                sleep();
            }
        } catch (InvalidSyntaxException e) {
            // a name we cannot put in a filter: let Gogo say what it thinks of it
        }
    }

    /**
     * Runs one command and prints its result, if any.
     *
     * @throws CommandFailedException when the command throws
     */
    public void execute(String command) {
        Object result;
        try {
            result = api.getMethod("execute", CharSequence.class).invoke(session, command);
        } catch (InvocationTargetException e) {
            throw new CommandFailedException(command, e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new CommandFailedException(command, e);
        }
        if (result != null) {
            String text = format(result);
            // commands that return a table end it with a newline already
            out.print(text.endsWith("\n") ? text : text + System.lineSeparator());
        }
        out.flush();
    }

    private String format(Object result) {
        try {
            return String.valueOf(api.getMethod("format", Object.class, int.class).invoke(session, result, INSPECT));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return String.valueOf(result);
        }
    }

    /**
     * Runs the interactive Gogo shell (the gogo.shell bundle's {@code gosh}) on this session's streams until
     * the user leaves it (end of input, {@code exit}); it does not stop the framework itself.
     *
     * @throws CommandFailedException when the shell cannot start
     */
    public void runShell() {
        execute("gosh --login --noshutdown");
    }

    @Override
    public void close() {
        try {
            api.getMethod("close").invoke(session);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // the framework may already be stopping
        } finally {
            try {
                context.ungetService(ref);
            } catch (RuntimeException e) {
                // idem
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException("interrupted");
        }
    }
}
