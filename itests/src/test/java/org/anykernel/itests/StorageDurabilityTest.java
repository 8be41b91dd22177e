package org.anykernel.itests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import org.anykernel.base.api.LibraryKernel;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Standalone;
import org.anykernel.base.api.Sys;
import org.anykernel.hw.api.DiskController;
import org.anykernel.hw.api.DiskFaultPlan;
import org.anykernel.hw.api.SimHardware;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole storage path (page cache, ext2, block layer, hw-sim disk with its volatile write cache) keeps what it
 * acknowledged as durable: data {@code fsync}'d before a power cut is intact after it; and the page cache stays
 * within its bound however much is written without {@code fsync}.
 */
class StorageDurabilityTest {
    @TempDir
    Path tmp;

    private static LibraryKernel kernel(DiskController disk) {
        return kernel(disk, Long.MAX_VALUE);
    }

    /** A kernel whose page cache may hold at most half of {@code quota}. */
    static LibraryKernel kernel(DiskController disk, long quota) {
        return Standalone.builder("durability").drivers("blk-sim", "fs-ext2").memoryQuota(quota)
                .hardware(disk, Map.of("hw.disk.name", "sd0")).build();
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void write(Posix px, String path, byte[] data, boolean fsync) {
        int fd = px.open(path, Sys.O_WRONLY | Sys.O_CREAT | Sys.O_TRUNC, 0644);
        try {
            // small writes: they stay in the page cache until written back
            for (int at = 0; at < data.length; at += 4096) {
                px.write(fd, data, at, Math.min(4096, data.length - at));
            }
            if (fsync) {
                px.fsync(fd);
            }
        } finally {
            px.close(fd);
        }
    }

    private static byte[] read(Posix px, String path) {
        return VfsConformance.readFile(px, path, 0, Integer.MAX_VALUE);
    }

    @Test
    void whatWasFsyncedSurvivesAPowerCut() throws Exception {
        Path img = tmp.resolve("cut.img");
        StandaloneVfsTest.Host.run("mke2fs", "-q", "-F", "-t", "ext2", "-b", "1024", img.toString(), "32M");
        DiskController disk = SimHardware.imageDisk("sd0", img, false);
        LibraryKernel k = kernel(disk);
        byte[] durable = random(1 << 20, 1);
        byte[] small = random(10_000, 2);
        Path after = tmp.resolve("after.img");
        try {
            Posix px = k.posix();
            px.mount("/dev/sd0", "/", "ext2", 0, null);
            px.mkdir("/d", 0755);
            write(px, "/d/durable", durable, true);
            write(px, "/d/small", small, true);
            write(px, "/d/volatile", random(300_000, 3), false);
            disk.faults(DiskFaultPlan.builder().powerCut().build());
            // the machine is gone at this instant: what the medium holds is what a reboot sees
            Files.copy(img, after);
        } finally {
            k.close();
            SimHardware.powerOff(disk);
        }
        DiskController disk2 = SimHardware.imageDisk("sd0", after, false);
        LibraryKernel k2 = kernel(disk2);
        try {
            Posix px = k2.posix();
            px.mount("/dev/sd0", "/", "ext2", Sys.MS_RDONLY, null);
            assertArrayEquals(durable, read(px, "/d/durable"));
            assertArrayEquals(small, read(px, "/d/small"));
            px.umount("/");
        } finally {
            k2.close();
            SimHardware.powerOff(disk2);
        }
    }

    @Test
    void thePageCacheStaysWithinItsBound() throws Exception {
        Path img = tmp.resolve("bound.img");
        StandaloneVfsTest.Host.run("mke2fs", "-q", "-F", "-t", "ext2", "-b", "4096", img.toString(), "128M");
        DiskController disk = SimHardware.imageDisk("sd0", img, false);
        LibraryKernel k = kernel(disk, 64L << 20); // a page cache of at most 32 MiB
        byte[] big = random(48 << 20, 4);
        try {
            Posix px = k.posix();
            px.mount("/dev/sd0", "/", "ext2", 0, null);
            long before = k.memoryUsed();
            write(px, "/big", big, false);
            long held = k.memoryUsed() - before;
            assertTrue(held <= (40L << 20), "the cache holds " + (held >> 20) + " MiB after 48 MiB written");
            assertArrayEquals(big, read(px, "/big"));
            px.umount("/");
        } finally {
            k.close();
            SimHardware.powerOff(disk);
        }
        StandaloneVfsTest.Host.Result r = StandaloneVfsTest.Host.run(java.util.List.of("e2fsck", "-fn", img.toString()),
                false);
        assertEquals(0, r.exit(), r.output());
    }
}
