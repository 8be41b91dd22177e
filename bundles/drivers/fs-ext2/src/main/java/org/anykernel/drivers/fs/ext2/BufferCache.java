package org.anykernel.drivers.fs.ext2;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metadata blocks of one volume (bitmaps, inode table blocks, directory blocks, indirect blocks, xattr blocks)
 * in an LRU map, written back: a changed buffer is only marked dirty, and dirty buffers go to the device at
 * {@link #flush} (in block order, contiguous ones in one write) or when evicted. File data never enters it.
 *
 * <p>Buffers handed out stay valid for the rest of the operation that got them: eviction happens only in
 * {@link #trim}, which the volume calls between operations, so the cache may exceed its limit by what one operation
 * touches. A freed block is {@link #discard}ed, so a stale copy is never written over its next use.
 */
final class BufferCache {
    /** One cached block. */
    static final class Buffer {
        final long block;
        final byte[] data;
        boolean dirty;

        Buffer(long block, byte[] data) {
            this.block = block;
            this.data = data;
        }
    }

    private final Disk disk;
    private final int blockSize;
    private final int limit;
    private final LinkedHashMap<Long, Buffer> map = new LinkedHashMap<>(256, 0.75f, true);
    private long reads;
    private long writes;

    BufferCache(Disk disk, int blockSize, int limit) {
        this.disk = disk;
        this.blockSize = blockSize;
        this.limit = limit;
    }

    /** The block's buffer, read from the device if not cached. */
    Buffer get(long block) {
        Buffer b = map.get(block);
        if (b == null) {
            byte[] data = new byte[blockSize];
            disk.read(block * blockSize, data, 0, blockSize);
            reads++;
            b = new Buffer(block, data);
            map.put(block, b);
        }
        return b;
    }

    /** A zeroed, dirty buffer for a block just allocated (what was on the device is not read). */
    Buffer create(long block) {
        Buffer b = new Buffer(block, new byte[blockSize]);
        b.dirty = true;
        map.put(block, b);
        return b;
    }

    void dirty(Buffer b) {
        b.dirty = true;
    }

    /** Forgets the block without writing it (it was freed). */
    void discard(long block) {
        map.remove(block);
    }

    /** Writes every dirty buffer. */
    void flush() {
        List<Buffer> dirty = new ArrayList<>();
        for (Buffer b : map.values()) {
            if (b.dirty) {
                dirty.add(b);
            }
        }
        dirty.sort((a, c) -> Long.compare(a.block, c.block));
        int i = 0;
        while (i < dirty.size()) {
            int j = i + 1;
            while (j < dirty.size() && j - i < 256 && dirty.get(j).block == dirty.get(j - 1).block + 1) {
                j++;
            }
            byte[] run = new byte[(j - i) * blockSize];
            for (int k = i; k < j; k++) {
                System.arraycopy(dirty.get(k).data, 0, run, (k - i) * blockSize, blockSize);
            }
            disk.write(dirty.get(i).block * blockSize, run, 0, run.length);
            writes++;
            for (int k = i; k < j; k++) {
                dirty.get(k).dirty = false;
            }
            i = j;
        }
    }

    /** Evicts least recently used buffers down to the limit, writing dirty ones first. */
    void trim() {
        if (map.size() <= limit) {
            return;
        }
        Iterator<Map.Entry<Long, Buffer>> it = map.entrySet().iterator();
        while (map.size() > limit && it.hasNext()) {
            Buffer b = it.next().getValue();
            if (b.dirty) {
                disk.write(b.block * blockSize, b.data, 0, blockSize);
                writes++;
                b.dirty = false;
            }
            it.remove();
        }
    }

    int size() {
        return map.size();
    }

    long reads() {
        return reads;
    }

    long writes() {
        return writes;
    }
}
