package org.anykernel.hw.internal;

import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

import org.anykernel.hw.api.DiskInfo;

/**
 * The volatile write cache: dirty sectors not yet in the backing, in 4 KiB pages (8 sectors, a bit mask
 * saying which are present). Not thread-safe: the disk controller serialises every use.
 */
final class WriteCache {

    static final int SECTOR = DiskInfo.SECTOR_SIZE;
    private static final int PAGE_SHIFT = 3;
    private static final int PAGE_SECTORS = 1 << PAGE_SHIFT;
    private static final int RUN_BYTES = 1 << 20;

    private static final class Page {
        final byte[] data = new byte[PAGE_SECTORS * SECTOR];
        int mask;
    }

    private final TreeMap<Long, Page> pages = new TreeMap<>();
    private long dirty;

    /** Sectors held. */
    long dirtySectors() {
        return dirty;
    }

    /** Puts {@code count} sectors of {@code src[off..]} in the cache, at {@code sector}. */
    void write(long sector, byte[] src, int off, int count) {
        int done = 0;
        while (done < count) {
            long s = sector + done;
            int in = (int) (s & (PAGE_SECTORS - 1));
            int n = Math.min(count - done, PAGE_SECTORS - in);
            Page p = pages.computeIfAbsent(s >>> PAGE_SHIFT, k -> new Page());
            int bits = ((1 << n) - 1) << in;
            dirty += Integer.bitCount(bits & ~p.mask);
            p.mask |= bits;
            System.arraycopy(src, off + done * SECTOR, p.data, in * SECTOR, n * SECTOR);
            done += n;
        }
    }

    /** Copies the cached sectors of {@code [sector, sector + count)} over {@code dst[off..]} (which holds the backing's). */
    void overlay(long sector, byte[] dst, int off, int count) {
        if (pages.isEmpty()) {
            return;
        }
        long end = sector + count;
        for (Map.Entry<Long, Page> e : pages.subMap(sector >>> PAGE_SHIFT, true, (end - 1) >>> PAGE_SHIFT, true).entrySet()) {
            long base = e.getKey() << PAGE_SHIFT;
            Page p = e.getValue();
            for (int i = 0; i < PAGE_SECTORS; i++) {
                long s = base + i;
                if ((p.mask & (1 << i)) != 0 && s >= sector && s < end) {
                    System.arraycopy(p.data, i * SECTOR, dst, off + (int) (s - sector) * SECTOR, SECTOR);
                }
            }
        }
    }

    /** Forgets the cached sectors of {@code [sector, sector + count)}. */
    void invalidate(long sector, long count) {
        if (pages.isEmpty()) {
            return;
        }
        long end = sector + count;
        Iterator<Map.Entry<Long, Page>> it = pages.subMap(sector >>> PAGE_SHIFT, true, (end - 1) >>> PAGE_SHIFT, true)
                .entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Page> e = it.next();
            long base = e.getKey() << PAGE_SHIFT;
            Page p = e.getValue();
            for (int i = 0; i < PAGE_SECTORS; i++) {
                long s = base + i;
                if ((p.mask & (1 << i)) != 0 && s >= sector && s < end) {
                    p.mask &= ~(1 << i);
                    dirty--;
                }
            }
            if (p.mask == 0) {
                it.remove();
            }
        }
    }

    /**
     * Writes every cached sector to {@code b}, contiguous sectors in one write, then empties the cache. On an
     * I/O error the cache keeps everything (what was written is written again by the next write-back).
     */
    void writeBack(Backing b) throws IOException {
        if (pages.isEmpty()) {
            return;
        }
        byte[] run = new byte[(int) Math.min(RUN_BYTES, dirty * SECTOR)];
        long runStart = -1;
        int runLen = 0;
        for (Map.Entry<Long, Page> e : pages.entrySet()) {
            long base = e.getKey() << PAGE_SHIFT;
            Page p = e.getValue();
            for (int i = 0; i < PAGE_SECTORS; i++) {
                if ((p.mask & (1 << i)) == 0) {
                    continue;
                }
                long s = base + i;
                if (runLen > 0 && (s != runStart + runLen / SECTOR || runLen == run.length)) {
                    b.write(runStart * SECTOR, run, 0, runLen);
                    runLen = 0;
                }
                if (runLen == 0) {
                    runStart = s;
                }
                System.arraycopy(p.data, i * SECTOR, run, runLen, SECTOR);
                runLen += SECTOR;
            }
        }
        if (runLen > 0) {
            b.write(runStart * SECTOR, run, 0, runLen);
        }
        drop();
    }

    /** Forgets everything (a power cut). */
    void drop() {
        pages.clear();
        dirty = 0;
    }
}
