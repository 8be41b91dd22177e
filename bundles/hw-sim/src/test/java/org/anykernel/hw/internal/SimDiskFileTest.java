package org.anykernel.hw.internal;

import static org.anykernel.hw.internal.Disks.assertOk;
import static org.anykernel.hw.internal.Disks.flush;
import static org.anykernel.hw.internal.Disks.io;
import static org.anykernel.hw.internal.Disks.pattern;
import static org.anykernel.hw.internal.Disks.read;
import static org.anykernel.hw.internal.Disks.write;
import static org.anykernel.hw.internal.Disks.zeros;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.anykernel.hw.api.DiskCompletion.Status;
import org.anykernel.hw.api.DiskFaultPlan;
import org.anykernel.hw.api.DiskRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk controller on an image file. */
class SimDiskFileTest {

    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    @Test
    void writesReachTheFileOnFlushAndAtShutdown() throws IOException {
        Path img = dir.resolve("disk.img");
        byte[] a = pattern(3, 2, 1);
        byte[] b = pattern(9, 1, 2);
        try (SimDisk d = SimDisk.open(DiskConfig.file("f", img, 1 << 20))) {
            assertEquals(2048, d.info().sectors());
            assertEquals(1 << 20, Files.size(img), "a created image has the disk's size");
            write(d, 1, 3, a, false);
            assertArrayEquals(zeros(2), bytesAt(img, 3 * 512, 1024), "still in the write cache");
            flush(d, 2);
            assertArrayEquals(a, bytesAt(img, 3 * 512, 1024));
            write(d, 3, 9, b, false);
            assertArrayEquals(b, read(d, 4, 9, 1));
        } // an orderly shutdown writes the cache back
        assertArrayEquals(b, bytesAt(img, 9 * 512, 512));
        // reopened with the size taken from the file
        try (SimDisk d = SimDisk.open(DiskConfig.file("f", img, -1))) {
            assertEquals(2048, d.info().sectors());
            assertArrayEquals(a, read(d, 1, 3, 2));
            assertArrayEquals(b, read(d, 2, 9, 1));
            assertArrayEquals(zeros(3), read(d, 3, 0, 3));
        }
    }

    @Test
    void aSparseImageStaysSparse() throws IOException {
        Path img = dir.resolve("sparse.img");
        byte[] one = pattern(GIB / 512, 1, 5);
        try (SimDisk d = SimDisk.open(DiskConfig.file("s", img, 2 * GIB))) {
            write(d, 1, GIB / 512, one, false);
            flush(d, 2);
            assertArrayEquals(zeros(8), read(d, 3, GIB / 512 - 8, 8), "a hole reads as zeros");
            assertArrayEquals(zeros(8), read(d, 4, 3 * (GIB / 1024), 8), "a hole reads as zeros");
            // discarding a large unwritten range (64 MiB) writes nothing
            assertOk(io(d, DiskRequest.discard(5, 0, 64 << 11)));
        }
        assertEquals(2 * GIB, Files.size(img), "a created image has the disk's size");
        assertArrayEquals(one, bytesAt(img, GIB, 512));
        long used = diskUsage(img);
        if (used < 0) {
            System.err.println("SimDiskFileTest: cannot measure the file's disk usage here; sparseness not checked");
        } else if (!sparseFilesSupported()) {
            System.err.println("SimDiskFileTest: " + dir + " does not keep files sparse; sparseness not checked");
        } else {
            assertTrue(used < (1 << 20), "a 2 GiB image with one sector written at 1 GiB uses " + used + " bytes");
        }
    }

    @Test
    void aPowerCutLosesUnflushedWritesFromTheImage() throws IOException {
        Path img = dir.resolve("cut.img");
        byte[] kept = pattern(0, 4, 1);
        byte[] fua = pattern(8, 1, 3);
        byte[] lost = pattern(16, 4, 2);
        try (SimDisk d = SimDisk.open(DiskConfig.file("p", img, 1 << 20))) {
            write(d, 1, 0, kept, false);
            flush(d, 2);
            write(d, 3, 8, fua, true);
            write(d, 4, 16, lost, false);
            d.faults(DiskFaultPlan.builder().powerCut().build());
            assertArrayEquals(zeros(4), read(d, 5, 16, 4));
            assertArrayEquals(kept, read(d, 6, 0, 4));
        }
        assertArrayEquals(kept, bytesAt(img, 0, 2048));
        assertArrayEquals(fua, bytesAt(img, 8 * 512, 512));
        assertArrayEquals(zeros(4), bytesAt(img, 16 * 512, 2048), "the lost write never reached the file");
    }

