package org.anykernel.drivers.blk.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.spi.KernelMemory;
import org.anykernel.base.spi.KernelThreads;
import org.anykernel.dev.api.BlockCompletion;
import org.anykernel.dev.api.BlockDevice;
import org.anykernel.dev.api.BlockRequest;
import org.anykernel.hw.api.DiskCompletion;
import org.anykernel.hw.api.DiskController;
import org.anykernel.hw.api.DiskFaultPlan;
import org.anykernel.hw.api.DiskInfo;
import org.anykernel.hw.api.DiskRequest;
import org.anykernel.hw.api.DiskStats;
import org.anykernel.hw.internal.DiskConfig;
import org.anykernel.hw.internal.SimDisk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The driver's request bookkeeping on the real hw-sim disk controller ({@link SimDisk}, which opens without OSGi
 * on a plain class path): tags, routing of completions between instances sharing a controller, the software
 * queue, handles, resets after stalls, errno mapping, memory charges. Its behaviour through the fronts and in a
 * library kernel is the itests' block conformance suite.
 */
class SimBlockDeviceTest {
    private static final int SS = 512;

    /** Kernel threads as plain virtual threads, counted. */
    private static final class Threads implements KernelThreads {
        final List<String> names = new CopyOnWriteArrayList<>();
        final List<Thread> started = new CopyOnWriteArrayList<>();

        @Override
        public Thread spawn(String name, boolean virtual, Runnable body) {
            names.add(name);
            Thread t = Thread.ofVirtual().name(name).start(body);
            started.add(t);
            return t;
        }

        @Override
        public int running() {
            return names.size();
        }
    }

    /** A memory account with a quota. */
    private static final class Memory implements KernelMemory {
        final AtomicLong used = new AtomicLong();
        final long quota;

        Memory(long quota) {
            this.quota = quota;
        }

        @Override
        public void charge(long bytes) {
            if (used.addAndGet(bytes) > quota) {
                used.addAndGet(-bytes);
                throw new KernelException(Errno.ENOMEM, "test", "quota");
            }
        }

        @Override
        public void release(long bytes) {
            used.addAndGet(-bytes);
        }

        @Override
        public long used() {
            return used.get();
        }

        @Override
        public long quota() {
            return quota;
        }

        @Override
        public String domain() {
            return "test";
        }
    }

    private final List<SimDisk> disks = new ArrayList<>();
    private final List<SimBlockDevice> devices = new ArrayList<>();
    private final Threads threads = new Threads();
    private final Memory memory = new Memory(64L << 20);

    @AfterEach
    void tearDown() {
        devices.forEach(SimBlockDevice::close);
        disks.forEach(SimDisk::close);
    }

    private SimDisk disk(DiskConfig c) {
        SimDisk d = SimDisk.open(c);
        disks.add(d);
        return d;
    }

    private DiskPort port(DiskController c) {
        DiskPort p = new DiskPort("sd9", c);
        p.attach();
        return p;
    }

    private SimBlockDevice device(DiskPort p) {
        SimBlockDevice d = new SimBlockDevice(p, threads, memory);
        devices.add(d);
        return d;
    }

    private SimBlockDevice device(DiskConfig c) {
        return device(port(disk(c)));
    }

