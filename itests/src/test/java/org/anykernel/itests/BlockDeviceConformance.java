package org.anykernel.itests;

import static org.anykernel.itests.CharDeviceConformance.errno;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Sys;
import org.anykernel.dev.api.BlockCompletion;
import org.anykernel.dev.api.BlockDevice;
import org.anykernel.dev.api.BlockInfo;
import org.anykernel.dev.api.BlockRequest;
import org.anykernel.dev.api.Ioctls;
import org.anykernel.hw.api.DiskController;
import org.anykernel.hw.api.DiskFaultPlan;

/**
 * The block-device conformance suite, on the profiles' disk {@code sd0} (16 MiB, memory). Two parts:
 * <ul>
 * <li>through the syscalls of one process ({@code /dev/sd0}: read and write at the descriptor's position, the block
 * ioctls), so it runs the same in every placement, the library one included, where the block device is a private
 * instance reachable only through the library kernel's device faction;</li>
 * <li>through the {@link BlockDevice} contract itself (submit and await, the synchronous calls, errors): on the
 * front, so only where there is one (colocated and isolated; a library kernel exposes no kernel service object).</li>
 * </ul>
 * Hardware faults are applied through the hw-sim {@link DiskController} and always cleared again.
 */
final class BlockDeviceConformance {
    static final int SS = 512;
    static final long SIZE = 16L << 20;
    /** What a stalled request may cost: the driver's stall timeout and reset, with room for a slow machine. */
    static final long HANG_BOUND_MILLIS = 1900;

    private final Posix sys;
    private final BlockDevice device;
    private final DiskController disk;
    private final String tag;

    /**
     * @param device the front, or null where there is none (library placement)
     */
    BlockDeviceConformance(Posix sys, BlockDevice device, DiskController disk, String tag) {
        this.sys = sys;
        this.device = device;
        this.disk = disk;
        this.tag = tag;
    }

