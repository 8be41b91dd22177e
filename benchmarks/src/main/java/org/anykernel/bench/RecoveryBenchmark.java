package org.anykernel.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Crash containment, measured on the real {@code microkernel} profile booted in this JVM (as {@link EmbeddedLibrary}
 * boots one: the launcher's jar in a class loader of its own, the kernel reached by reflection):
 * <ul>
 * <li>{@code crashToServing}: the block driver (isolated domain {@code blk}) is armed to crash on its next read;
 * the time of one 4 KiB {@code pread} of {@code /dev/sd0}, which crashes the driver, waits for the supervisor's
 * restart and is replayed on the new driver: crash to serving again, as the caller sees it. Each invocation starts
 * from a freshly restarted domain with a clear restart history ({@code kernel:restart}, outside the time).</li>
 * <li>{@code readNoFault}: the same {@code pread} with no fault: the reference.</li>
 * <li>{@code liveUpdateTmpfs}: {@code kernel:update fs-tmpfs} (the new build installed and made ready beside the
 * running one; then quiesce, export, switch the fronts, import, resume) with a 1 MiB file in the tmpfs: the whole
 * call's time; the pause calls see ("calls held N ms" in its result) is printed as p50/p99 over the measured
 * updates at the end of the trial.</li>
 * </ul>
 * Targets (absolute): crash to serving p50 under 20 ms and p99 under 100 ms; live update pause p99 under 10 ms.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3)
@Measurement(iterations = 30)
public class RecoveryBenchmark {

    /** The booted profile and the reflective handles into its kernel. */
    @State(Scope.Benchmark)
    public static class Booted {
        URLClassLoader loader;
        Object embedded;
        Object kernel;
        Object posix;
        Method fault;
        Method restart;
        Method update;
        Method pread;
        Object crashOnRead;
        Object clear;
        int fd;
        final byte[] buf = new byte[4096];
        /** The pause calls saw in each measured live update, as the kernel reports it ("calls held N ms"). */
        final List<Long> pauses = new java.util.ArrayList<>();
        /** Whether the iteration running is a measured one (warm-up updates are not counted in the pauses). */
        boolean measuring;

        @Setup(Level.Iteration)
        public void iteration(org.openjdk.jmh.infra.IterationParams params) {
            measuring = params.getType() == org.openjdk.jmh.runner.IterationType.MEASUREMENT;
        }

