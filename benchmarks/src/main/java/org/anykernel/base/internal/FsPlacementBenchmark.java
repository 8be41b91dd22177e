package org.anykernel.base.internal;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Sys;
import org.anykernel.drivers.fs.tmpfs.TmpFileSystem;
import org.anykernel.vfs.api.FileSystem;
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
 * Placement of the file system driver: a 64 KiB {@code pread} from a tmpfs file through the global kernel's
 * syscall path, the {@code tmpfs} driver ({@link TmpFileSystem}) bound to the VFS faction as a front in a
 * colocated domain, an isolated one with hand-off (the default ipc) or an isolated one with {@code ipc=migrate};
 * plus the same kernel with the raw driver bound (no front) as a reference. Built by {@link Placements.FsKernel}
 * on a plain class path, as {@link PlacementBenchmark} builds the dev faction's.
 *
 * <p>The file is {@value #FILE_BYTES} bytes (the domain's memory account holds its pages: 64 MiB by default), made
 * in the trial's set-up; each call reads the next 64 KiB, wrapping at the end. The driver object lives in the
 * domain: its pages are charged to the domain's account ({@code ContextMemory} over it, as DS would inject it).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FsPlacementBenchmark {
    static final int CHUNK = 64 * 1024;
    static final long FILE_BYTES = 16L << 20;
    static final Map<String, Object> TMPFS_PROPS = Map.of(FileSystem.TYPE, "tmpfs");

    /** A kernel whose tmpfs is reached through a front of one placement (null: the raw driver, no front). */
    public abstract static class FsState {
        Placements.Base base;
        Placements.FsKernel kernel;
        Posix posix;
        int fd;
        long pos;
        final byte[] buf = new byte[CHUNK];

        abstract Placements.Kind kind();

        @Setup(Level.Trial)
        public void setUp() {
            base = new Placements.Base();
            Placements.Kind k = kind();
            if (k == null) {
                Domain holder = base.holder("tmpfs-raw");
                TmpFileSystem fs = new TmpFileSystem(new ContextMemory(holder.account()));
                kernel = new Placements.FsKernel(base, "global", false, fs, TMPFS_PROPS, "fs-tmpfs", "kernel",
                        "colocated");
            } else {
                String domain = "bench-fs-" + k.name().toLowerCase().replace('_', '-');
                Domain d = base.domain(k, domain);
                TmpFileSystem fs = new TmpFileSystem(new ContextMemory(d.account()));
                Front f = base.front(d, "fs-tmpfs", FileSystem.class, fs, TMPFS_PROPS);
                kernel = new Placements.FsKernel(base, "global", false, f.proxy(), TMPFS_PROPS, "fs-tmpfs", domain,
                        d.placement().label());
            }
            posix = kernel.posix;
            fd = posix.open("/tmp/data", Sys.O_CREAT | Sys.O_RDWR, 0644);
            byte[] chunk = new byte[1 << 20];
            new java.util.Random(1).nextBytes(chunk);
            for (long p = 0; p < FILE_BYTES; p += chunk.length) {
                if (posix.pwrite(fd, chunk, 0, chunk.length, p) != chunk.length) {
                    throw new IllegalStateException("short write");
                }
            }
            if (posix.fstat(fd).size() != FILE_BYTES || posix.pread(fd, buf, 0, CHUNK, 0) != CHUNK) {
                throw new IllegalStateException("file not as written");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            posix.close(fd);
            kernel.close();
            base.close();
        }

        int read() {
            long p = pos;
            pos = p + CHUNK >= FILE_BYTES ? 0 : p + CHUNK;
            return posix.pread(fd, buf, 0, CHUNK, p);
        }
    }

    @State(Scope.Benchmark)
    public static class Raw extends FsState {
        @Override
        Placements.Kind kind() {
            return null;
        }
    }

    @State(Scope.Benchmark)
    public static class Colocated extends FsState {
        @Override
        Placements.Kind kind() {
            return Placements.Kind.COLOCATED;
        }
    }

    @State(Scope.Benchmark)
    public static class Migrate extends FsState {
        @Override
        Placements.Kind kind() {
            return Placements.Kind.ISOLATED_MIGRATE;
        }
    }

    @State(Scope.Benchmark)
    public static class Handoff extends FsState {
        @Override
        Placements.Kind kind() {
            return Placements.Kind.ISOLATED_HANDOFF;
        }
    }

    /** Reference: the global kernel's VFS calling the tmpfs driver directly. */
    @Benchmark
    public int fsPread64kRaw(Raw s) {
        return s.read();
    }

    @Benchmark
    public int fsPread64kColocated(Colocated s) {
        return s.read();
    }

    @Benchmark
    public int fsPread64kIsolatedMigrate(Migrate s) {
        return s.read();
    }

    @Benchmark
    public int fsPread64kIsolatedHandoff(Handoff s) {
        return s.read();
    }
}