    static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed * 31 + i * 7 + i / SS);
        }
        return b;
    }

    /** A descriptor of {@code /dev/sd0} positioned at {@code offset} (there is no lseek yet: it reads its way there). */
    private int openAt(long offset, int flags) {
        int fd = sys.open("/dev/sd0", flags);
        byte[] skip = new byte[1 << 20];
        long left = offset;
        while (left > 0) {
            int n = sys.read(fd, skip, 0, (int) Math.min(skip.length, left));
            assertTrue("skipping to " + offset, n > 0);
            left -= n;
        }
        return fd;
    }

    private byte[] readAt(long offset, int length) {
        int fd = openAt(offset, Sys.O_RDONLY);
        try {
            byte[] b = new byte[length];
            int got = 0;
            while (got < length) {
                int n = sys.read(fd, b, got, length - got);
                if (n == 0) {
                    return Arrays.copyOf(b, got);
                }
                got += n;
            }
            return b;
        } finally {
            sys.close(fd);
        }
    }

    private void writeAt(long offset, byte[] data) {
        int fd = openAt(offset, Sys.O_RDWR);
        try {
            assertEquals(data.length, sys.write(fd, data));
        } finally {
            sys.close(fd);
        }
    }

    // ---- through the syscalls: every placement

    void fileReadAfterWriteAtSeveralOffsets() {
        int fd = sys.open("/dev/sd0", Sys.O_RDWR);
        assertEquals(SIZE, sys.ioctl(fd, Ioctls.BLKGETSIZE64, 0));
        assertEquals(SS, sys.ioctl(fd, Ioctls.BLKSSZGET, 0));
        assertEquals(0, sys.ioctl(fd, Ioctls.BLKROGET, 0));
        byte[] first = pattern(3 * SS, 1);
        assertEquals(first.length, sys.write(fd, first));
        byte[] unaligned = pattern(1000, 2);
        assertEquals("continues at the descriptor's position, mid-sector", 1000, sys.write(fd, unaligned));
        assertEquals(0, sys.ioctl(fd, Ioctls.BLKFLSBUF, 0));
        sys.close(fd);

        long[] offsets = {5 * SS + 123, 777 * SS, SIZE / 2 + 1, SIZE - 2 * SS};
        for (int i = 0; i < offsets.length; i++) {
            writeAt(offsets[i], pattern(2 * SS, 10 + i));
        }
        assertArrayEquals(first, readAt(0, first.length));
        assertArrayEquals(unaligned, readAt(first.length, 1000));
        for (int i = 0; i < offsets.length; i++) {
            assertArrayEquals("offset " + offsets[i], pattern(2 * SS, 10 + i), readAt(offsets[i], 2 * SS));
        }
        // the bytes around an unaligned write are kept
        byte[] around = readAt(5 * SS, 123);
        assertArrayEquals(new byte[123], around);
    }

    void fileEndAndErrors() {
        assertEquals("a read stops at the end of the device", 100, readAt(SIZE - 100, 4096).length);
        int fd = openAt(SIZE, Sys.O_RDWR);
        assertEquals(0, sys.read(fd, new byte[16]));
        assertEquals(Errno.ENOSPC, errno(() -> sys.write(fd, new byte[1])));
        assertEquals(Errno.ENOTTY, errno(() -> sys.ioctl(fd, Ioctls.FIONREAD, 0)));
        sys.close(fd);
        assertEquals(Errno.EEXIST, errno(() -> sys.open("/dev/sd0", Sys.O_CREAT | Sys.O_EXCL | Sys.O_RDWR)));
        int ro = sys.open("/dev/sd0", Sys.O_RDONLY);
        assertEquals(Errno.EBADF, errno(() -> sys.write(ro, new byte[1])));
        int copy = sys.dup(ro);
        assertEquals(10, sys.read(copy, new byte[10]));
        byte[] next = new byte[5];
        assertEquals(5, sys.read(ro, next));
        assertArrayEquals("dup shares the position", Arrays.copyOfRange(readAt(0, 15), 10, 15), next);
        sys.close(copy);
        sys.close(ro);
    }

    void fileMediaErrorIsEIOAndTheDeviceKeepsServing() {
        long sector = 3000;
        writeAt(sector * SS, pattern(SS, 5));
        disk.faults(DiskFaultPlan.builder().eioAt(sector, 1).build());
        try {
            int fd = openAt(sector * SS, Sys.O_RDONLY);
            try {
                assertEquals(Errno.EIO, errno(() -> sys.read(fd, new byte[SS])));
                assertArrayEquals("the sectors before it read", pattern(SS, 6), readAtAfterWrite((sector - 2) * SS, 6));
                disk.faults(DiskFaultPlan.NONE);
                byte[] back = new byte[SS];
                assertEquals("the same descriptor, where the failed read left it", SS, sys.read(fd, back));
                assertArrayEquals(pattern(SS, 5), back);
            } finally {
                sys.close(fd);
            }
        } finally {
            disk.faults(DiskFaultPlan.NONE);
        }
    }

    private byte[] readAtAfterWrite(long offset, int seed) {
        writeAt(offset, pattern(SS, seed));
        return readAt(offset, SS);
    }

    void fileHangIsResetAndTheReadCompletesWithinABound() {
        long offset = 4000L * SS;
        byte[] data = pattern(8 * SS, 7);
        writeAt(offset, data);
        int fd = openAt(offset, Sys.O_RDONLY);
        long aborted = disk.stats().aborted();
        disk.faults(DiskFaultPlan.builder().hang().build());
        try {
            long t0 = System.nanoTime();
            byte[] back = new byte[data.length];
            assertEquals(data.length, sys.read(fd, back));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertArrayEquals(data, back);
            assertTrue(tag + ": the hang cost " + ms + " ms", ms < HANG_BOUND_MILLIS);
            assertTrue("the controller was reset: its request came back aborted", disk.stats().aborted() > aborted);
        } finally {
            disk.faults(DiskFaultPlan.NONE);
            sys.close(fd);
        }
    }

    // ---- through the contract: where there is a front

    void apiInfoReadWriteFlush() {
        BlockInfo info = device.info();
        assertEquals("sd0", info.name());
        assertEquals(SIZE / SS, info.sectors());
        assertEquals(SS, info.sectorSize());
        assertTrue(!info.readOnly() && info.queueDepth() > 4 && info.maxTransferSectors() >= 8);
        long[] sectors = {0, 5, 1234, info.sectors() - 3};
        for (int i = 0; i < sectors.length; i++) {
            byte[] buf = new byte[3 * SS + 7];
            System.arraycopy(pattern(3 * SS, 20 + i), 0, buf, 7, 3 * SS);
            assertEquals(3, device.write(sectors[i], buf, 7, 3, i % 2 == 0));
        }
        device.flush();
        for (int i = 0; i < sectors.length; i++) {
            byte[] back = new byte[3 * SS + 5];
            assertEquals(3, device.read(sectors[i], back, 5, 3));
            assertArrayEquals("sector " + sectors[i], pattern(3 * SS, 20 + i), Arrays.copyOfRange(back, 5, 5 + 3 * SS));
        }
        byte[] buf = new byte[4 * SS];
        assertEquals(Errno.EINVAL, errno(() -> device.read(info.sectors(), buf, 0, 1)));
        assertEquals(Errno.EINVAL, errno(() -> device.read(info.sectors() - 1, buf, 0, 2)));
        assertEquals(Errno.EINVAL, errno(() -> device.write(-1, buf, 0, 1, false)));
        assertEquals(Errno.EINVAL, errno(() -> device.read(0, buf, SS, 4)));
        assertEquals(Errno.EINVAL, errno(() -> device.submit(BlockRequest.read(info.sectors(), 1))));
        assertEquals(Errno.EINVAL, errno(() -> device.submit(new BlockRequest(BlockRequest.Op.WRITE, 0, 2, new byte[SS], false))));
    }

    void apiSubmitAndAwaitSeveralOutstanding() {
        int n = 6;
        List<Long> writes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            writes.add(device.submit(BlockRequest.write(10_000 + 16L * i, pattern(2 * SS, 40 + i), i == 0)));
        }
        assertEquals("handles are distinct", n, writes.stream().distinct().count());
        for (int i = n - 1; i >= 0; i--) {
            BlockCompletion c = device.await(writes.get(i), 2000);
            assertTrue(c.toString(), c.ok());
            assertEquals(writes.get(i).longValue(), c.handle());
            assertEquals(BlockRequest.Op.WRITE, c.op());
            assertNull(c.data());
        }
        long flush = device.submit(BlockRequest.flush());
        long[] reads = new long[n];
        for (int i = 0; i < n; i++) {
            reads[i] = device.submit(BlockRequest.read(10_000 + 16L * i, 2));
        }
        for (int i = 0; i < n; i++) {
            BlockCompletion c = device.await(reads[i], 2000);
            assertTrue(c.toString(), c.ok());
            assertArrayEquals("read " + i, pattern(2 * SS, 40 + i), c.data());
        }
        assertTrue(device.await(flush, 2000).ok());
        assertEquals("a collected handle is gone", Errno.EINVAL, errno(() -> device.await(reads[0], 0)));
        assertEquals("an unknown handle", Errno.EINVAL, errno(() -> device.await(Long.MAX_VALUE, 0)));
        assertEquals(Errno.EINVAL, errno(() -> device.await(flush, -1)));
    }

    void apiMediaErrorIsEIOAndTheDeviceKeepsServing() {
        long sector = 20_000;
        disk.faults(DiskFaultPlan.builder().eioAt(sector, 2).build());
        try {
            KernelException e = null;
            try {
                device.read(sector - 1, new byte[4 * SS], 0, 4);
            } catch (KernelException x) {
                e = x;
            }
            assertTrue("the read failed", e != null);
            assertEquals(Errno.EIO, e.errno());
            assertTrue(e.getMessage(), e.getMessage().contains("media error"));
            BlockCompletion c = device.await(device.submit(BlockRequest.write(sector + 1, new byte[SS], false)), 2000);
            assertEquals(Errno.EIO, c.error());
            assertEquals(2, device.read(sector + 2, new byte[2 * SS], 0, 2));
        } finally {
            disk.faults(DiskFaultPlan.NONE);
        }
        assertEquals(4, device.read(sector - 1, new byte[4 * SS], 0, 4));
    }

    void apiHangIsResetWithinABound() {
        long sector = 30_000;
        byte[] data = pattern(4 * SS, 50);
        device.write(sector, data, 0, 4, false);
        disk.faults(DiskFaultPlan.builder().hang().build());
        try {
            long t0 = System.nanoTime();
            long h = device.submit(BlockRequest.read(sector, 4));
            BlockCompletion c = null;
            while (c == null) {
                try {
                    c = device.await(h, 500);
                } catch (KernelException e) {
                    assertEquals(Errno.ETIMEDOUT, e.errno());
                    assertTrue("still waiting after " + HANG_BOUND_MILLIS + " ms",
                            System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(HANG_BOUND_MILLIS));
                }
            }
            assertTrue(c.toString(), c.ok());
            assertArrayEquals(data, c.data());
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < HANG_BOUND_MILLIS);
        } finally {
            disk.faults(DiskFaultPlan.NONE);
        }
    }
}
