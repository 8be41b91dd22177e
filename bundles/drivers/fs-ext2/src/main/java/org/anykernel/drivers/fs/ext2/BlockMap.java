package org.anykernel.drivers.fs.ext2;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;

/**
 * The classic ext2 block map of an inode: 12 direct pointers in {@code i_block}, then single, double and triple
 * indirect blocks (read through the {@link BufferCache}). It maps logical to physical blocks (a zero pointer is a
 * hole, and a zero pointer high in the tree is a hole as large as its subtree, which is how {@code SEEK_DATA} skips
 * far), allocates the missing path of a block on write, frees what lies past a truncation point, and keeps
 * {@code i_blocks} counting data and indirect blocks. Every pointer followed is checked to be a possible data block,
 * and the depth is fixed by the format, so a damaged tree gives {@code EUCLEAN}, never a loop.
 */
final class BlockMap {
    static final long BEYOND = Long.MIN_VALUE / 4;

    private final int bs;
    private final int ptrs;
    private final int shift;
    private final BufferCache cache;
    private final Allocator alloc;
    /** Whether the last {@link #mapAlloc} allocated the data block (its old contents are garbage). */
    boolean fresh;

    BlockMap(int blockSize, BufferCache cache, Allocator alloc) {
        this.bs = blockSize;
        this.ptrs = blockSize / 4;
        this.shift = Integer.numberOfTrailingZeros(ptrs);
        this.cache = cache;
        this.alloc = alloc;
    }

    /** The number of logical blocks the map can address. */
    long maxBlocks() {
        return 12 + ptrs + (long) ptrs * ptrs + (long) ptrs * ptrs * ptrs;
    }

    private long span(int level) {
        return 1L << (shift * level);
    }

    private long check(Inode in, long b, String what) {
        if (!alloc.isDataBlock(b)) {
            throw new KernelException(Errno.EUCLEAN, "inode " + in.ino, what + " block " + b
                    + " outside the data area");
        }
        return b;
    }

    /** Refuses an inode whose {@code i_block} is not a block map (an extent tree on an ext2 volume is damage). */
    private static void blockMapped(Inode in) {
        if ((in.flags() & Inode.EXTENTS_FL) != 0) {
            throw new KernelException(Errno.EUCLEAN, "inode " + in.ino, "has the extents flag on an ext2 volume");
        }
    }

    /** The physical block of logical block {@code l}, or 0 for a hole. */
    long map(Inode in, long l) {
        long r = mapOrSkip(in, l);
        return r > 0 ? r : 0;
    }

    /**
     * The physical block of logical block {@code l} if mapped; otherwise minus the number of logical blocks from
     * {@code l} on that are certainly holes (at least 1).
     */
    long mapOrSkip(Inode in, long l) {
        if (l < 0) {
            return -1;
        }
        blockMapped(in);
        if (l < 12) {
            long p = in.block((int) l);
            return p != 0 ? check(in, p, "data") : -1;
        }
        long rel = l - 12;
        for (int level = 1; level <= 3; level++) {
            long span = span(level);
            if (rel < span) {
                long ptr = in.block(11 + level);
                if (ptr == 0) {
                    return -(span - rel);
                }
                check(in, ptr, "indirect");
                for (int d = level; d >= 1; d--) {
                    long cspan = span(d - 1);
                    int idx = (int) (rel / cspan);
                    rel -= idx * cspan;
                    long c = Le.u32(cache.get(ptr).data, idx * 4);
                    if (c == 0) {
                        return -(cspan - rel);
                    }
                    ptr = check(in, c, d > 1 ? "indirect" : "data");
                }
                return ptr;
            }
            rel -= span;
        }
        return BEYOND;
    }

    /** Blocks {@link #mapAlloc} would allocate for logical block {@code l}. */
    private int missing(Inode in, long l) {
        blockMapped(in);
        if (l < 12) {
            return in.block((int) l) == 0 ? 1 : 0;
        }
        long rel = l - 12;
        for (int level = 1; level <= 3; level++) {
            long span = span(level);
            if (rel < span) {
                long ptr = in.block(11 + level);
                if (ptr == 0) {
                    return level + 1;
                }
                check(in, ptr, "indirect");
                for (int d = level; d >= 1; d--) {
                    long cspan = span(d - 1);
                    int idx = (int) (rel / cspan);
                    rel -= idx * cspan;
                    long c = Le.u32(cache.get(ptr).data, idx * 4);
                    if (c == 0) {
                        return d;
                    }
                    ptr = check(in, c, d > 1 ? "indirect" : "data");
                }
                return 0;
            }
            rel -= span;
        }
        throw new KernelException(Errno.EFBIG, "inode " + in.ino, "logical block " + l + " beyond the block map");
    }

