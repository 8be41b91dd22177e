package org.anykernel.drivers.fs.ext2;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;

/**
 * Block and inode allocation: the per-group bitmaps (through the {@link BufferCache}) and the counters that must
 * agree with them at all times (group descriptors' free blocks, free inodes and used directories, the superblock's
 * free counts). Blocks are taken at or after a goal (the file's previous block, or its inode's group), inodes of
 * files in the parent's group and directories in a group with more free inodes than average. It also says which
 * block numbers may hold data at all: inside the volume and clear of superblocks, descriptor tables (with the
 * reserved ones) and each group's bitmaps and inode table.
 */
final class Allocator {
    private final Superblock sb;
    private final GroupDescriptors gd;
    private final BufferCache cache;

    Allocator(Superblock sb, GroupDescriptors gd, BufferCache cache) {
        this.sb = sb;
        this.gd = gd;
        this.cache = cache;
    }

    /** Whether {@code b} may be a data, directory, indirect or xattr block. */
    boolean isDataBlock(long b) {
        if (b < sb.firstDataBlock || b >= sb.blocksCount) {
            return false;
        }
        int g = sb.groupOf(b);
        return b >= sb.groupMetaEnd(g) && !gd.isGroupMetadata(g, b, sb.inodeTableBlocks);
    }

    long freeBlocks() {
        return sb.freeBlocks;
    }

    /** Allocates one block at or after {@code goal} (wrapping around the volume); {@code ENOSPC} if none is free. */
    long allocBlock(long goal) {
        if (sb.freeBlocks <= 0) {
            throw new KernelException(Errno.ENOSPC, sb.blockSize + "-byte blocks", "no free block");
        }
        if (goal < sb.firstDataBlock || goal >= sb.blocksCount) {
            goal = sb.firstDataBlock;
        }
        int g0 = sb.groupOf(goal);
        for (int i = 0; i < sb.groups; i++) {
            int g = (g0 + i) % sb.groups;
            if (gd.freeBlocks[g] == 0) {
                continue;
            }
            int n = (int) sb.groupBlocks(g);
            BufferCache.Buffer bm = cache.get(gd.blockBitmap[g]);
            int from = i == 0 ? (int) (goal - sb.groupStart(g)) : 0;
            int bit = findZero(bm.data, from, n);
            if (bit < 0 && from > 0) {
                bit = findZero(bm.data, 0, from);
            }
            if (bit < 0) {
                throw Superblock.damaged("group " + g + " block bitmap", "full, but bg_free_blocks_count is "
                        + gd.freeBlocks[g]);
            }
            long b = sb.groupStart(g) + bit;
            if (!isDataBlock(b)) {
                throw Superblock.damaged("group " + g + " block bitmap", "metadata block " + b + " marked free");
            }
            bm.data[bit >>> 3] |= (byte) (1 << (bit & 7));
            cache.dirty(bm);
            gd.freeBlocks[g]--;
            gd.dirty = true;
            sb.freeBlocks--;
            sb.dirty = true;
            return b;
        }
        throw new KernelException(Errno.ENOSPC, sb.blockSize + "-byte blocks", "no free block found");
    }

    /** Frees a block that {@link #isDataBlock} and is marked in use; drops it from the cache. */
    void freeBlock(long b, long owner) {
        if (!isDataBlock(b)) {
            throw Superblock.damaged("inode " + owner, "block " + b + " outside the data area");
        }
        int g = sb.groupOf(b);
        int bit = (int) (b - sb.groupStart(g));
        BufferCache.Buffer bm = cache.get(gd.blockBitmap[g]);
        if ((bm.data[bit >>> 3] & (1 << (bit & 7))) == 0) {
            throw Superblock.damaged("inode " + owner, "block " + b + " already free");
        }
        bm.data[bit >>> 3] &= (byte) ~(1 << (bit & 7));
        cache.dirty(bm);
        cache.discard(b);
        gd.freeBlocks[g]++;
        gd.dirty = true;
        sb.freeBlocks++;
        sb.dirty = true;
    }

    /** Whether block {@code b} is marked in use. */
    boolean blockInUse(long b) {
        int g = sb.groupOf(b);
        int bit = (int) (b - sb.groupStart(g));
        BufferCache.Buffer bm = cache.get(gd.blockBitmap[g]);
        return (bm.data[bit >>> 3] & (1 << (bit & 7))) != 0;
    }

    /** Allocates an inode for a child of a directory in group {@code parentGroup}. */
    long allocInode(int parentGroup, boolean dir) {
        if (sb.freeInodes <= 0) {
            throw new KernelException(Errno.ENOSPC, "inodes", "no free inode");
        }
        int chosen = -1;
        if (dir) {
            long avg = sb.freeInodes / sb.groups;
            long best = -1;
            for (int i = 0; i < sb.groups; i++) {
                int g = (parentGroup + 1 + i) % sb.groups;
                if (gd.freeInodes[g] > 0 && gd.freeInodes[g] >= avg && gd.freeBlocks[g] > best) {
                    best = gd.freeBlocks[g];
                    chosen = g;
                }
            }
        }
        for (int i = 0; chosen < 0 && i < sb.groups; i++) {
            int g = (parentGroup + i) % sb.groups;
            if (gd.freeInodes[g] > 0) {
                chosen = g;
            }
        }
        if (chosen < 0) {
            throw new KernelException(Errno.ENOSPC, "inodes", "no group with a free inode");
        }
        int g = chosen;
        BufferCache.Buffer bm = cache.get(gd.inodeBitmap[g]);
        int n = (int) sb.inodesPerGroup;
        int from = 0;
        while (true) {
            int bit = findZero(bm.data, from, n);
            if (bit < 0) {
                throw Superblock.damaged("group " + g + " inode bitmap", "full, but bg_free_inodes_count is "
                        + gd.freeInodes[g]);
            }
            long ino = g * sb.inodesPerGroup + bit + 1;
            if (ino < sb.firstIno) {
                from = bit + 1;
                continue;
            }
            bm.data[bit >>> 3] |= (byte) (1 << (bit & 7));
            cache.dirty(bm);
            gd.freeInodes[g]--;
            if (dir) {
                gd.usedDirs[g]++;
            }
            gd.dirty = true;
            sb.freeInodes--;
            sb.dirty = true;
            return ino;
        }
    }

    void freeInode(long ino, boolean dir) {
        int g = (int) ((ino - 1) / sb.inodesPerGroup);
        int bit = (int) ((ino - 1) % sb.inodesPerGroup);
        BufferCache.Buffer bm = cache.get(gd.inodeBitmap[g]);
        if ((bm.data[bit >>> 3] & (1 << (bit & 7))) == 0) {
            throw Superblock.damaged("inode " + ino, "already free in the inode bitmap");
        }
        bm.data[bit >>> 3] &= (byte) ~(1 << (bit & 7));
        cache.dirty(bm);
        gd.freeInodes[g]++;
        if (dir && gd.usedDirs[g] > 0) {
            gd.usedDirs[g]--;
        }
        gd.dirty = true;
        sb.freeInodes++;
        sb.dirty = true;
    }

    /** The first clear bit in {@code [from, to)}, or -1. */
    static int findZero(byte[] bits, int from, int to) {
        int i = from;
        while (i < to) {
            if ((i & 7) == 0 && bits[i >>> 3] == (byte) 0xff && i + 8 <= to) {
                i += 8;
                continue;
            }
            if ((bits[i >>> 3] & (1 << (i & 7))) == 0) {
                return i;
            }
            i++;
        }
        return -1;
    }
}
