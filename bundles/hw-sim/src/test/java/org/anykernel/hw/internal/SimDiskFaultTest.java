package org.anykernel.hw.internal;

import static org.anykernel.hw.internal.Disks.assertOk;
import static org.anykernel.hw.internal.Disks.await;
import static org.anykernel.hw.internal.Disks.flush;
import static org.anykernel.hw.internal.Disks.io;
import static org.anykernel.hw.internal.Disks.pattern;
import static org.anykernel.hw.internal.Disks.read;
import static org.anykernel.hw.internal.Disks.slice;
import static org.anykernel.hw.internal.Disks.write;
import static org.anykernel.hw.internal.Disks.zeros;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.anykernel.hw.api.DiskCompletion;
import org.anykernel.hw.api.DiskCompletion.Status;
import org.anykernel.hw.api.DiskFaultPlan;
import org.anykernel.hw.api.DiskRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault plan: EIO, corrupt reads, torn writes, hang and reset. (Power cuts: SimDiskTest and SimDiskFileTest.) */
class SimDiskFaultTest {

    private SimDisk d;

    @BeforeEach
    void open() {
        d = SimDisk.open(DiskConfig.memory("f", 1 << 20));
    }

    @AfterEach
    void close() {
        d.close();
    }

    @Test
    void eioAtASectorRange() {
        byte[] before = pattern(40, 20, 1);
        write(d, 1, 40, before, false);
        d.faults(DiskFaultPlan.builder().eioAt(50, 2).build());
        DiskCompletion c = io(d, DiskRequest.read(2, 45, 10));
        assertEquals(Status.EIO, c.status());
        assertNull(c.data());
        assertEquals(Status.EIO, io(d, DiskRequest.read(3, 51, 1)).status());
        assertArrayEquals(slice(before, 0, 10), read(d, 4, 40, 10), "sectors outside the range read fine");
        assertArrayEquals(slice(before, 12, 8), read(d, 5, 52, 8));
        assertEquals(Status.EIO, io(d, DiskRequest.write(6, 49, pattern(0, 2, 9))).status(), "writes fail too");
        assertEquals(Status.EIO, io(d, DiskRequest.discard(7, 51, 1)).status());
        flush(d, 8); // a flush touches no sector
        d.faults(DiskFaultPlan.NONE);
        assertArrayEquals(before, read(d, 9, 40, 20), "a failed write changed nothing");
        assertEquals(4, d.stats().errors());
    }

    @Test
    void eioOnTheNthRequest() {
        d.faults(DiskFaultPlan.builder().eioOnRequest(3).build());
        assertOk(io(d, DiskRequest.write(1, 0, pattern(0, 1, 1))));
        assertOk(io(d, DiskRequest.read(2, 0, 1)));
        assertEquals(Status.EIO, io(d, DiskRequest.write(3, 0, pattern(0, 1, 2))).status());
        assertArrayEquals(pattern(0, 1, 1), read(d, 4, 0, 1), "the failed write had no effect");
        for (int i = 5; i < 10; i++) {
            assertOk(io(d, DiskRequest.read(i, 0, 1))); // only once
        }
        // counting starts again when a plan is applied
        d.faults(DiskFaultPlan.builder().eioOnRequest(1).build());
        assertEquals(Status.EIO, io(d, DiskRequest.flush(10)).status());
        assertOk(io(d, DiskRequest.flush(11)));
    }

    @Test
    void corruptReadsDifferFromWhatWasWrittenBySeededBitFlips() {
        byte[] data = pattern(0, 16, 3);
        write(d, 1, 0, data, false);
        flush(d, 2);
        d.faults(DiskFaultPlan.builder().corruptReadsAt(4, 2).seed(42).build());
        DiskCompletion c = io(d, DiskRequest.read(3, 0, 16));
        assertOk(c); // no error status: only the guard tells
        assertFalse(c.intact(), "the guard is the stored data's, so the damage shows");
        byte[] got = c.data();
        assertFalse(Arrays.equals(data, got), "corrupt reads differ from what was written");
        assertArrayEquals(slice(data, 0, 4), slice(got, 0, 4));
        assertArrayEquals(slice(data, 6, 10), slice(got, 6, 10));
        for (int s = 4; s < 6; s++) {
            assertEquals(1, flippedBits(slice(data, s, 1), slice(got, s, 1)), "one bit flipped in sector " + s);
        }
        // deterministic: the same seed, the same flips
        d.faults(DiskFaultPlan.builder().corruptReadsAt(4, 2).seed(42).build());
        assertArrayEquals(got, read(d, 4, 0, 16));
        // the stored data is intact
        d.faults(DiskFaultPlan.NONE);
        assertArrayEquals(data, read(d, 5, 0, 16));
    }

