package org.anykernel.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The {@code library} profile booted in this JVM with the launcher library, and its {@code
 * org.anykernel.base.api.KernelFactory} service:
 *
 * <pre>
 * Profile profile = Profile.load(List.of("library")).withVariables(Map.of("console.echo", "false"));
 * EmbeddedKernel kernel = EmbeddedKernel.start(profile, BootOptions.defaults(), System.err, false);
 * kernel.awaitReady();
 * KernelFactory factory = kernel.context().getService(
 *         kernel.context().getAllServiceReferences(KernelFactory.class.getName(), null)[0]);
 * </pre>
 *
 * all of it by reflection, in a class loader of its own over the launcher's shaded jar ({@code anyk.jar},
 * see {@link #anykJar()}) whose parent is the platform class loader, so the embedded kernel runs as it
 * does under {@code anyk}. Not from the benchmark's class path: the framework's system bundle would then
 * see this jar's copies of the kernel classes.
 *
 * <p>{@code getAllServiceReferences}, not {@code getServiceReference}: the launcher's jar carries its own
 * copy of kernel-base's API classes (it checks domain descriptors before boot), so the system bundle can
 * load a {@code KernelFactory} class that is not the framework's, and Felix would hide the service from
 * it as not assignable (the launcher's {@code KernelProbe} does the same for the kernel service). The API
 * types used here are kernel-base's own, from its bundle; their methods are looked up once.
 */
public final class EmbeddedLibrary implements AutoCloseable {
    static final String FACTORY = "org.anykernel.base.api.KernelFactory";
    static final String LIBRARY_KERNEL = "org.anykernel.base.api.LibraryKernel";
    static final String POSIX = "org.anykernel.base.api.Posix";
    /** {@code Sys.O_RDONLY}. */
    static final int O_RDONLY = 0;

    private final URLClassLoader loader;
    private final Object kernel; // EmbeddedKernel
    private final Method kernelClose;
    private final Object factory;
    private final Method create;
    private final Method close;
    private final Method posix;
    private final Method open;
    private final Method read;

    /** Boots the profile and waits until the kernel is ready (bounded by {@code BootOptions.defaults()}, 30 s). */
    public EmbeddedLibrary() {
        try {
            loader = new URLClassLoader("anyk", new URL[] {anykJar().toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
        Thread self = Thread.currentThread();
        ClassLoader tccl = self.getContextClassLoader();
        self.setContextClassLoader(loader); // as under anyk: threads the framework starts inherit it
        Object k = null;
        Method kClose = null;
        try {
            Class<?> profileClass = loader.loadClass("org.anykernel.launcher.Profile");
            Class<?> optionsClass = loader.loadClass("org.anykernel.launcher.embed.BootOptions");
            Class<?> kernelClass = loader.loadClass("org.anykernel.launcher.embed.EmbeddedKernel");
            Class<?> contextClass = loader.loadClass("org.osgi.framework.BundleContext");
            Class<?> refClass = loader.loadClass("org.osgi.framework.ServiceReference");
            Class<?> bundleClass = loader.loadClass("org.osgi.framework.Bundle");
            kClose = kernelClass.getMethod("close");

            Object profile = profileClass.getMethod("load", List.class).invoke(null, List.of("library"));
            profile = profileClass.getMethod("withVariables", Map.class).invoke(profile, Map.of("console.echo", "false"));
            Object options = optionsClass.getMethod("defaults").invoke(null);
            k = kernelClass.getMethod("start", profileClass, optionsClass, PrintStream.class, boolean.class)
                    .invoke(null, profile, options, System.err, false);
            kernelClass.getMethod("awaitReady").invoke(k);
            Object ctx = kernelClass.getMethod("context").invoke(k);
            Object[] refs = (Object[]) contextClass.getMethod("getAllServiceReferences", String.class, String.class)
                    .invoke(ctx, FACTORY, null);
            if (refs == null || refs.length == 0) {
                throw new IllegalStateException("no " + FACTORY + " service");
            }
            Object ref = refs[0];
            factory = contextClass.getMethod("getService", refClass).invoke(ctx, ref);
            Object kernelBase = refClass.getMethod("getBundle").invoke(ref);
            Method loadClass = bundleClass.getMethod("loadClass", String.class);
            Class<?> api = (Class<?>) loadClass.invoke(kernelBase, FACTORY);
            Class<?> lib = (Class<?>) loadClass.invoke(kernelBase, LIBRARY_KERNEL);
            Class<?> px = (Class<?>) loadClass.invoke(kernelBase, POSIX);
            create = api.getMethod("create", String.class, List.class, long.class);
            close = lib.getMethod("close");
            posix = lib.getMethod("posix");
            open = px.getMethod("open", String.class, int.class);
            read = px.getMethod("read", int.class, byte[].class, int.class, int.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (k != null) {
                call(kClose, k);
            }
            closeLoader();
            Throwable t = e instanceof InvocationTargetException ite ? ite.getCause() : e;
            throw t instanceof RuntimeException re ? re : new IllegalStateException("cannot boot the library profile: " + t, t);
        } finally {
            self.setContextClassLoader(tccl);
        }
        kernel = k;
        kernelClose = kClose;
    }

    /**
     * The launcher's shaded jar: {@code -Danyk.jar=PATH}, else {@code launcher/target/anyk.jar} of the
     * checkout this benchmark jar was built in ({@code benchmarks/target/benchmarks.jar}).
     */
    public static Path anykJar() {
        String configured = System.getProperty("anyk.jar");
        Path jar;
        if (configured != null) {
            jar = Path.of(configured);
        } else {
            jar = ownJar().toAbsolutePath().getParent().getParent().getParent().resolve("launcher/target/anyk.jar");
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + " (build the launcher, or pass -Danyk.jar=PATH to the benchmark JVM)");
        }
        return jar;
    }

    /** The jar (or directory) this class was loaded from. */
    static Path ownJar() {
        try {
            return Path.of(EmbeddedLibrary.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
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

    /** Stops the framework (which deletes its storage) and closes the class loader. */
    @Override
    public void close() {
        try {
            call(kernelClose, kernel);
        } finally {
            closeLoader();
        }
    }

    private void closeLoader() {
        try {
            loader.close();
        } catch (IOException ignored) {
            // nothing to do about it
        }
    }
}
