package org.anykernel.hw.internal;

import static org.anykernel.hw.internal.Disks.pattern;
import static org.anykernel.hw.internal.Disks.slice;
import static org.anykernel.hw.internal.Disks.zeros;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The write cache and the memory medium on their own: page edges, coalesced write-back, chunk edges. */
class WriteCacheTest {

    /** A memory backing that records its writes as (sector, sectors). */
    static final class Recording implements Backing {
        final MemoryBacking m = new MemoryBacking();
        final List<long[]> writes = new ArrayList<>();

        @Override
        public void write(long pos, byte[] src, int off, int len) {
            writes.add(new long[] {pos / 512, len / 512});
            m.write(pos, src, off, len);
        }

        @Override
        public void read(long pos, byte[] dst, int off, int len) {
            m.read(pos, dst, off, len);
        }

        @Override
        public void discard(long pos, long len) {
            m.discard(pos, len);
        }

        @Override
        public void sync() {
        }

        @Override
        public long allocated() {
            return m.allocated();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void writesAcrossPagesOverlayAndWriteBackInContiguousRuns() throws Exception {
        WriteCache c = new WriteCache();
        c.write(5, pattern(5, 10, 1), 0, 10); // sectors 5..14: three pages
        c.write(7, pattern(7, 2, 2), 0, 2); // overwrite inside
        c.write(30, pattern(30, 1, 3), 0, 1);
        assertEquals(11, c.dirtySectors());
        byte[] buf = new byte[20 * 512];
        c.overlay(0, buf, 0, 20);
        assertArrayEquals(zeros(5), slice(buf, 0, 5));
        assertArrayEquals(slice(pattern(5, 10, 1), 0, 2), slice(buf, 5, 2));
        assertArrayEquals(pattern(7, 2, 2), slice(buf, 7, 2));
        assertArrayEquals(slice(pattern(5, 10, 1), 4, 6), slice(buf, 9, 6));
        assertArrayEquals(zeros(5), slice(buf, 15, 5));

        c.invalidate(12, 20); // drops 12..14 and 30
        assertEquals(7, c.dirtySectors());
        Recording b = new Recording();
        c.writeBack(b);
        assertEquals(0, c.dirtySectors());
        assertEquals(1, b.writes.size());
        assertArrayEquals(new long[] {5, 7}, b.writes.get(0));
        byte[] out = new byte[16 * 512];
        b.read(0, out, 0, out.length);
        assertArrayEquals(zeros(5), slice(out, 0, 5));
        assertArrayEquals(pattern(7, 2, 2), slice(out, 7, 2));
        assertArrayEquals(zeros(4), slice(out, 12, 4));
    }

    @Test
    void memoryDiscardZeroesPartialChunksAndDropsWholeOnes() {
        MemoryBacking m = new MemoryBacking();
        int chunk = MemoryBacking.CHUNK;
        byte[] ones = new byte[3 * chunk];
        java.util.Arrays.fill(ones, (byte) 1);
        m.write(0, ones, 0, ones.length);
        assertEquals(3L * chunk, m.allocated());
        m.discard(chunk - 512, 1024); // straddles a chunk boundary, covers no whole chunk
        assertEquals(3L * chunk, m.allocated());
        m.discard(chunk + 1024, 2L * chunk); // the rest of chunk 1 and all of chunk 2
        assertEquals(2L * chunk, m.allocated());
        byte[] out = new byte[3 * chunk];
        m.read(0, out, 0, out.length);
        for (int i = 0; i < out.length; i++) {
            boolean discarded = (i >= chunk - 512 && i < chunk + 512) || i >= chunk + 1024;
            assertEquals(discarded ? 0 : 1, out[i], "byte " + i);
        }
    }
}
