package org.anykernel.drivers.fs.ext2;

/**
 * The block group descriptor table (the blocks after the primary superblock) held in memory: where each group's
 * bitmaps and inode table are (checked at mount to lie inside the group and clear of each other), and its free
 * block, free inode and directory counters, which the allocator keeps exact. {@link #encode} writes the counters
 * back into the raw table; other fields are kept as read.
 */
final class GroupDescriptors {
    final byte[] raw;
    final long[] blockBitmap;
    final long[] inodeBitmap;
    final long[] inodeTable;
    final int[] freeBlocks;
    final int[] freeInodes;
    final int[] usedDirs;
    boolean dirty;

    GroupDescriptors(Superblock sb, byte[] raw) {
        this.raw = raw;
        int n = sb.groups;
        blockBitmap = new long[n];
        inodeBitmap = new long[n];
        inodeTable = new long[n];
        freeBlocks = new int[n];
        freeInodes = new int[n];
        usedDirs = new int[n];
        for (int g = 0; g < n; g++) {
            int at = g * Superblock.DESC_SIZE;
            blockBitmap[g] = Le.u32(raw, at);
            inodeBitmap[g] = Le.u32(raw, at + 4);
            inodeTable[g] = Le.u32(raw, at + 8);
            freeBlocks[g] = Le.u16(raw, at + 12);
            freeInodes[g] = Le.u16(raw, at + 14);
            usedDirs[g] = Le.u16(raw, at + 16);
            long start = sb.groupMetaEnd(g);
            long end = sb.groupStart(g) + sb.groupBlocks(g);
            check(g, "bg_block_bitmap", blockBitmap[g], 1, start, end);
            check(g, "bg_inode_bitmap", inodeBitmap[g], 1, start, end);
            check(g, "bg_inode_table", inodeTable[g], sb.inodeTableBlocks, start, end);
            if (blockBitmap[g] == inodeBitmap[g] || inside(blockBitmap[g], inodeTable[g], sb.inodeTableBlocks)
                    || inside(inodeBitmap[g], inodeTable[g], sb.inodeTableBlocks)) {
                throw Superblock.damaged("group " + g, "bitmaps and inode table overlap");
            }
            if (freeBlocks[g] > sb.groupBlocks(g)) {
                throw Superblock.damaged("group " + g + " bg_free_blocks_count", Integer.toString(freeBlocks[g]));
            }
            if (freeInodes[g] > sb.inodesPerGroup) {
                throw Superblock.damaged("group " + g + " bg_free_inodes_count", Integer.toString(freeInodes[g]));
            }
            if (usedDirs[g] > sb.inodesPerGroup - freeInodes[g]) {
                throw Superblock.damaged("group " + g + " bg_used_dirs_count", Integer.toString(usedDirs[g]));
            }
        }
    }

    private static void check(int g, String field, long block, long count, long start, long end) {
        if (block < start || block + count > end) {
            throw Superblock.damaged("group " + g + " " + field, "block " + block + " outside the group's blocks "
                    + start + ".." + (end - 1));
        }
    }

    private static boolean inside(long b, long start, long count) {
        return b >= start && b < start + count;
    }

    long totalFreeBlocks() {
        long s = 0;
        for (int f : freeBlocks) {
            s += f;
        }
        return s;
    }

    long totalFreeInodes() {
        long s = 0;
        for (int f : freeInodes) {
            s += f;
        }
        return s;
    }

    /** Whether {@code block} is one of group {@code g}'s bitmaps or inode table blocks. */
    boolean isGroupMetadata(int g, long block, int inodeTableBlocks) {
        return block == blockBitmap[g] || block == inodeBitmap[g] || inside(block, inodeTable[g], inodeTableBlocks);
    }

    void encode() {
        for (int g = 0; g < freeBlocks.length; g++) {
            int at = g * Superblock.DESC_SIZE;
            Le.put16(raw, at + 12, freeBlocks[g]);
            Le.put16(raw, at + 14, freeInodes[g]);
            Le.put16(raw, at + 16, usedDirs[g]);
        }
    }
}