        @Setup(Level.Trial)
        public void boot() throws Exception {
            loader = new URLClassLoader("anyk", new URL[] {EmbeddedLibrary.anykJar().toUri().toURL()},
                    ClassLoader.getPlatformClassLoader());
            Thread self = Thread.currentThread();
            ClassLoader tccl = self.getContextClassLoader();
            self.setContextClassLoader(loader);
            try {
                Class<?> profileClass = loader.loadClass("org.anykernel.launcher.Profile");
                Class<?> optionsClass = loader.loadClass("org.anykernel.launcher.embed.BootOptions");
                Class<?> kernelClass = loader.loadClass("org.anykernel.launcher.embed.EmbeddedKernel");
                Class<?> contextClass = loader.loadClass("org.osgi.framework.BundleContext");
                Class<?> refClass = loader.loadClass("org.osgi.framework.ServiceReference");
                Object profile = profileClass.getMethod("load", List.class).invoke(null, List.of("microkernel"));
                profile = profileClass.getMethod("withVariables", Map.class).invoke(profile, Map.of("console.echo", "false"));
                Object options = optionsClass.getMethod("defaults").invoke(null);
                embedded = kernelClass.getMethod("start", profileClass, optionsClass, PrintStream.class, boolean.class)
                        .invoke(null, profile, options, System.err, false);
                kernelClass.getMethod("awaitReady").invoke(embedded);
                Object ctx = kernelClass.getMethod("context").invoke(embedded);
                Object[] refs = (Object[]) contextClass.getMethod("getAllServiceReferences", String.class, String.class)
                        .invoke(ctx, "org.anykernel.base.api.Kernel", null);
                kernel = contextClass.getMethod("getService", refClass).invoke(ctx, refs[0]);
                ClassLoader api = kernel.getClass().getClassLoader();
                Class<?> kernelApi = api.loadClass("org.anykernel.base.api.Kernel");
                Class<?> specClass = api.loadClass("org.anykernel.base.api.FaultSpec");
                @SuppressWarnings({"unchecked", "rawtypes"})
                Class<Enum> kindClass = (Class<Enum>) api.loadClass("org.anykernel.base.api.FaultSpec$Kind");
                var ctor = specClass.getConstructor(kindClass, int.class, long.class, String.class);
                @SuppressWarnings("unchecked")
                Object crash = Enum.valueOf(kindClass, "CRASH");
                @SuppressWarnings("unchecked")
                Object clearKind = Enum.valueOf(kindClass, "CLEAR");
                crashOnRead = ctor.newInstance(crash, 0, 0L, "read");
                clear = ctor.newInstance(clearKind, 0, 0L, "");
                fault = kernelApi.getMethod("fault", String.class, specClass);
                restart = kernelApi.getMethod("restart", String.class);
                update = kernelApi.getMethod("update", String.class, String.class);
                posix = kernelApi.getMethod("posix", int.class).invoke(kernel, 1);
                Class<?> posixApi = api.loadClass("org.anykernel.base.api.Posix");
                int rdwr = 2;
                fd = (Integer) posixApi.getMethod("open", String.class, int.class).invoke(posix, "/dev/sd0", rdwr);
                pread = posixApi.getMethod("pread", int.class, byte[].class, int.class, int.class, long.class);
                // a 1 MiB file in the tmpfs root, handed over by every live update
                int file = (Integer) posixApi.getMethod("open", String.class, int.class, int.class)
                        .invoke(posix, "/tmp/payload", 0100 | 1, 0644);
                posixApi.getMethod("write", int.class, byte[].class).invoke(posix, file, new byte[1 << 20]);
                posixApi.getMethod("close", int.class).invoke(posix, file);
            } finally {
                self.setContextClassLoader(tccl);
            }
        }

        /** Calls a method of the kernel ({@code Kernel}) or of process 1 ({@code Posix}), whichever declares it. */
        Object call(Method m, Object... args) {
            Object target = m.getDeclaringClass().getSimpleName().equals("Posix") ? posix : kernel;
            try {
                return m.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw new IllegalStateException(e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            if (!pauses.isEmpty()) {
                List<Long> p = pauses.stream().sorted().toList();
                System.out.println("live update pause (calls held, as the kernel reports it) over " + p.size()
                        + " measured updates: p50 " + p.get(p.size() / 2) + " ms, p99 " + p.get(Math.min(p.size() - 1,
                        (int) Math.ceil(p.size() * 0.99) - 1)) + " ms, max " + p.get(p.size() - 1) + " ms");
            }
            try {
                embedded.getClass().getMethod("close").invoke(embedded);
            } finally {
                try {
                    loader.close();
                } catch (IOException e) {
                    System.err.println("closing the launcher's class loader: " + e);
                }
            }
        }
    }

    /** Before each crash: a freshly restarted {@code blk} (restart history cleared), armed to crash on its next read. */
    @State(Scope.Benchmark)
    public static class Armed {
        @Setup(Level.Invocation)
        public void arm(Booted b) {
            b.call(b.fault, "blk", b.clear);
            b.call(b.restart, "blk");
            b.call(b.fault, "blk", b.crashOnRead);
        }
    }

    @Benchmark
    public int crashToServing(Booted b, Armed armed) {
        return ((Number) b.call(b.pread, b.fd, b.buf, 0, b.buf.length, 0L)).intValue();
    }

    @Benchmark
    public int readNoFault(Booted b) {
        return ((Number) b.call(b.pread, b.fd, b.buf, 0, b.buf.length, 0L)).intValue();
    }

    @Benchmark
    public Object liveUpdateTmpfs(Booted b) {
        String line = (String) b.call(b.update, "fs-tmpfs", null);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("calls held (\\d+) ms").matcher(line);
        if (m.find() && b.measuring) {
            b.pauses.add(Long.parseLong(m.group(1)));
        }
        return line;
    }
}
