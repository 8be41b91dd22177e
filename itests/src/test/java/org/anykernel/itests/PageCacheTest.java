package org.anykernel.itests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.anykernel.base.api.LibraryKernel;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Sys;
import org.anykernel.hw.api.DiskController;
import org.anykernel.hw.api.SimHardware;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VFS page cache over ext2 on a simulated disk, as its users see it through the disk's request counts: big
 * transfers are cached like small ones, sequential readers read ahead, {@code O_DIRECT} bypasses the cache, and a
 * kernel at its memory quota gives clean pages back instead of failing.
 */
class PageCacheTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path tmp;
    private DiskController disk;
    private LibraryKernel kernel;
    private Posix px;

    private void boot(long quota) throws Exception {
        Path img = tmp.resolve("cache.img");
        StandaloneVfsTest.Host.run("mke2fs", "-q", "-F", "-t", "ext2", "-b", "4096", img.toString(), "64M");
        disk = SimHardware.imageDisk("sd0", img, false);
        kernel = StorageDurabilityTest.kernel(disk, quota);
        px = kernel.posix();
        px.mount("/dev/sd0", "/", "ext2", 0, null);
    }

    @BeforeEach
    void none() {
        disk = null;
        kernel = null;
    }

    @AfterEach
    void down() {
        try {
            if (kernel != null) {
                kernel.close();
            }
        } finally {
            if (disk != null) {
                SimHardware.powerOff(disk);
            }
        }
    }

    private static byte[] random(int n, long seed) {
        return StorageDurabilityTest.random(n, seed);
    }

    /** Writes {@code data} to {@code path} in 1 MiB writes, fsync'd, then drops the cache by a remount. */
    private void put(String path, byte[] data) {
        int fd = px.open(path, Sys.O_CREAT | Sys.O_WRONLY | Sys.O_TRUNC, 0644);
        for (int at = 0; at < data.length; at += MIB) {
            assertEquals(Math.min(MIB, data.length - at), px.write(fd, data, at, Math.min(MIB, data.length - at)));
        }
        px.fsync(fd);
        px.close(fd);
        px.umount("/");
        px.mount("/dev/sd0", "/", "ext2", 0, null);
    }

    /** Reads the whole file in {@code chunk}-byte reads. */
    private byte[] get(String path, int flags, int chunk) {
        return VfsConformance.readFile(px, path, flags, chunk);
    }

    private long diskReads() {
        return disk.stats().reads();
    }

    @Test
    void aBigFileReadTwiceIsReadFromTheDiskOnce() throws Exception {
        boot(Long.MAX_VALUE);
        byte[] data = random(8 * MIB, 1);
        put("/big", data);
        long before = diskReads();
        assertArrayEquals(data, get("/big", 0, MIB));
        long first = diskReads() - before;
        assertTrue(first > 0, "the first pass reads the disk");
        before = diskReads();
        assertArrayEquals(data, get("/big", 0, MIB));
        assertEquals(0, diskReads() - before, "the second pass is served by the page cache");
    }

    @Test
    void bigWritesStayInTheCacheUntilFsyncAndReachTheDiskThen() throws Exception {
        boot(Long.MAX_VALUE);
        byte[] data = random(4 * MIB, 2);
        int fd = px.open("/w", Sys.O_CREAT | Sys.O_RDWR, 0644);
        long writes = disk.stats().writes();
        assertEquals(4 * MIB, px.write(fd, data, 0, data.length));
        assertEquals(4L * MIB, px.fstat(fd).size(), "the size counts what is in the cache");
        assertEquals(writes, disk.stats().writes(), "nothing is written before fsync");
        px.fsync(fd);
        assertTrue(disk.stats().writes() > writes, "fsync writes the data");
        px.close(fd);
        px.umount("/");
        px.mount("/dev/sd0", "/", "ext2", 0, null);
        assertArrayEquals(data, get("/w", 0, MIB));
    }

    @Test
    void sequentialSmallReadsReadAheadInRuns() throws Exception {
        boot(Long.MAX_VALUE);
        byte[] data = random(2 * MIB, 3);
        put("/seq", data);
        long before = diskReads();
        assertArrayEquals(data, get("/seq", 0, 4096));
        long requests = diskReads() - before;
        // 512 pages, read 4 KiB at a time: with 128 KiB of readahead, a few dozen disk requests at most
        assertTrue(requests <= 40, requests + " disk reads for 512 sequential 4 KiB reads");
    }

    @Test
    void oDirectBypassesTheCacheAndSeesWhatCachedWritesLeft() throws Exception {
        boot(Long.MAX_VALUE);
        byte[] data = random(2 * MIB, 4);
        put("/d", data);
        assertArrayEquals(data, get("/d", 0, MIB)); // now cached
        long before = diskReads();
        assertArrayEquals(data, get("/d", Sys.O_DIRECT, MIB));
        assertTrue(diskReads() - before > 0, "O_DIRECT reads go to the disk although the pages are cached");
        // a cached write, then a direct read of the same range: the dirty pages are written back first
        byte[] patch = random(10_000, 5);
        int fd = px.open("/d", Sys.O_RDWR);
        px.pwrite(fd, patch, 0, patch.length, 4096);
        px.close(fd);
        byte[] want = data.clone();
        System.arraycopy(patch, 0, want, 4096, patch.length);
        assertArrayEquals(want, get("/d", Sys.O_DIRECT, MIB));
        // a direct write, then a cached read: the stale pages are gone
        byte[] over = random(MIB, 6);
        fd = px.open("/d", Sys.O_RDWR | Sys.O_DIRECT);
        px.pwrite(fd, over, 0, MIB, 0);
        px.close(fd);
        System.arraycopy(over, 0, want, 0, MIB);
        assertArrayEquals(want, get("/d", 0, 4096));
    }

    /**
     * Random reads, writes (cached and {@code O_DIRECT}, 1 byte to 2 MiB, unaligned), truncations, fsyncs and remounts
     * of one file, each read checked against a model of what the file holds; the cache is small (8 MiB) so that
     * eviction, write-back on eviction and reclaim all happen; the image checks clean at the end.
     */
    @Test
    void randomTransfersAgreeWithAModelOfTheFile() throws Exception {
        boot(16L * MIB);
        for (long seed : new long[] {42, 7, 2026}) {
            randomTransfers(seed, "/r" + seed, 1000);
        }
        px.umount("/");
        StandaloneVfsTest.Host.Result r = StandaloneVfsTest.Host.run(java.util.List.of("e2fsck", "-fn",
                tmp.resolve("cache.img").toString()), false);
        assertEquals(0, r.exit(), r.output());
    }

    private void randomTransfers(long seed, String path, int ops) {
        Random rnd = new Random(seed);
        byte[] model = new byte[0];
        int fd = px.open(path, Sys.O_CREAT | Sys.O_RDWR, 0644);
        int direct = px.open(path, Sys.O_RDWR | Sys.O_DIRECT);
        int max = 12 * MIB;
        for (int op = 0; op < ops; op++) {
            int kind = rnd.nextInt(100);
            int len = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(2 * MIB) : 1 + rnd.nextInt(64 << 10);
            int pos = rnd.nextInt(max - len);
            int which = rnd.nextInt(5) == 0 ? direct : fd;
            String what = "seed " + seed + " op " + op + " (" + kind + ") at " + pos + " len " + len
                    + (which == direct ? " direct" : "");
            if (kind < 40) {
                byte[] data = random(len, seed * 100_000 + op);
                assertEquals(len, px.pwrite(which, data, 0, len, pos), what);
                if (pos + len > model.length) {
                    model = Arrays.copyOf(model, pos + len);
                }
                System.arraycopy(data, 0, model, pos, len);
            } else if (kind < 85) {
                byte[] got = new byte[len];
                int n = px.pread(which, got, 0, len, pos);
                int want = Math.max(0, Math.min(len, model.length - pos));
                assertEquals(want, n, what);
                byte[] expected = want == 0 ? new byte[0] : Arrays.copyOfRange(model, pos, pos + want);
                assertArrayEquals(expected, Arrays.copyOf(got, n), what);
            } else if (kind < 92) {
                int size = rnd.nextInt(max);
                px.ftruncate(fd, size);
                model = Arrays.copyOf(model, size);
            } else if (kind < 97) {
                px.fsync(which);
            } else {
                px.close(direct);
                px.close(fd);
                px.umount("/");
                px.mount("/dev/sd0", "/", "ext2", 0, null);
                fd = px.open(path, Sys.O_RDWR);
                direct = px.open(path, Sys.O_RDWR | Sys.O_DIRECT);
            }
            assertEquals(model.length, px.fstat(fd).size(), what + ": size");
        }
        byte[] all = new byte[model.length];
        assertEquals(model.length, px.pread(fd, all, 0, all.length, 0));
        assertArrayEquals(model, all);
        px.close(direct);
        px.close(fd);
    }

    @Test
    void aKernelAtItsQuotaGivesCleanPagesBackRatherThanFail() throws Exception {
        // a 16 MiB quota: the cache may hold 8 MiB; a 24 MiB file read twice must not fail with ENOMEM
        boot(16L * MIB);
        byte[] data = random(24 * MIB, 7);
        put("/q", data);
        long before = kernel.memoryUsed();
        assertArrayEquals(data, get("/q", 0, MIB));
        assertArrayEquals(data, get("/q", 0, 4096));
        assertTrue(kernel.memoryUsed() <= 16L * MIB, kernel.memoryUsed() + " bytes charged");
        assertTrue(kernel.memoryUsed() - before <= 9L * MIB, "the cache stays within half the quota");
        byte[] tail = Arrays.copyOfRange(data, 20 * MIB, 24 * MIB);
        int fd = px.open("/q", Sys.O_RDONLY);
        byte[] got = new byte[tail.length];
        assertEquals(tail.length, px.pread(fd, got, 0, got.length, 20L * MIB));
        px.close(fd);
        assertArrayEquals(tail, got);
    }
}
