package org.anykernel.hw.internal;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A medium in memory, sparse: 64 KiB chunks allocated on the first write of non-zero bytes, so a large disk
 * costs nothing until written; discarding a whole chunk frees it.
 */
final class MemoryBacking implements Backing {

    static final int CHUNK_SHIFT = 16;
    static final int CHUNK = 1 << CHUNK_SHIFT;

    private final Map<Long, byte[]> chunks = new HashMap<>();

    @Override
    public void read(long pos, byte[] dst, int off, int len) {
        while (len > 0) {
            long idx = pos >>> CHUNK_SHIFT;
            int in = (int) (pos & (CHUNK - 1));
            int n = Math.min(len, CHUNK - in);
            byte[] c = chunks.get(idx);
            if (c == null) {
                Arrays.fill(dst, off, off + n, (byte) 0);
            } else {
                System.arraycopy(c, in, dst, off, n);
            }
            pos += n;
            off += n;
            len -= n;
        }
    }

    @Override
    public void write(long pos, byte[] src, int off, int len) {
        while (len > 0) {
            long idx = pos >>> CHUNK_SHIFT;
            int in = (int) (pos & (CHUNK - 1));
            int n = Math.min(len, CHUNK - in);
            byte[] c = chunks.get(idx);
            if (c == null && !isZero(src, off, n)) {
                c = new byte[CHUNK];
                chunks.put(idx, c);
            }
            if (c != null) {
                System.arraycopy(src, off, c, in, n);
            }
            pos += n;
            off += n;
            len -= n;
        }
    }

    @Override
    public void discard(long pos, long len) {
        long end = pos + len;
        long firstWhole = (pos + CHUNK - 1) >>> CHUNK_SHIFT;
        long endWhole = end >>> CHUNK_SHIFT;
        if (endWhole <= firstWhole) {
            zero(pos, end);
            return;
        }
        // partial chunks at either end are zeroed, whole ones dropped
        zero(pos, firstWhole << CHUNK_SHIFT);
        if (endWhole - firstWhole > chunks.size()) {
            for (Iterator<Long> it = chunks.keySet().iterator(); it.hasNext();) {
                long k = it.next();
                if (k >= firstWhole && k < endWhole) {
                    it.remove();
                }
            }
        } else {
            for (long k = firstWhole; k < endWhole; k++) {
                chunks.remove(k);
            }
        }
        zero(endWhole << CHUNK_SHIFT, end);
    }

    private void zero(long from, long to) {
        while (from < to) {
            long idx = from >>> CHUNK_SHIFT;
            int in = (int) (from & (CHUNK - 1));
            int n = (int) Math.min(to - from, CHUNK - in);
            byte[] c = chunks.get(idx);
            if (c != null) {
                Arrays.fill(c, in, in + n, (byte) 0);
            }
            from += n;
        }
    }

    static boolean isZero(byte[] b, int off, int len) {
        for (int i = off, end = off + len; i < end; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void sync() {
    }

    @Override
    public long allocated() {
        return (long) chunks.size() * CHUNK;
    }

    @Override
    public void close() {
        chunks.clear();
    }
}