    @Test
    void theNthRequestReadsDamagedDataOnceAndItsGuardShowsIt() {
        byte[] data = pattern(0, 8, 5);
        write(d, 1, 0, data, false);
        DiskCompletion clean = io(d, DiskRequest.read(2, 0, 8));
        assertTrue(clean.intact());
        assertEquals(DiskCompletion.crc32c(data), clean.guard());
        d.faults(DiskFaultPlan.builder().corruptOnRequest(2).seed(7).build());
        DiskCompletion first = io(d, DiskRequest.read(3, 0, 8));
        assertTrue(first.intact());
        assertArrayEquals(data, first.data());
        DiskCompletion second = io(d, DiskRequest.read(4, 0, 8));
        assertOk(second);
        assertFalse(second.intact(), "damaged on the way: the guard does not match");
        assertEquals(DiskCompletion.crc32c(data), second.guard(), "the guard is that of the stored data");
        for (int s = 0; s < 8; s++) {
            assertEquals(1, flippedBits(slice(data, s, 1), slice(second.data(), s, 1)), "one bit flipped in sector " + s);
        }
        DiskCompletion third = io(d, DiskRequest.read(5, 0, 8));
        assertTrue(third.intact(), "transient: read again, the data is right");
        assertArrayEquals(data, third.data());
        // a write as the Nth request is not damaged (and nothing else is)
        d.faults(DiskFaultPlan.builder().corruptOnRequest(1).build());
        assertOk(io(d, DiskRequest.write(6, 0, pattern(0, 8, 6))));
        assertArrayEquals(pattern(0, 8, 6), read(d, 7, 0, 8));
    }

    private static int flippedBits(byte[] a, byte[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            n += Integer.bitCount((a[i] ^ b[i]) & 0xff);
        }
        return n;
    }

    @Test
    void tornWritesKeepOnlyTheirFirstSectors() {
        byte[] old = pattern(10, 6, 1);
        write(d, 1, 10, old, false);
        d.faults(DiskFaultPlan.builder().tornWrites(2).build());
        byte[] neu = pattern(10, 6, 2);
        assertEquals(Status.EIO, io(d, DiskRequest.write(2, 10, neu)).status());
        byte[] after = read(d, 3, 10, 6);
        assertArrayEquals(slice(neu, 0, 2), slice(after, 0, 2), "the first two sectors reached the cache");
        assertArrayEquals(slice(old, 2, 4), slice(after, 2, 4), "the rest did not");
        // writes no longer than the kept prefix are whole
        assertOk(io(d, DiskRequest.write(4, 30, pattern(30, 2, 5))));
        // a torn FUA write is torn in the cache: a power cut loses even its prefix
        assertEquals(Status.EIO, io(d, DiskRequest.write(5, 40, pattern(40, 4, 6), true)).status());
        d.faults(DiskFaultPlan.builder().powerCut().build());
        assertArrayEquals(zeros(4), read(d, 6, 40, 4));
    }

    @Test
    void aHungDeviceCompletesNothingUntilResetThenAbortsAndWorksAgain() throws Exception {
        write(d, 1, 0, pattern(0, 1, 1), false);
        d.faults(DiskFaultPlan.builder().hang().build());
        for (int t = 10; t < 13; t++) {
            d.submit(DiskRequest.read(t, 0, 1));
        }
        assertFalse(d.awaitInterrupt(TimeUnit.MILLISECONDS.toNanos(100)), "a hung device raises no interrupt");
        assertNull(d.poll());
        d.reset();
        List<DiskCompletion> cs = await(d, 3);
        Set<Integer> tags = new TreeSet<>();
        for (DiskCompletion c : cs) {
            assertEquals(Status.ABORTED, c.status());
            tags.add(c.tag());
        }
        assertEquals(Set.of(10, 11, 12), tags);
        assertEquals(3, d.stats().aborted());
        assertArrayEquals(pattern(0, 1, 1), read(d, 13, 0, 1), "requests work again after reset");
    }

    @Test
    void aHangOnTheNthRequestLeavesEarlierOnesCompleted() throws Exception {
        d.faults(DiskFaultPlan.builder().hangOnRequest(3).build());
        for (int t = 1; t <= 5; t++) {
            d.submit(DiskRequest.read(t, t, 1));
        }
        List<DiskCompletion> first = await(d, 2);
        assertEquals(List.of(1, 2), first.stream().map(DiskCompletion::tag).toList());
        first.forEach(Disks::assertOk);
        assertFalse(d.awaitInterrupt(TimeUnit.MILLISECONDS.toNanos(100)));
        d.reset();
        List<DiskCompletion> rest = await(d, 3);
        assertEquals(List.of(3, 4, 5), rest.stream().map(DiskCompletion::tag).toList());
        rest.forEach(c -> assertEquals(Status.ABORTED, c.status()));
        assertOk(io(d, DiskRequest.read(6, 0, 1)));
    }

    @Test
    void resetAbortsCompletionsTheLatencyModelHasNotPostedYet() {
        d.close();
        d = SimDisk.open(DiskConfig.memory("slow", 1 << 20).withLatency(TimeUnit.SECONDS.toNanos(2), 0));
        long t0 = System.nanoTime();
        d.submit(DiskRequest.read(1, 0, 1));
        d.submit(DiskRequest.read(2, 0, 1));
        d.reset();
        List<DiskCompletion> cs = await(d, 2);
        cs.forEach(c -> assertEquals(Status.ABORTED, c.status()));
        assertEquals(true, System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), "reset did not wait for the latency");
    }
}
