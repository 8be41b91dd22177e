package org.anykernel.hw.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.anykernel.hw.api.DiskCompletion;
import org.anykernel.hw.api.DiskController;
import org.anykernel.hw.api.DiskRequest;

/** Test helpers: synchronous I/O on a disk controller, with bounded waits. */
final class Disks {

    static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private Disks() {
    }

    /** Submits {@code r} and waits (at most 5 s) for its completion; fails on a completion for another tag. */
    static DiskCompletion io(DiskController d, DiskRequest r) {
        d.submit(r);
        DiskCompletion c = await(d, 1).get(0);
        assertEquals(r.tag(), c.tag(), "completion for another tag: " + c);
        return c;
    }

    /** Waits (at most 5 s) for {@code n} completions, in the order they are posted. */
    static List<DiskCompletion> await(DiskController d, int n) {
        List<DiskCompletion> out = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (out.size() < n) {
            DiskCompletion c = d.poll();
            if (c != null) {
                out.add(c);
                continue;
            }
            long left = deadline - System.nanoTime();
            assertTrue(left > 0, "timed out with " + out.size() + " of " + n + " completions");
            try {
                d.awaitInterrupt(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(e);
            }
        }
        return out;
    }

    /** Sectors of a recognisable pattern: byte i of sector s is (seed + s * 31 + i) */
    static byte[] pattern(long firstSector, int count, int seed) {
        byte[] b = new byte[count * 512];
        for (int s = 0; s < count; s++) {
            for (int i = 0; i < 512; i++) {
                b[s * 512 + i] = (byte) (seed + (firstSector + s) * 31 + i);
            }
        }
        return b;
    }

    static void assertOk(DiskCompletion c) {
        assertEquals(DiskCompletion.Status.OK, c.status(), c.toString());
    }

    static byte[] read(DiskController d, int tag, long sector, int count) {
        DiskCompletion c = io(d, DiskRequest.read(tag, sector, count));
        assertOk(c);
        return c.data();
    }

    static void write(DiskController d, int tag, long sector, byte[] data, boolean fua) {
        assertOk(io(d, DiskRequest.write(tag, sector, data, fua)));
    }

    static void flush(DiskController d, int tag) {
        assertOk(io(d, DiskRequest.flush(tag)));
    }

    static byte[] slice(byte[] b, int fromSector, int count) {
        return Arrays.copyOfRange(b, fromSector * 512, (fromSector + count) * 512);
    }

    static byte[] zeros(int sectors) {
        return new byte[sectors * 512];
    }
}