    private static byte[] pattern(int sectors, int seed) {
        byte[] b = new byte[sectors * SS];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (seed + i * 7 + i / SS);
        }
        return b;
    }

    private static Errno errno(Runnable r) {
        return assertThrows(KernelException.class, r::run).errno();
    }

    @Test
    void readAfterWriteAtSeveralOffsetsAndAcrossTheLargestTransfer() {
        SimBlockDevice d = device(DiskConfig.memory("sd9", 8L << 20));
        assertEquals(new org.anykernel.dev.api.BlockInfo("sd9", 16384, SS, false, 64, SimDisk.MAX_TRANSFER_SECTORS),
                d.info());
        for (long sector : new long[] {0, 1, 777, 16383}) {
            byte[] data = pattern(1, (int) sector);
            assertEquals(1, d.write(sector, data, 0, 1, false));
            byte[] back = new byte[SS + 10];
            assertEquals(1, d.read(sector, back, 10, 1));
            assertArrayEquals(data, java.util.Arrays.copyOfRange(back, 10, 10 + SS));
        }
        // more than one controller request: the synchronous call splits it
        int big = SimDisk.MAX_TRANSFER_SECTORS + 100;
        byte[] data = pattern(big, 3);
        assertEquals(big, d.write(1000, data, 0, big, true));
        d.flush();
        byte[] back = new byte[data.length];
        assertEquals(big, d.read(1000, back, 0, big));
        assertArrayEquals(data, back);
        assertEquals(0, memory.used(), "synchronous calls give their charge back");
        assertEquals(List.of("blk-sim-sd9-irq"), threads.names, "one interrupt thread, started on first use");
    }

    @Test
    void badArgumentsGetTheirErrno() {
        SimBlockDevice d = device(DiskConfig.memory("sd9", 1L << 20));
        byte[] buf = new byte[4 * SS];
        assertEquals(Errno.EINVAL, errno(() -> d.read(2048, buf, 0, 1)));
        assertEquals(Errno.EINVAL, errno(() -> d.read(2047, buf, 0, 2)));
        assertEquals(Errno.EINVAL, errno(() -> d.read(-1, buf, 0, 1)));
        assertEquals(Errno.EINVAL, errno(() -> d.read(0, buf, 1, 4)));
        assertEquals(Errno.EINVAL, errno(() -> d.write(0, buf, -1, 1, false)));
        assertEquals(Errno.EFAULT, errno(() -> d.read(0, null, 0, 1)));
        assertEquals(0, d.read(0, buf, 0, 0));
        assertEquals(Errno.EINVAL, errno(() -> d.submit(BlockRequest.read(2048, 1))));
        assertEquals(Errno.EINVAL, errno(() -> d.submit(BlockRequest.read(0, 0))));
        assertEquals(Errno.EINVAL, errno(() -> d.submit(BlockRequest.read(0, SimDisk.MAX_TRANSFER_SECTORS + 1))));
        assertEquals(Errno.EINVAL, errno(() -> d.submit(new BlockRequest(BlockRequest.Op.WRITE, 0, 2, new byte[SS], false))));
        assertEquals(Errno.EINVAL, errno(() -> d.submit(new BlockRequest(BlockRequest.Op.READ, 0, 1, new byte[SS], false))));
        assertEquals(Errno.EINVAL, errno(() -> d.submit(null)));
        assertEquals(Errno.EINVAL, errno(() -> d.await(12345, 0)));
        assertEquals(Errno.EINVAL, errno(() -> d.await(1, -1)));
        assertTrue(threads.names.isEmpty(), "nothing reached the controller");
    }

    @Test
    void severalOutstandingHandlesCollectedInAnyOrder() {
        SimBlockDevice d = device(DiskConfig.memory("sd9", 1L << 20));
        List<Long> writes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            writes.add(d.submit(BlockRequest.write(i * 10, pattern(2, i), false)));
        }
        assertTrue(memory.used() >= 8 * 2 * SS, "the data in flight is charged");
        for (int i = 7; i >= 0; i--) {
            BlockCompletion c = d.await(writes.get(i), 2000);
            assertTrue(c.ok(), c.toString());
            assertEquals(writes.get(i), c.handle());
            assertEquals(i * 10, c.sector());
            assertNull(c.data());
        }
        assertEquals(Errno.EINVAL, errno(() -> d.await(writes.get(0), 0)), "a handle is collected once");
        long[] reads = new long[8];
        for (int i = 0; i < 8; i++) {
            reads[i] = d.submit(BlockRequest.read(i * 10, 2));
        }
        long flush = d.submit(BlockRequest.flush());
        for (int i = 0; i < 8; i++) {
            BlockCompletion c = d.await(reads[i], 2000);
            assertArrayEquals(pattern(2, i), c.data(), "read " + i);
        }
        assertTrue(d.await(flush, 2000).ok());
        assertEquals(0, memory.used());
    }

    @Test
    void aFullHandleTableIsEAGAINAndACollectedHandleFreesASlot() {
        SimBlockDevice d = device(DiskConfig.memory("sd9", 1L << 20).withQueueDepth(4));
        List<Long> hs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            hs.add(d.submit(BlockRequest.read(i, 1)));
        }
        assertEquals(Errno.EAGAIN, errno(() -> d.submit(BlockRequest.read(0, 1))));
        assertTrue(d.await(hs.get(2), 2000).ok());
        long h = d.submit(BlockRequest.read(0, 1));
        for (long x : List.of(hs.get(0), hs.get(1), hs.get(3), h)) {
            assertTrue(d.await(x, 2000).ok());
        }
    }

    @Test
    void instancesSharingAControllerGetTheirOwnCompletionsAndQueueWhenItIsFull() {
        SimDisk disk = disk(DiskConfig.memory("sd9", 1L << 20).withQueueDepth(4));
        DiskPort port = port(disk);
        SimBlockDevice a = device(port);
        SimBlockDevice b = device(port);
        disk.faults(DiskFaultPlan.builder().hang().build());
        long[] ha = new long[4];
        for (int i = 0; i < 4; i++) {
            ha[i] = a.submit(BlockRequest.write(i, pattern(1, 100 + i), false));
        }
        // the controller's four slots are a's: b's requests wait in b's queue
        long[] hb = new long[4];
        for (int i = 0; i < 4; i++) {
            hb[i] = b.submit(BlockRequest.write(10 + i, pattern(1, 200 + i), false));
        }
        assertEquals(4, disk.stats().queueDepth());
        disk.faults(DiskFaultPlan.NONE);
        disk.reset();
        for (int i = 0; i < 4; i++) {
            assertTrue(a.await(ha[i], 1000).ok());
            assertTrue(b.await(hb[i], 1000).ok());
        }
        assertEquals(Errno.EINVAL, errno(() -> b.await(ha[0] + 100, 0)), "handles are per instance");
        byte[] buf = new byte[SS];
        a.read(12, buf, 0, 1);
        assertArrayEquals(pattern(1, 202), buf, "b's write, read through a");
    }

    @Test
    void aMediaErrorIsEIOAndTheRestServes() {
        SimDisk disk = disk(DiskConfig.memory("sd9", 1L << 20));
        SimBlockDevice d = device(port(disk));
        disk.faults(DiskFaultPlan.builder().eioAt(100, 1).build());
        byte[] buf = new byte[4 * SS];
        KernelException e = assertThrows(KernelException.class, () -> d.read(98, buf, 0, 4));
        assertEquals(Errno.EIO, e.errno());
        assertTrue(e.getMessage().contains("media error"), e.getMessage());
        BlockCompletion c = d.await(d.submit(BlockRequest.read(100, 1)), 1000);
        assertEquals(Errno.EIO, c.error());
        assertNull(c.data());
        assertEquals(2, d.read(101, buf, 0, 2));
        disk.faults(DiskFaultPlan.NONE);
        assertEquals(4, d.read(98, buf, 0, 4));
    }

    @Test
    void aTransientMediaErrorOrDamagedReadIsTriedAgainAndServed() {
        SimDisk disk = disk(DiskConfig.memory("sd9", 1L << 20));
        SimBlockDevice d = device(port(disk));
        byte[] data = pattern(8, 77);
        d.write(16, data, 0, 8, false);
        // the next request fails once with EIO: tried again, it succeeds
        disk.faults(DiskFaultPlan.builder().eioOnRequest(1).build());
        byte[] back = new byte[data.length];
        assertEquals(8, d.read(16, back, 0, 8));
        assertArrayEquals(data, back);
        assertEquals(1, d.retries()[0]);
        // the next read comes back damaged (status OK): the guard check catches it and it is read again
        disk.faults(DiskFaultPlan.builder().corruptOnRequest(1).seed(3).build());
        Arrays.fill(back, (byte) 0);
        assertEquals(8, d.read(16, back, 0, 8));
        assertArrayEquals(data, back, "no damaged byte handed on");
        assertEquals(2, d.retries()[0]);
        assertEquals(1, d.retries()[1]);
        // a write failing once is written again
        disk.faults(DiskFaultPlan.builder().eioOnRequest(1).build());
        d.write(16, pattern(8, 78), 0, 8, false);
        disk.faults(DiskFaultPlan.NONE);
        assertEquals(8, d.read(16, back, 0, 8));
        assertArrayEquals(pattern(8, 78), back);
    }

    @Test
    void damagedDataOnEveryAttemptIsEIONeverWrongBytes() {
        SimDisk disk = disk(DiskConfig.memory("sd9", 1L << 20));
        SimBlockDevice d = device(port(disk));
        d.write(0, pattern(4, 5), 0, 4, false);
        disk.faults(DiskFaultPlan.builder().corruptReadsAt(2, 1).build());
        byte[] back = new byte[4 * SS];
        KernelException e = assertThrows(KernelException.class, () -> d.read(0, back, 0, 4));
        assertEquals(Errno.EIO, e.errno());
        assertTrue(e.getMessage().contains("damaged in transfer"), e.getMessage());
        assertEquals(SimBlockDevice.MAX_ATTEMPTS, d.retries()[1]);
        assertArrayEquals(new byte[4 * SS], back, "nothing was copied into the caller's buffer");
    }

    @Test
    void aReadOnlyDiskIsEROFS() {
        SimBlockDevice d = device(DiskConfig.memory("sd9", 1L << 20).withReadOnly(true));
        assertTrue(d.info().readOnly());
        assertEquals(Errno.EROFS, errno(() -> d.write(0, new byte[SS], 0, 1, false)));
        assertEquals(Errno.EROFS, errno(() -> d.submit(BlockRequest.write(0, new byte[SS], false))));
        assertEquals(1, d.read(0, new byte[SS], 0, 1));
    }

    @Test
    void aHangIsResetAndTheRequestCompletesWithinABound() {
        SimDisk disk = disk(DiskConfig.memory("sd9", 1L << 20));
        DiskPort port = port(disk);
        SimBlockDevice d = device(port);
        byte[] data = pattern(4, 9);
        d.write(40, data, 0, 4, false);
        disk.faults(DiskFaultPlan.builder().hang().build());
        long t0 = System.nanoTime();
        byte[] back = new byte[data.length];
        assertEquals(4, d.read(40, back, 0, 4));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertArrayEquals(data, back);
        assertTrue(ms >= SimBlockDevice.IO_TIMEOUT_MILLIS - 20 && ms < SimBlockDevice.SYNC_DEADLINE_MILLIS,
                "completed after one stall timeout: " + ms + " ms");
        assertEquals(1, port.resets());
        assertEquals(1, disk.stats().aborted());
        assertEquals(0, d.pendingCount());
        // a hang on a later request, with async requests outstanding: all of them complete
        disk.faults(DiskFaultPlan.builder().hangOnRequest(3).build());
        long[] hs = new long[6];
        for (int i = 0; i < hs.length; i++) {
            hs[i] = d.submit(BlockRequest.read(i, 1));
        }
        for (long h : hs) {
            BlockCompletion c = awaitLong(d, h);
            assertTrue(c.ok(), c.toString());
        }
        assertEquals(2, port.resets());
    }

    private static BlockCompletion awaitLong(BlockDevice d, long h) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try {
                return d.await(h, BlockDevice.MAX_AWAIT_MILLIS);
            } catch (KernelException e) {
                if (e.errno() != Errno.ETIMEDOUT || System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    /** A hw-sim disk whose hang outlives every reset (a dead device): the real controller, hung again on reset. */
    private record DeadDisk(SimDisk disk) implements DiskController {
        @Override
        public DiskInfo info() {
            return disk.info();
        }

        @Override
        public void submit(DiskRequest r) {
            synchronized (this) { // never between a reset and the hang after it
                disk.submit(r);
            }
        }

        @Override
        public DiskCompletion poll() {
            return disk.poll();
        }

        @Override
        public boolean awaitInterrupt(long timeoutNanos) throws InterruptedException {
            return disk.awaitInterrupt(timeoutNanos);
        }

        @Override
        public synchronized void reset() {
            disk.reset();
            disk.faults(DiskFaultPlan.builder().hang().build());
        }

        @Override
        public void faults(DiskFaultPlan plan) {
            disk.faults(plan);
        }

        @Override
        public DiskStats stats() {
            return disk.stats();
        }
    }

    @Test
    void aDeviceThatNeverCompletesFailsWithEIOAfterItsAttemptsAndWithinTheDeadline() {
        SimDisk disk = disk(DiskConfig.memory("sd9", 1L << 20));
        DiskPort deadPort = port(new DeadDisk(disk));
        SimBlockDevice dead = device(deadPort);
        long t0 = System.nanoTime();
        KernelException e = assertThrows(KernelException.class, () -> dead.read(0, new byte[SS], 0, 1));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(Errno.EIO, e.errno());
        assertTrue(ms <= SimBlockDevice.SYNC_DEADLINE_MILLIS + 200, "failed within the bound: " + ms + " ms");
        assertTrue(deadPort.resets() >= SimBlockDevice.MAX_ATTEMPTS - 1, "resets: " + deadPort.resets());
        long h = dead.submit(BlockRequest.read(1, 1));
        BlockCompletion c = awaitLong(dead, h);
        assertEquals(Errno.EIO, c.error(), c.toString());
        assertTrue(c.message().contains("controller resets"), c.message());
    }

    @Test
    void closingFailsWhatIsOutstandingWithENXIO() throws Exception {
        SimDisk disk = disk(DiskConfig.memory("sd9", 1L << 20));
        SimBlockDevice d = device(port(disk));
        disk.faults(DiskFaultPlan.builder().hang().build());
        long h = d.submit(BlockRequest.read(0, 1));
        d.close();
        BlockCompletion c = d.await(h, 0);
        assertEquals(Errno.ENXIO, c.error());
        assertEquals(Errno.ENXIO, errno(() -> d.submit(BlockRequest.read(0, 1))));
        assertEquals(Errno.ENXIO, errno(() -> d.read(0, new byte[SS], 0, 1)));
        Thread irq = threads.started.get(0);
        assertTrue(irq.join(java.time.Duration.ofSeconds(2)), "the interrupt thread ends");
    }

    @Test
    void aQuotaTooSmallIsENOMEMAndNothingIsQueued() {
        SimDisk disk = disk(DiskConfig.memory("sd9", 1L << 20));
        SimBlockDevice d = new SimBlockDevice(port(disk), threads, new Memory(4 * SS));
        devices.add(d);
        assertEquals(Errno.ENOMEM, errno(() -> d.submit(BlockRequest.read(0, 8))));
        assertEquals(Errno.ENOMEM, errno(() -> d.read(0, new byte[8 * SS], 0, 8)));
        assertEquals(0, d.pendingCount());
        assertEquals(4, d.read(0, new byte[4 * SS], 0, 4));
    }
}