    @Test
    void anExistingShorterImageGrowsOnlyWhereWritten() throws IOException {
        Path img = dir.resolve("short.img");
        byte[] content = pattern(0, 4, 1);
        Files.write(img, content);
        byte[] far = pattern(100_000, 1, 2);
        try (SimDisk d = SimDisk.open(DiskConfig.file("g", img, 64L << 20))) {
            assertEquals(2048, Files.size(img), "opening does not change the file");
            assertArrayEquals(content, read(d, 1, 0, 4));
            assertArrayEquals(zeros(4), read(d, 2, 4, 4), "past the end of the file reads as zeros");
            write(d, 3, 100_000, far, false);
            flush(d, 4);
        }
        assertEquals(100_001L * 512, Files.size(img));
        assertArrayEquals(far, bytesAt(img, 100_000L * 512, 512));
        long used = diskUsage(img);
        if (used >= 0 && sparseFilesSupported()) {
            assertTrue(used < (1 << 20), "the file grew by a hole: " + used + " bytes used");
        }
    }

    @Test
    void aReadOnlyImageIsNeverWritten() throws IOException {
        Path img = dir.resolve("ro.img");
        byte[] content = pattern(0, 8, 7);
        Files.write(img, content);
        try (SimDisk d = SimDisk.open(DiskConfig.file("ro", img, -1).withReadOnly(true))) {
            assertEquals(8, d.info().sectors());
            assertArrayEquals(content, read(d, 1, 0, 8));
            assertEquals(Status.EROFS, io(d, DiskRequest.write(2, 0, zeros(1))).status());
            assertEquals(Status.EROFS, io(d, DiskRequest.discard(3, 0, 8)).status());
            flush(d, 4);
        }
        assertArrayEquals(content, Files.readAllBytes(img));
    }

    @Test
    void discardZeroesWrittenSectorsOfTheImage() throws IOException {
        Path img = dir.resolve("d.img");
        try (SimDisk d = SimDisk.open(DiskConfig.file("d", img, 1 << 20))) {
            write(d, 1, 0, pattern(0, 64, 1), false);
            flush(d, 2);
            assertOk(io(d, DiskRequest.discard(3, 10, 20)));
            byte[] after = read(d, 4, 0, 64);
            assertArrayEquals(zeros(20), Arrays.copyOfRange(after, 10 * 512, 30 * 512));
            assertArrayEquals(Arrays.copyOfRange(pattern(0, 64, 1), 30 * 512, 64 * 512), Arrays.copyOfRange(after, 30 * 512, 64 * 512));
        }
        assertArrayEquals(zeros(20), bytesAt(img, 10 * 512, 20 * 512));
    }

    @Test
    void badBackingsAreRefusedNamingTheField() throws IOException {
        Path missing = dir.resolve("missing.img");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SimDisk.open(DiskConfig.file("m", missing, -1)));
        assertTrue(e.getMessage().startsWith("hw.disk~m: backing: "), e.getMessage());
        assertTrue(e.getMessage().contains("missing.img"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SimDisk.open(DiskConfig.file("m", missing, 1 << 20).withReadOnly(true)));
        assertTrue(e.getMessage().startsWith("hw.disk~m: backing: "), e.getMessage());
        assertTrue(Files.notExists(missing), "a read-only disk creates no file");
        Path empty = Files.createFile(dir.resolve("empty.img"));
        e = assertThrows(IllegalArgumentException.class, () -> SimDisk.open(DiskConfig.file("e", empty, -1)));
        assertTrue(e.getMessage().startsWith("hw.disk~e: size: "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SimDisk.open(DiskConfig.file("x", dir, -1)));
        assertTrue(e.getMessage().startsWith("hw.disk~x: backing: "), e.getMessage());
    }

    private static byte[] bytesAt(Path p, long pos, int len) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ByteBuffer bb = ByteBuffer.allocate(len);
            while (bb.hasRemaining() && ch.read(bb, pos + bb.position()) >= 0) {
                // loop
            }
            return bb.array();
        }
    }

    /** Whether the temporary directory keeps a file with one byte at 1 GiB sparse. */
    private boolean sparseFilesSupported() throws IOException {
        Path probe = dir.resolve("probe");
        try (FileChannel ch = FileChannel.open(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {1}), GIB);
        }
        long used = diskUsage(probe);
        return used >= 0 && used < (1 << 20);
    }

    /** Bytes a file occupies on disk: the {@code unix:blocks} attribute, else {@code stat}; -1 when neither works. */
    static long diskUsage(Path p) {
        try {
            Object blocks = Files.getAttribute(p, "unix:blocks");
            if (blocks instanceof Number n) {
                return n.longValue() * 512;
            }
        } catch (IllegalArgumentException | UnsupportedOperationException | IOException e) {
            // not on this platform: ask stat
        }
        try {
            Process pr = new ProcessBuilder("stat", "-c", "%b %B", p.toString()).redirectErrorStream(true).start();
            byte[] out;
            try (InputStream in = pr.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!pr.waitFor(5, TimeUnit.SECONDS)) {
                pr.destroyForcibly();
                return -1;
            }
            if (pr.exitValue() != 0) {
                return -1;
            }
            String[] f = new String(out, StandardCharsets.US_ASCII).trim().split("\\s+");
            return Long.parseLong(f[0]) * Long.parseLong(f[1]);
        } catch (IOException | NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
