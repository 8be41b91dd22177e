package org.anykernel.base.internal;

import java.util.concurrent.TimeUnit;

import org.anykernel.base.api.Credentials;
import org.anykernel.base.api.Posix;
import org.anykernel.base.spi.FactionInstance;
import org.anykernel.base.spi.KernelServiceRef;
import org.anykernel.dev.api.CharDevice;
import org.anykernel.dev.internal.DevFaction;
import org.anykernel.drivers.chr.std.ZeroDevice;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of each kernel placement for the smallest call there is: a 1-byte read from a zero device.
 * Every benchmark is compared with {@link #baseline} (a plain interface call) from the same run; the
 * report ({@code org.anykernel.bench.Report}) computes the ratios and checks the targets.
 *
 * <p>Two families: {@code front*} calls {@link CharDevice#read} on a front directly (what a kernel client
 * bound to the service pays); {@code dev*} reads {@code /dev/zero} through {@code Posix.read}, the syscall
 * path (syscall table, descriptor table, dev faction, then the device or its front).
 *
 * <p>Isolated placements also run in {@link Mode#SampleTime}, so the report has medians and p99s.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PlacementBenchmark {

    // ---- states: one per placement, set up once per trial

    /** A plain {@link ZeroDevice} behind its interface. */
    @State(Scope.Benchmark)
    public static class Plain {
        CharDevice device;
        final byte[] buf = new byte[1];

        @Setup(Level.Trial)
        public void setUp() {
            device = new ZeroDevice();
        }
    }

    /** A front to a ZeroDevice in a domain of one placement. */
    public abstract static class FrontState {
        Placements.Base base;
        CharDevice device;
        final byte[] buf = new byte[1];

        abstract Placements.Kind kind();

        @Setup(Level.Trial)
        public void setUp() {
            base = new Placements.Base();
            Domain d = base.domain(kind(), "bench-" + kind().name().toLowerCase().replace('_', '-'));
            device = (CharDevice) base.zeroFront(d).proxy();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            base.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Colocated extends FrontState {
        @Override
        Placements.Kind kind() {
            return Placements.Kind.COLOCATED;
        }
    }

    @State(Scope.Benchmark)
    public static class Migrate extends FrontState {
        @Override
        Placements.Kind kind() {
            return Placements.Kind.ISOLATED_MIGRATE;
        }
    }

    @State(Scope.Benchmark)
    public static class Handoff extends FrontState {
        @Override
        Placements.Kind kind() {
            return Placements.Kind.ISOLATED_HANDOFF;
        }
    }

    /** {@code /dev/zero} open in a kernel's process; the device is bound directly (library) or as a front. */
    public abstract static class DevState {
        Placements.Base base;
        Placements.DevKernel kernel;
        Posix posix;
        int fd;
        final byte[] buf = new byte[1];

        /** null: a ZeroDevice bound directly (no front); otherwise the global kernel with a front. */
        abstract Placements.Kind kind();

        /** With {@code kind() == null}: true for a library kernel, false for the global kernel. */
        boolean library() {
            return true;
        }

        @Setup(Level.Trial)
        public void setUp() {
            base = new Placements.Base();
            Placements.Kind k = kind();
            if (k == null && library()) {
                kernel = new Placements.DevKernel(base, "bench-lib", true, new ZeroDevice(), "bench-lib", "library");
            } else if (k == null) {
                kernel = new Placements.DevKernel(base, "global", false, new ZeroDevice(), "kernel", "colocated");
            } else {
                String domain = "bench-" + k.name().toLowerCase().replace('_', '-');
                Domain d = base.domain(k, domain);
                Front f = base.zeroFront(d);
                kernel = new Placements.DevKernel(base, "global", false, f.proxy(), domain, d.placement().label());
            }
            posix = kernel.posix;
            fd = kernel.fd;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            kernel.close();
            base.close();
        }
    }

    @State(Scope.Benchmark)
    public static class DevLibrary extends DevState {
        @Override
        Placements.Kind kind() {
            return null;
        }
    }

    /** Not a placement: the global kernel with the raw device bound (no front), the reference for a front's cost. */
    @State(Scope.Benchmark)
    public static class DevGlobalRaw extends DevState {
        @Override
        Placements.Kind kind() {
            return null;
        }

        @Override
        boolean library() {
            return false;
        }
    }

    @State(Scope.Benchmark)
    public static class DevColocated extends DevState {
        @Override
        Placements.Kind kind() {
            return Placements.Kind.COLOCATED;
        }
    }

    @State(Scope.Benchmark)
    public static class DevMigrate extends DevState {
        @Override
        Placements.Kind kind() {
            return Placements.Kind.ISOLATED_MIGRATE;
        }
    }

    @State(Scope.Benchmark)
    public static class DevHandoff extends DevState {
        @Override
        Placements.Kind kind() {
            return Placements.Kind.ISOLATED_HANDOFF;
        }
    }

    /** What a library kernel is made of, minus the OSGi registry lookups (see {@link #libraryKernelCreateClose}). */
    @State(Scope.Benchmark)
    public static class Factory {
        Placements.Base base;
        DevFaction faction;
        Domain accounts;

        @Setup(Level.Trial)
        public void setUp() {
            base = new Placements.Base();
            faction = new DevFaction();
            accounts = base.holder("library:bench-create");
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            base.close();
        }
    }

    // ---- 1. the reference: a plain Java interface call

    @Benchmark
    public int baseline(Plain s) {
        return s.device.read(s.buf, 0, 1);
    }

    // ---- 2-4. the same call through a front

    @Benchmark
    public int frontColocated(Colocated s) {
        return s.device.read(s.buf, 0, 1);
    }

    @Benchmark
    @BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
    public int frontIsolatedMigrate(Migrate s) {
        return s.device.read(s.buf, 0, 1);
    }

    @Benchmark
    @BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
    public int frontIsolatedHandoff(Handoff s) {
        return s.device.read(s.buf, 0, 1);
    }

    // ---- 5. the null syscall: dispatch only

    @Benchmark
    public int syscallGetpid(DevLibrary s) {
        return s.posix.getpid();
    }

    // ---- 6. read(2) of 1 byte from /dev/zero, per placement of the zero device

    @Benchmark
    public int devZeroLibrary(DevLibrary s) {
        return s.posix.read(s.fd, s.buf, 0, 1);
    }

    /** Reference only: the global kernel's syscall path with no front at all. */
    @Benchmark
    public int devZeroGlobalRaw(DevGlobalRaw s) {
        return s.posix.read(s.fd, s.buf, 0, 1);
    }

    @Benchmark
    public int devZeroColocated(DevColocated s) {
        return s.posix.read(s.fd, s.buf, 0, 1);
    }

    @Benchmark
    @BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
    public int devZeroIsolatedMigrate(DevMigrate s) {
        return s.posix.read(s.fd, s.buf, 0, 1);
    }

    @Benchmark
    @BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
    public int devZeroIsolatedHandoff(DevHandoff s) {
        return s.posix.read(s.fd, s.buf, 0, 1);
    }

    // ---- 7. a library kernel made and closed: LibraryKernels.create's steps minus the registry

    /**
     * An approximation of library kernel creation: what {@code LibraryKernels.create} does after it has
     * found the driver's service (kernel, syscall table, dev faction attached, private device bound,
     * process spawned), then {@code close}. One memory account is reused for every kernel (see {@link
     * Placements.Base#holder}); LibraryKernels makes a new one, a small object, each time. The OSGi part (finding the driver's raw services and
     * {@code getServiceObjects().getService()}, which activates a DS component) is not measured.
     */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int libraryKernelCreateClose(Factory s) {
        var account = s.accounts.account();
        KernelInstance k = new KernelInstance("bench-create", s.base.host, account, true);
        var prev = ExecutionContext.enter(account);
        try {
            FactionInstance inst = s.faction.attach(k);
            k.attach(s.faction, inst);
            k.bindAll(new KernelServiceRef(new ZeroDevice(), Placements.ZERO_PROPS));
        } finally {
            ExecutionContext.exit(prev);
        }
        int pid = k.spawn("bench-create", Credentials.ROOT);
        Posix p = k.posix(pid);
        int r = p.getpid();
        k.shutdown();
        return r;
    }
}
