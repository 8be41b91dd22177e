package org.anykernel.hw.internal;

import static org.anykernel.hw.internal.Disks.assertOk;
import static org.anykernel.hw.internal.Disks.await;
import static org.anykernel.hw.internal.Disks.io;
import static org.anykernel.hw.internal.Disks.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.anykernel.hw.api.DiskCompletion;
import org.anykernel.hw.api.DiskCompletion.Status;
import org.anykernel.hw.api.DiskFaultPlan;
import org.anykernel.hw.api.DiskQueueFullException;
import org.anykernel.hw.api.DiskRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Queues, the interrupt line, the latency model, concurrency and shutdown. */
class SimDiskQueueTest {

    private final List<SimDisk> disks = new ArrayList<>();

    private SimDisk open(DiskConfig c) {
        SimDisk d = SimDisk.open(c);
        disks.add(d);
        return d;
    }

    @AfterEach
    void close() {
        disks.forEach(SimDisk::close);
    }

    @Test
    void awaitInterruptTimesOutWhenIdle() throws Exception {
        SimDisk d = open(DiskConfig.memory("idle", 1 << 20));
        long t0 = System.nanoTime();
        assertFalse(d.awaitInterrupt(TimeUnit.MILLISECONDS.toNanos(50)));
        long took = System.nanoTime() - t0;
        assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(50), "waited " + took + " ns");
        assertTrue(took < TimeUnit.SECONDS.toNanos(2), "waited " + took + " ns");
        assertFalse(d.awaitInterrupt(0), "a zero timeout does not wait");
        assertNull(d.poll());
    }

    @Test
    void theInterruptIsLevelTriggeredWhileCompletionsArePending() throws Exception {
        SimDisk d = open(DiskConfig.memory("lvl", 1 << 20));
        d.submit(DiskRequest.read(1, 0, 1));
        assertTrue(d.awaitInterrupt(TimeUnit.SECONDS.toNanos(5)));
        assertTrue(d.awaitInterrupt(0), "still pending until polled");
        assertOk(d.poll());
        assertFalse(d.awaitInterrupt(0));
    }

    @Test
    void aFullQueueRefusesSubmissionWithDiskQueueFullException() throws Exception {
        SimDisk d = open(DiskConfig.memory("q", 1 << 20).withQueueDepth(4));
        assertEquals(4, d.info().queueDepth());
        d.faults(DiskFaultPlan.builder().hang().build());
        for (int t = 0; t < 4; t++) {
            d.submit(DiskRequest.read(t, t, 1));
        }
        assertThrows(DiskQueueFullException.class, () -> d.submit(DiskRequest.read(4, 0, 1)));
        assertEquals(4, d.stats().requests(), "the refused request was not queued");
        d.reset();
        assertTrue(d.awaitInterrupt(0));
        // completions hold their slots until polled
        assertThrows(DiskQueueFullException.class, () -> d.submit(DiskRequest.read(4, 0, 1)));
        assertEquals(Status.ABORTED, d.poll().status());
        d.submit(DiskRequest.read(4, 0, 1));
        assertEquals(4, await(d, 4).size());
        assertEquals(4, d.stats().queueDepthMax());
    }

    @Test
    void theLatencyModelCompletesOutOfOrderAndTagsMatch() {
        SimDisk d = open(DiskConfig.memory("lat", 1 << 20).withLatency(TimeUnit.MILLISECONDS.toNanos(20), 0));
        for (int t = 0; t < 16; t++) {
            d.submit(DiskRequest.write(t, t * 8L, pattern(t * 8L, 8, t)));
        }
        List<DiskCompletion> ws = await(d, 16);
        List<Integer> order = ws.stream().map(DiskCompletion::tag).toList();
        assertEquals(16, order.stream().distinct().count());
        ws.forEach(Disks::assertOk);
        List<Integer> sorted = order.stream().sorted().toList();
        assertNotEquals(sorted, order, "completions overtook each other");

        long t0 = System.nanoTime();
        for (int t = 0; t < 16; t++) {
            d.submit(DiskRequest.read(100 + t, t * 8L, 8));
        }
        Map<Integer, byte[]> byTag = new HashMap<>();
        for (DiskCompletion c : await(d, 16)) {
            assertOk(c);
            assertNull(byTag.put(c.tag(), c.data()), "one completion per tag");
        }
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(10), "at least half the latency");
        for (int t = 0; t < 16; t++) {
            assertArrayEquals(pattern(t * 8L, 8, t), byTag.get(100 + t), "data of tag " + (100 + t));
        }
    }

    @Test
    void theBandwidthModelPacesTransfers() {
        // 100 MB/s: 2 MiB take about 21 ms
        SimDisk d = open(DiskConfig.memory("bw", 8 << 20).withLatency(0, 100_000_000L));
        long t0 = System.nanoTime();
        d.submit(DiskRequest.read(1, 0, 2048));
        d.submit(DiskRequest.read(2, 2048, 2048));
        await(d, 2).forEach(Disks::assertOk);
        long took = System.nanoTime() - t0;
        assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(20), "took " + took / 1000 + " us");
    }

    @Test
    void concurrentSubmittersLoseNoCompletion() throws Exception {
        SimDisk d = open(DiskConfig.memory("mt", 16 << 20).withQueueDepth(8));
        int threads = 4;
        int perThread = 400;
        Map<Integer, DiskCompletion> done = new ConcurrentHashMap<>();
        CountDownLatch finished = new CountDownLatch(threads);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // the driver's interrupt thread: takes every completion
        Thread irq = new Thread(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            try {
                while (done.size() < threads * perThread && System.nanoTime() < deadline) {
                    if (d.awaitInterrupt(TimeUnit.MILLISECONDS.toNanos(100))) {
                        DiskCompletion c;
                        while ((c = d.poll()) != null) {
                            if (done.putIfAbsent(c.tag(), c) != null) {
                                failure.compareAndSet(null, new AssertionError("two completions for tag " + c.tag()));
                            }
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "irq");
        irq.start();
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread s = new Thread(() -> {
                try {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    for (int i = 0; i < perThread; i++) {
                        int tag = id * perThread + i;
                        long sector = tag * 2L;
                        DiskRequest r = i % 2 == 0 ? DiskRequest.write(tag, sector, pattern(sector, 2, id))
                                : DiskRequest.read(tag, sector - 2, 2);
                        while (true) {
                            try {
                                d.submit(r);
                                break;
                            } catch (DiskQueueFullException full) {
                                if (System.nanoTime() > deadline) {
                                    throw full;
                                }
                                Thread.onSpinWait();
                                Thread.yield();
                            }
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    finished.countDown();
                }
            }, "submitter-" + t);
            submitters.add(s);
            s.start();
        }
        assertTrue(finished.await(15, TimeUnit.SECONDS));
        irq.join(TimeUnit.SECONDS.toMillis(15));
        assertFalse(irq.isAlive());
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertEquals(threads * perThread, done.size());
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                int tag = t * perThread + i;
                DiskCompletion c = done.get(tag);
                assertOk(c);
                if (i % 2 == 1) {
                    // each read follows the write of the same sectors by the same thread
                    long sector = tag * 2L - 2;
                    assertArrayEquals(pattern(sector, 2, t), c.data(), "tag " + tag);
                }
            }
        }
        assertEquals(threads * perThread, d.stats().requests());
        assertTrue(d.stats().queueDepthMax() <= 8);
        assertEquals(0, d.stats().queueDepth());
    }

    @Test
    void closingAbortsQueuedRequestsAndRefusesNewOnes() throws Exception {
        SimDisk d = open(DiskConfig.memory("c", 1 << 20));
        d.faults(DiskFaultPlan.builder().hang().build());
        d.submit(DiskRequest.read(1, 0, 1));
        d.submit(DiskRequest.write(2, 0, pattern(0, 1, 1)));
        d.close();
        List<DiskCompletion> cs = await(d, 2);
        cs.forEach(c -> assertEquals(Status.ABORTED, c.status()));
        assertFalse(d.awaitInterrupt(TimeUnit.SECONDS.toNanos(5)), "a closed device does not make its waiters wait");
        assertThrows(IllegalStateException.class, () -> d.submit(DiskRequest.read(3, 0, 1)));
        d.close(); // idempotent
    }

    @Test
    void closingWakesAWaitingInterruptThread() throws Exception {
        SimDisk d = open(DiskConfig.memory("w", 1 << 20));
        AtomicReference<Boolean> result = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                result.set(d.awaitInterrupt(TimeUnit.SECONDS.toNanos(30)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        Thread.sleep(50);
        long t0 = System.nanoTime();
        d.close();
        t.join(5000);
        assertFalse(t.isAlive());
        assertEquals(Boolean.FALSE, result.get());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void aRequestSubmittedDuringAWaitRaisesTheInterrupt() throws Exception {
        SimDisk d = open(DiskConfig.memory("x", 1 << 20));
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                return;
            }
            d.submit(DiskRequest.flush(9));
        });
        t.start();
        assertTrue(d.awaitInterrupt(TimeUnit.SECONDS.toNanos(5)));
        DiskCompletion c = d.poll();
        assertEquals(9, c.tag());
        assertOk(c);
        t.join(5000);
    }
}
