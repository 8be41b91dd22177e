package org.anykernel.hw.internal;

import static org.anykernel.hw.internal.Disks.assertOk;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.anykernel.hw.api.DiskCompletion.Status;
import org.anykernel.hw.api.DiskFaultPlan;
import org.anykernel.hw.api.DiskInfo;
import org.anykernel.hw.api.DiskRequest;
import org.anykernel.hw.api.DiskStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The disk controller on memory backing: the data path, the write cache, validation, statistics. */
class SimDiskTest {

    private SimDisk disk;

    private SimDisk open(DiskConfig c) {
        disk = SimDisk.open(c);
        return disk;
    }

    @AfterEach
    void close() {
        if (disk != null) {
            disk.close();
        }
    }

    @Test
    void infoDescribesTheDisk() {
        DiskInfo i = open(DiskConfig.memory("sd0", 64L << 20)).info();
        assertEquals(new DiskInfo("sd0", (64L << 20) / 512, 512, false, true, 64, SimDisk.MAX_TRANSFER_SECTORS), i);
        assertEquals(64L << 20, i.sizeBytes());
    }

    @Test
    void readsWhatWasWrittenAndZerosElsewhere() {
        SimDisk d = open(DiskConfig.memory("m", 1 << 20));
        byte[] data = pattern(100, 9, 7);
        write(d, 1, 100, data, false);
        assertArrayEquals(data, read(d, 2, 100, 9));
        // a read straddling written and unwritten sectors
        byte[] around = read(d, 3, 98, 13);
        assertArrayEquals(zeros(2), slice(around, 0, 2));
        assertArrayEquals(data, slice(around, 2, 9));
        assertArrayEquals(zeros(2), slice(around, 11, 2));
        // through the cache and after a flush alike
        flush(d, 4);
        assertArrayEquals(data, read(d, 5, 100, 9));
        // the last sector of the disk
        long last = d.info().sectors() - 1;
        byte[] tail = pattern(last, 1, 3);
        write(d, 6, last, tail, true);
        assertArrayEquals(tail, read(d, 7, last, 1));
    }

    @Test
    void aLargeMemoryDiskCostsNothingUntilWritten() {
        SimDisk d = open(DiskConfig.memory("big", 64L << 30));
        assertEquals((64L << 30) / 512, d.info().sectors());
        assertEquals(0, d.allocatedBytes());
        assertArrayEquals(zeros(8), read(d, 1, 100_000_000L, 8));
        write(d, 2, 100_000_000L, pattern(0, 1, 1), false);
        write(d, 3, 5, zeros(16), false); // zeros into an unallocated chunk allocate nothing
        flush(d, 4);
        assertEquals(MemoryBacking.CHUNK, d.allocatedBytes());
        assertArrayEquals(pattern(0, 1, 1), read(d, 5, 100_000_000L, 1));
    }

    @Test
    void outOfRangeAndMalformedRequestsCompleteWithEinval() {
        SimDisk d = open(DiskConfig.memory("m", 64 * 512));
        assertEquals(Status.EINVAL, io(d, DiskRequest.read(1, 64, 1)).status(), "past the end");
        assertEquals(Status.EINVAL, io(d, DiskRequest.read(2, 60, 5)).status(), "straddling the end");
        assertEquals(Status.EINVAL, io(d, DiskRequest.read(3, -1, 1)).status(), "negative sector");
        assertEquals(Status.EINVAL, io(d, DiskRequest.read(4, 0, 0)).status(), "no sectors");
        assertEquals(Status.EINVAL, io(d, DiskRequest.read(5, Long.MAX_VALUE, 2)).status(), "overflowing");
        assertEquals(Status.EINVAL, io(d, DiskRequest.write(6, 63, zeros(2))).status(), "write past the end");
        assertEquals(Status.EINVAL, io(d, new DiskRequest(7, DiskRequest.Op.WRITE, 0, 2, zeros(1), false)).status(),
                "data of the wrong size");
        assertEquals(Status.EINVAL, io(d, new DiskRequest(8, DiskRequest.Op.WRITE, 0, 1, null, false)).status(), "no data");
        assertEquals(Status.EINVAL, io(d, new DiskRequest(9, DiskRequest.Op.READ, 0, 1, zeros(1), false)).status(),
                "data on a read");
        assertEquals(Status.EINVAL, io(d, DiskRequest.discard(10, 10, 60)).status(), "discard past the end");
        SimDisk big = SimDisk.open(DiskConfig.memory("big", 1L << 30));
        try {
            assertEquals(Status.EINVAL, io(big, DiskRequest.read(11, 0, SimDisk.MAX_TRANSFER_SECTORS + 1)).status(),
                    "more than the largest transfer");
            assertOk(io(big, DiskRequest.read(12, 0, SimDisk.MAX_TRANSFER_SECTORS)));
        } finally {
            big.close();
        }
        assertNull(io(d, DiskRequest.read(13, 64, 1)).data());
        assertEquals(11, d.stats().errors());
    }

    @Test
    void aReadOnlyDiskRefusesWritesWithErofs() {
        SimDisk d = open(DiskConfig.memory("ro", 1 << 20).withReadOnly(true));
        assertTrue(d.info().readOnly());
        assertEquals(Status.EROFS, io(d, DiskRequest.write(1, 0, pattern(0, 1, 1))).status());
        assertEquals(Status.EROFS, io(d, DiskRequest.write(2, 0, pattern(0, 1, 1), true)).status());
        assertEquals(Status.EROFS, io(d, DiskRequest.discard(3, 0, 8)).status());
        assertArrayEquals(zeros(1), read(d, 4, 0, 1));
        flush(d, 5);
    }

