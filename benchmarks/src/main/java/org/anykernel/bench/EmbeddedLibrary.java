package org.anykernel.bench;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;

import org.anykernel.launcher.Profile;
import org.anykernel.launcher.embed.BootOptions;
import org.anykernel.launcher.embed.EmbeddedKernel;
import org.osgi.framework.ServiceReference;

/**
 * The {@code library} profile booted in this JVM with the launcher library (an embedded Felix, bundles from
 * the local Maven repository), and its {@code org.anykernel.base.api.KernelFactory} service, called by
 * reflection: the benchmark's class path shares no classes with the bundles (its copies of kernel-base's
 * classes are not the framework's), so the API types are looked up in kernel-base's class loader, once.
 */
public final class EmbeddedLibrary implements AutoCloseable {
    static final String FACTORY = "org.anykernel.base.api.KernelFactory";
    static final String LIBRARY_KERNEL = "org.anykernel.base.api.LibraryKernel";
    static final String POSIX = "org.anykernel.base.api.Posix";
    /** {@code Sys.O_RDONLY}. */
    static final int O_RDONLY = 0;

    private final EmbeddedKernel kernel;
    private final ServiceReference<?> ref;
    private final Object factory;
    private final Method create;
    private final Method close;
    private final Method posix;
    private final Method open;
    private final Method read;

    /** Boots the profile and waits until the kernel is ready (bounded by {@link BootOptions#defaults()}). */
    public EmbeddedLibrary() {
        Profile profile = Profile.load(List.of("library")).withVariables(Map.of("console.echo", "false"));
        kernel = EmbeddedKernel.start(profile, BootOptions.defaults(), System.err, false);
        try {
            kernel.awaitReady();
            ref = kernel.context().getServiceReference(FACTORY);
            if (ref == null) {
                throw new IllegalStateException("no " + FACTORY + " service");
            }
            factory = kernel.context().getService(ref);
            Class<?> api = ref.getBundle().loadClass(FACTORY);
            Class<?> lib = ref.getBundle().loadClass(LIBRARY_KERNEL);
            Class<?> px = ref.getBundle().loadClass(POSIX);
            create = api.getMethod("create", String.class, List.class, long.class);
            close = lib.getMethod("close");
            posix = lib.getMethod("posix");
            open = px.getMethod("open", String.class, int.class);
            read = px.getMethod("read", int.class, byte[].class, int.class, int.class);
        } catch (ClassNotFoundException | NoSuchMethodException | RuntimeException e) {
            kernel.close();
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
    }

    /** {@code factory.create(name, components, quota)}: a {@code LibraryKernel}. */
    public Object create(String name, List<String> components, long quota) {
        return call(create, factory, name, components, quota);
    }

    /** {@code libraryKernel.close()}. */
    public void close(Object libraryKernel) {
        call(close, libraryKernel);
    }

    /** {@code libraryKernel.posix()}. */
    public Object posix(Object libraryKernel) {
        return call(posix, libraryKernel);
    }

    /** {@code posix.open(path, O_RDONLY)}. */
    public int open(Object posix, String path) {
        return (Integer) call(open, posix, path, O_RDONLY);
    }

    /** {@code posix.read(fd, buf, off, len)}. */
    public int read(Object posix, int fd, byte[] buf, int off, int len) {
        return (Integer) call(read, posix, fd, buf, off, len);
    }

    private static Object call(Method m, Object target, Object... args) {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable t = e.getCause();
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(t);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops the framework (and deletes its storage). */
    @Override
    public void close() {
        try {
            kernel.context().ungetService(ref);
        } catch (RuntimeException ignored) {
            // the framework may be stopping already
        }
        kernel.close();
    }
}