    /** The physical block of logical block {@code l}, allocating it (and its indirect blocks) near {@code goal}. */
    long mapAlloc(Inode in, long l, long goal) {
        int need = missing(in, l);
        fresh = false;
        if (need == 0) {
            return map(in, l);
        }
        if (alloc.freeBlocks() < need) {
            throw new KernelException(Errno.ENOSPC, "inode " + in.ino, "no room for logical block " + l);
        }
        if (l < 12) {
            long p = alloc.allocBlock(goal);
            in.block((int) l, p);
            addBlocks(in, 1);
            fresh = true;
            return p;
        }
        long rel = l - 12;
        for (int level = 1; level <= 3; level++) {
            long span = span(level);
            if (rel < span) {
                long ptr = in.block(11 + level);
                if (ptr == 0) {
                    ptr = alloc.allocBlock(goal);
                    cache.create(ptr);
                    in.block(11 + level, ptr);
                    addBlocks(in, 1);
                    goal = ptr + 1;
                }
                for (int d = level; d >= 1; d--) {
                    long cspan = span(d - 1);
                    int idx = (int) (rel / cspan);
                    rel -= idx * cspan;
                    BufferCache.Buffer b = cache.get(ptr);
                    long c = Le.u32(b.data, idx * 4);
                    if (c == 0) {
                        c = alloc.allocBlock(goal);
                        if (d > 1) {
                            cache.create(c);
                        } else {
                            fresh = true;
                        }
                        Le.put32(b.data, idx * 4, c);
                        cache.dirty(b);
                        addBlocks(in, 1);
                        goal = c + 1;
                    }
                    ptr = c;
                }
                return ptr;
            }
            rel -= span;
        }
        throw new KernelException(Errno.EFBIG, "inode " + in.ino, "logical block " + l + " beyond the block map");
    }

    private void addBlocks(Inode in, int n) {
        in.blocks512(Math.max(0, in.blocks512() + (long) n * (bs / 512)));
    }

    private void free(Inode in, long b) {
        alloc.freeBlock(b, in.ino);
        addBlocks(in, -1);
    }

    /** Frees every block of logical number {@code first} or more, and the indirect blocks left empty. */
    void truncate(Inode in, long first) {
        blockMapped(in);
        for (int i = 0; i < 12; i++) {
            long p = in.block(i);
            if (i >= first && p != 0) {
                free(in, check(in, p, "data"));
                in.block(i, 0);
            }
        }
        long base = 12;
        for (int level = 1; level <= 3; level++) {
            long span = span(level);
            int slot = 11 + level;
            long p = in.block(slot);
            if (p != 0) {
                if (first <= base) {
                    freeTree(in, p, level);
                    in.block(slot, 0);
                } else if (first < base + span && freePartial(in, p, level, first - base)) {
                    free(in, p);
                    in.block(slot, 0);
                }
            }
            base += span;
        }
    }

    private void freeTree(Inode in, long p, int level) {
        check(in, p, level > 0 ? "indirect" : "data");
        if (level > 0) {
            byte[] d = cache.get(p).data.clone();
            for (int i = 0; i < ptrs; i++) {
                long c = Le.u32(d, i * 4);
                if (c != 0) {
                    freeTree(in, c, level - 1);
                }
            }
        }
        free(in, p);
    }

    /** Frees the part of the subtree at {@code p} from relative block {@code from} on; true if it is now empty. */
    private boolean freePartial(Inode in, long p, int level, long from) {
        check(in, p, "indirect");
        BufferCache.Buffer b = cache.get(p);
        long cspan = span(level - 1);
        boolean empty = true;
        for (int i = 0; i < ptrs; i++) {
            long c = Le.u32(b.data, i * 4);
            if (c == 0) {
                continue;
            }
            long start = i * cspan;
            if (start >= from) {
                freeTree(in, c, level - 1);
                Le.put32(b.data, i * 4, 0);
                cache.dirty(b);
            } else if (level > 1 && from < start + cspan) {
                if (freePartial(in, c, level - 1, from - start)) {
                    free(in, c);
                    Le.put32(b.data, i * 4, 0);
                    cache.dirty(b);
                } else {
                    empty = false;
                }
            } else {
                empty = false;
            }
        }
        return empty;
    }
}
