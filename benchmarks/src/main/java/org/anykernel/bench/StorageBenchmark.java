package org.anykernel.bench;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.anykernel.base.api.LibraryKernel;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Stat;
import org.anykernel.base.api.Standalone;
import org.anykernel.base.api.Sys;
import org.anykernel.hw.api.DiskController;
import org.anykernel.hw.api.SimHardware;
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
 * Storage through a {@link Standalone} library kernel's {@link Posix}, each against the host doing the same through
 * java.nio, in the same run:
 *
 * <ul>
 *   <li>tmpfs metadata: {@code open(O_CREAT|O_WRONLY)} + {@code close} + {@code unlink} of one file, and {@code stat}
 *       of an existing one, against {@code Files.newByteChannel(CREATE_NEW, WRITE)} + {@code close} +
 *       {@code Files.delete} and {@code Files.readAttributes(BasicFileAttributes)} on Linux tmpfs in
 *       {@code /dev/shm};</li>
 *   <li>tmpfs data on a 64 MiB file: 4 KiB {@code pread} / {@code pwrite} at random 4 KiB-aligned offsets (one
 *       table of offsets, the same for both sides), and 1 MiB sequential {@code pread} / {@code pwrite} at advancing
 *       offsets wrapping at 64 MiB, against {@code FileChannel} positional read / write with a heap
 *       {@code ByteBuffer} on a 64 MiB file in {@code /dev/shm};</li>
 *   <li>ext2 on an image file (made by {@code mke2fs -t ext2 -b 4096}, 256 MiB, in a temporary directory under
 *       {@code java.io.tmpdir}) through the simulated disk ({@code blk-sim} over {@code SimHardware.imageDisk}):
 *       1 MiB sequential {@code pread} and {@code pwrite} wrapping within a 64 MiB file, against java.nio copying
 *       1 MiB between two 64 MiB host files in the same directory (read from one channel, write to the other, at
 *       the same advancing offsets). The same reads and writes with {@code O_DIRECT} (through blk-sim to the disk
 *       every time, no page cache) are informational rows.</li>
 * </ul>
 *
 * The kernel's calls are made on the benchmark thread (a library kernel has no thread of its own). Neither side
 * syncs: ext2's writes end in the VFS page cache (with {@code O_DIRECT}: in the driver's buffers and the image
 * file's host page cache), the host copy's in the host page cache; both are write-back caches with a bound the 64 MiB
 * file stays under.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StorageBenchmark {
    static final int PAGE = 4096;
    static final int MIB = 1 << 20;
    static final long FILE_BYTES = 64L * MIB;
    /** Random 4 KiB-aligned offsets in the 64 MiB file, the same sequence for every side. */
    static final long[] RANDOM_OFFSETS = offsets();

    private static long[] offsets() {
        SplittableRandom r = new SplittableRandom(42);
        long[] o = new long[1 << 14];
        for (int i = 0; i < o.length; i++) {
            o[i] = (long) r.nextInt((int) (FILE_BYTES / PAGE)) * PAGE;
        }
        return o;
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** Where the next operation goes: a random page, or the next MiB (wrapping at 64 MiB). */
    public abstract static class Cursor {
        int next;
        long seq;

        long randomPage() {
            int i = next;
            next = (i + 1) & (RANDOM_OFFSETS.length - 1);
            return RANDOM_OFFSETS[i];
        }

        long nextMib() {
            long p = seq;
            seq = p + MIB >= FILE_BYTES ? 0 : p + MIB;
            return p;
        }
    }

    // ---- tmpfs: a Standalone kernel with fs-tmpfs (mounted on / at the first path call)

    @State(Scope.Benchmark)
    public static class Tmpfs extends Cursor {
        LibraryKernel kernel;
        Posix px;
        int fd;
        final byte[] page = randomBytes(PAGE, 1);
        final byte[] mib = randomBytes(MIB, 2);

        @Setup(Level.Trial)
        public void setUp() {
            kernel = Standalone.builder("bench").drivers("fs-tmpfs").build();
            px = kernel.posix();
            px.close(px.open("/tmp/exists", Sys.O_CREAT | Sys.O_WRONLY, 0644));
            fd = px.open("/tmp/data", Sys.O_CREAT | Sys.O_RDWR, 0644);
            fill(px, fd);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            px.close(fd);
            kernel.close();
        }
    }

    static void fill(Posix px, int fd) {
        byte[] chunk = randomBytes(MIB, 3);
        for (long p = 0; p < FILE_BYTES; p += MIB) {
            if (px.pwrite(fd, chunk, 0, MIB, p) != MIB) {
                throw new IllegalStateException("short write at " + p);
            }
        }
        if (px.fstat(fd).size() != FILE_BYTES) {
            throw new IllegalStateException("file is not 64 MiB");
        }
    }

    // ---- the host: Linux tmpfs in /dev/shm

    @State(Scope.Benchmark)
    public static class Shm extends Cursor {
        Path dir;
        Path exists;
        Path created;
        FileChannel data;
        final ByteBuffer page = ByteBuffer.wrap(randomBytes(PAGE, 1));
        final ByteBuffer mib = ByteBuffer.wrap(randomBytes(MIB, 2));

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = Files.createTempDirectory(Path.of("/dev/shm"), "storage-bench-");
            exists = Files.createFile(dir.resolve("exists"));
            created = dir.resolve("f");
            data = FileChannel.open(dir.resolve("data"), StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            fill(data);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            data.close();
            BareFelix.delete(dir);
        }
    }

    static void fill(FileChannel ch) throws IOException {
        ByteBuffer chunk = ByteBuffer.wrap(randomBytes(MIB, 3));
        for (long p = 0; p < FILE_BYTES; p += MIB) {
            writeFully(ch, chunk.clear(), p);
        }
        if (ch.size() != FILE_BYTES) {
            throw new IllegalStateException("file is not 64 MiB");
        }
    }

    static int readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        int n = 0;
        while (b.hasRemaining()) {
            int r = ch.read(b, pos + n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    static int writeFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        int n = 0;
        while (b.hasRemaining()) {
            n += ch.write(b, pos + n);
        }
        return n;
    }

    // ---- ext2 on an image file, and the host copy it is compared with

    @State(Scope.Benchmark)
    public static class Ext2 extends Cursor {
        Path dir;
        DiskController disk;
        LibraryKernel kernel;
        Posix px;
        int fd;
        int direct;
        final byte[] mib = randomBytes(MIB, 2);

        @Setup(Level.Trial)
        public void setUp() throws IOException, InterruptedException {
            dir = Files.createTempDirectory("storage-bench-ext2-");
            Path image = dir.resolve("ext2.img");
            run(List.of("/usr/sbin/mke2fs", "-q", "-F", "-t", "ext2", "-b", "4096", image.toString(), "256M"), dir);
            disk = SimHardware.imageDisk("sd0", image, false);
            kernel = Standalone.builder("bench").drivers("blk-sim", "fs-ext2")
                    .hardware(disk, Map.of("hw.disk.name", "sd0")).build();
            px = kernel.posix();
            px.mount("/dev/sd0", "/", "ext2", 0, null);
            fd = px.open("/data", Sys.O_CREAT | Sys.O_RDWR, 0644);
            fill(px, fd);
            px.fsync(fd);
            direct = px.open("/data", Sys.O_RDWR | Sys.O_DIRECT);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            try {
                px.close(direct);
                px.close(fd);
                px.umount("/");
                kernel.close();
            } finally {
                SimHardware.powerOff(disk);
                BareFelix.delete(dir);
            }
        }
    }

    @State(Scope.Benchmark)
    public static class HostCopy extends Cursor {
        Path dir;
        FileChannel src;
        FileChannel dst;
        final ByteBuffer mib = ByteBuffer.allocate(MIB);

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = Files.createTempDirectory("storage-bench-copy-");
            src = FileChannel.open(dir.resolve("src"), StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            dst = FileChannel.open(dir.resolve("dst"), StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            fill(src);
            fill(dst);
            src.force(true);
            dst.force(true);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            src.close();
            dst.close();
            BareFelix.delete(dir);
        }
    }

    static void run(List<String> cmd, Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(dir.toFile(), "cmd.log"))).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " failed: " + Files.readString(dir.resolve("cmd.log")));
        }
    }

    // ---- 1. tmpfs metadata

    @Benchmark
    public int tmpfsCreateCloseUnlink(Tmpfs s) {
        int fd = s.px.open("/tmp/f", Sys.O_CREAT | Sys.O_WRONLY, 0644);
        s.px.close(fd);
        s.px.unlink("/tmp/f");
        return fd;
    }

    @Benchmark
    public void shmNioCreateCloseUnlink(Shm s) throws IOException {
        SeekableByteChannel ch = Files.newByteChannel(s.created, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ch.close();
        Files.delete(s.created);
    }

    @Benchmark
    public Stat tmpfsStat(Tmpfs s) {
        return s.px.stat("/tmp/exists");
    }

    @Benchmark
    public BasicFileAttributes shmNioStat(Shm s) throws IOException {
        return Files.readAttributes(s.exists, BasicFileAttributes.class);
    }

    // ---- 2. tmpfs data: 4 KiB random, 1 MiB sequential

    @Benchmark
    public int tmpfsPread4k(Tmpfs s) {
        return s.px.pread(s.fd, s.page, 0, PAGE, s.randomPage());
    }

    @Benchmark
    public int shmNioPread4k(Shm s) throws IOException {
        return readFully(s.data, s.page.clear(), s.randomPage());
    }

    @Benchmark
    public int tmpfsPwrite4k(Tmpfs s) {
        return s.px.pwrite(s.fd, s.page, 0, PAGE, s.randomPage());
    }

    @Benchmark
    public int shmNioPwrite4k(Shm s) throws IOException {
        return writeFully(s.data, s.page.clear(), s.randomPage());
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int tmpfsSeqRead1m(Tmpfs s) {
        return s.px.pread(s.fd, s.mib, 0, MIB, s.nextMib());
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int shmNioSeqRead1m(Shm s) throws IOException {
        return readFully(s.data, s.mib.clear(), s.nextMib());
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int tmpfsSeqWrite1m(Tmpfs s) {
        return s.px.pwrite(s.fd, s.mib, 0, MIB, s.nextMib());
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int shmNioSeqWrite1m(Shm s) throws IOException {
        return writeFully(s.data, s.mib.clear(), s.nextMib());
    }

    // ---- 3. ext2 on an image file, against a host copy

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int ext2SeqRead1m(Ext2 s) {
        return s.px.pread(s.fd, s.mib, 0, MIB, s.nextMib());
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int ext2SeqWrite1m(Ext2 s) {
        return s.px.pwrite(s.fd, s.mib, 0, MIB, s.nextMib());
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int ext2SeqRead1mDirect(Ext2 s) {
        return s.px.pread(s.direct, s.mib, 0, MIB, s.nextMib());
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int ext2SeqWrite1mDirect(Ext2 s) {
        return s.px.pwrite(s.direct, s.mib, 0, MIB, s.nextMib());
    }

    /** 1 MiB read from one host file and written to another at the same offset (the ext2 rows' baseline). */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int hostNioCopy1m(HostCopy s) throws IOException {
        long p = s.nextMib();
        readFully(s.src, s.mib.clear(), p);
        return writeFully(s.dst, s.mib.flip(), p);
    }
}