    @Test
    void flushAndFuaSurviveAPowerCutUnflushedWritesDoNot() {
        SimDisk d = open(DiskConfig.memory("m", 1 << 20));
        byte[] flushed = pattern(10, 4, 1);
        byte[] fua = pattern(20, 2, 2);
        byte[] lost = pattern(30, 3, 3);
        byte[] overwritten = pattern(10, 1, 9);
        write(d, 1, 10, flushed, false);
        flush(d, 2);
        write(d, 3, 20, fua, true);
        write(d, 4, 30, lost, false);
        write(d, 5, 10, overwritten, false); // an unflushed overwrite of flushed data
        assertArrayEquals(lost, read(d, 6, 30, 3), "reads see the cache");
        assertArrayEquals(overwritten, read(d, 7, 10, 1), "reads see the cache");
        assertEquals(4, d.dirtySectors());

        d.faults(DiskFaultPlan.builder().powerCut().build());

        assertEquals(0, d.dirtySectors());
        assertArrayEquals(flushed, read(d, 8, 10, 4), "flushed data survives, the unflushed overwrite is gone");
        assertArrayEquals(fua, read(d, 9, 20, 2), "a FUA write survives");
        assertArrayEquals(zeros(3), read(d, 10, 30, 3), "unflushed writes are lost");
    }

    @Test
    void aFuaWriteSupersedesCachedDataOfTheSameSectors() {
        SimDisk d = open(DiskConfig.memory("m", 1 << 20));
        write(d, 1, 0, pattern(0, 4, 1), false);
        byte[] fua = pattern(1, 2, 2);
        write(d, 2, 1, fua, true);
        d.faults(DiskFaultPlan.builder().powerCut().build());
        byte[] after = read(d, 3, 0, 4);
        assertArrayEquals(zeros(1), slice(after, 0, 1));
        assertArrayEquals(fua, slice(after, 1, 2));
        assertArrayEquals(zeros(1), slice(after, 3, 1));
    }

    @Test
    void withoutAWriteCacheEveryCompletedWriteIsDurable() {
        SimDisk d = open(DiskConfig.memory("m", 1 << 20).withWriteCache(false, 0));
        assertFalse(d.info().volatileWriteCache());
        byte[] data = pattern(5, 3, 4);
        write(d, 1, 5, data, false);
        d.faults(DiskFaultPlan.builder().powerCut().build());
        assertArrayEquals(data, read(d, 2, 5, 3));
    }

    @Test
    void theCacheWritesBackOnItsOwnWhenFull() {
        SimDisk d = open(DiskConfig.memory("m", 1 << 20).withWriteCache(true, 8 * 512));
        write(d, 1, 0, pattern(0, 6, 1), false);
        assertEquals(6, d.dirtySectors());
        write(d, 2, 6, pattern(6, 6, 1), false); // 12 sectors > 8: written back
        assertEquals(0, d.dirtySectors());
        d.faults(DiskFaultPlan.builder().powerCut().build());
        assertArrayEquals(pattern(0, 12, 1), read(d, 3, 0, 12));
    }

    @Test
    void discardedSectorsReadAsZerosAndFreeMemory() {
        SimDisk d = open(DiskConfig.memory("m", 4 << 20));
        byte[] data = pattern(0, 1024, 5); // 512 KiB: eight chunks
        write(d, 1, 0, data, false);
        flush(d, 2);
        write(d, 3, 200, pattern(200, 4, 6), false); // cached, then discarded
        assertEquals(8 * MemoryBacking.CHUNK, d.allocatedBytes());
        assertOk(io(d, DiskRequest.discard(4, 100, 600)));
        byte[] after = read(d, 5, 0, 1024);
        assertArrayEquals(slice(data, 0, 100), slice(after, 0, 100));
        assertArrayEquals(zeros(600), slice(after, 100, 600));
        assertArrayEquals(slice(data, 700, 324), slice(after, 700, 324));
        // sectors 128..639 are chunks 1..4 whole: freed
        assertEquals(4 * MemoryBacking.CHUNK, d.allocatedBytes());
        assertEquals(1, d.stats().discards());
    }

    @Test
    void statisticsCountRequestsSectorsAndErrors() {
        SimDisk d = open(DiskConfig.memory("m", 1 << 20));
        write(d, 1, 0, pattern(0, 4, 1), false);
        read(d, 2, 0, 3);
        flush(d, 3);
        io(d, DiskRequest.read(4, 1 << 20, 1));
        DiskStats s = d.stats();
        assertEquals(4, s.requests());
        assertEquals(1, s.reads());
        assertEquals(1, s.writes());
        assertEquals(1, s.flushes());
        assertEquals(3, s.sectorsRead());
        assertEquals(4, s.sectorsWritten());
        assertEquals(1, s.errors());
        assertEquals(0, s.aborted());
        assertEquals(0, s.queueDepth());
        assertEquals(1, s.queueDepthMax());
    }

    @Test
    void anOutstandingTagCannotBeReused() throws Exception {
        SimDisk d = open(DiskConfig.memory("m", 1 << 20));
        d.faults(DiskFaultPlan.builder().hang().build());
        d.submit(DiskRequest.read(7, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> d.submit(DiskRequest.read(7, 1, 1)));
        d.reset();
        assertTrue(d.awaitInterrupt(TimeUnit.SECONDS.toNanos(5)));
        assertEquals(Status.ABORTED, d.poll().status());
        assertOk(io(d, DiskRequest.read(7, 1, 1))); // free again once polled
    }
}
