package org.anykernel.drivers.fs.ext2;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;

/**
 * The primary superblock (1024 bytes at byte 1024) held in memory: decoded and checked at mount, the geometry
 * derived from it (groups, inode table and descriptor table sizes, where the backups are), the free counts the
 * allocator keeps exact, and the mount state; {@link #encode} writes the changed fields back into the raw copy so
 * that fields this driver does not know survive.
 */
final class Superblock {
    static final int OFFSET = 1024;
    static final int SIZE = 1024;
    static final int MAGIC = 0xEF53;
    static final int VALID_FS = 1;
    static final int GOOD_OLD_REV = 0;
    static final int DYNAMIC_REV = 1;
    static final int DESC_SIZE = 32;

    final byte[] raw;
    final long inodesCount;
    final long blocksCount;
    final long reservedBlocks;
    long freeBlocks;
    long freeInodes;
    final long firstDataBlock;
    final int blockSize;
    final long blocksPerGroup;
    final long inodesPerGroup;
    final int rev;
    final long firstIno;
    final int inodeSize;
    final long compat;
    final long incompat;
    long roCompat;
    final int reservedGdt;
    final int groups;
    final int inodeTableBlocks;
    final int gdtBlocks;
    final int mountState;
    boolean dirty;

    Superblock(byte[] raw, long deviceSize) {
        this.raw = raw;
        if (Le.u16(raw, 56) != MAGIC) {
            throw new KernelException(Errno.EINVAL, "superblock", "not an ext2 file system (magic 0x"
                    + Integer.toHexString(Le.u16(raw, 56)) + ")");
        }
        rev = Le.i32(raw, 76);
        if (rev != GOOD_OLD_REV && rev != DYNAMIC_REV) {
            throw new KernelException(Errno.EOPNOTSUPP, "s_rev_level", "revision " + Integer.toUnsignedString(rev)
                    + " not supported");
        }
        long logBs = Le.u32(raw, 24);
        if (logBs > 6) {
            throw damaged("s_log_block_size", "block size 1024 << " + logBs);
        }
        if (logBs > 2) {
            throw new KernelException(Errno.EOPNOTSUPP, "s_log_block_size", "block size " + (1024 << logBs)
                    + " not supported (1, 2 and 4 KiB are)");
        }
        blockSize = 1024 << logBs;
        if (rev == GOOD_OLD_REV) {
            compat = 0;
            incompat = 0;
            roCompat = 0;
            inodeSize = 128;
            firstIno = 11;
        } else {
            compat = Le.u32(raw, 92);
            incompat = Le.u32(raw, 96);
            roCompat = Le.u32(raw, 100);
            inodeSize = Le.u16(raw, 88);
            firstIno = Le.u32(raw, 84);
        }
        long unsupported = incompat & ~Features.INCOMPAT_SUPPORTED;
        if (unsupported != 0) {
            throw new KernelException(Errno.EOPNOTSUPP, "s_feature_incompat", "unsupported features: "
                    + Features.incompatNames(unsupported));
        }
        inodesCount = Le.u32(raw, 0);
        blocksCount = Le.u32(raw, 4);
        reservedBlocks = Le.u32(raw, 8);
        freeBlocks = Le.u32(raw, 12);
        freeInodes = Le.u32(raw, 16);
        firstDataBlock = Le.u32(raw, 20);
        blocksPerGroup = Le.u32(raw, 32);
        inodesPerGroup = Le.u32(raw, 40);
        mountState = Le.u16(raw, 58);
        if (blocksCount < 8) {
            throw damaged("s_blocks_count", blocksCount + " blocks");
        }
        if (blocksCount * blockSize > deviceSize) {
            throw damaged("s_blocks_count", blocksCount + " blocks of " + blockSize + " bytes beyond the device's "
                    + deviceSize + " bytes");
        }
        if (firstDataBlock != (blockSize == 1024 ? 1 : 0)) {
            throw damaged("s_first_data_block", firstDataBlock + " with " + blockSize + "-byte blocks");
        }
        if (blocksPerGroup == 0 || blocksPerGroup > 8L * blockSize || blocksPerGroup % 8 != 0) {
            throw damaged("s_blocks_per_group", Long.toString(blocksPerGroup));
        }
        if (inodesPerGroup == 0 || inodesPerGroup > 8L * blockSize) {
            throw damaged("s_inodes_per_group", Long.toString(inodesPerGroup));
        }
        if (inodeSize < 128 || inodeSize > blockSize || Integer.bitCount(inodeSize) != 1) {
            throw damaged("s_inode_size", Integer.toString(inodeSize));
        }
        long g = (blocksCount - firstDataBlock + blocksPerGroup - 1) / blocksPerGroup;
        if (g <= 0 || g > 1 << 20) {
            throw damaged("s_blocks_count", g + " groups");
        }
        groups = (int) g;
        if (inodesCount != g * inodesPerGroup) {
            throw damaged("s_inodes_count", inodesCount + " for " + g + " groups of " + inodesPerGroup + " inodes");
        }
        if (firstIno < 11 || firstIno >= inodesCount) {
            throw damaged("s_first_ino", Long.toString(firstIno));
        }
        inodeTableBlocks = (int) ((inodesPerGroup * inodeSize + blockSize - 1) / blockSize);
        gdtBlocks = (int) ((g * DESC_SIZE + blockSize - 1) / blockSize);
        reservedGdt = (compat & Features.COMPAT_RESIZE_INODE) != 0 ? Le.u16(raw, 206) : 0;
        if (reservedGdt > blockSize / 4) {
            throw damaged("s_reserved_gdt_blocks", Integer.toString(reservedGdt));
        }
        long firstGroupEnd = Math.min(blocksCount, firstDataBlock + blocksPerGroup);
        if (firstDataBlock + 1 + gdtBlocks + reservedGdt + 2L + inodeTableBlocks > firstGroupEnd) {
            throw damaged("s_blocks_per_group", "group 0 of " + (firstGroupEnd - firstDataBlock)
                    + " blocks cannot hold " + gdtBlocks + " descriptor blocks and " + inodeTableBlocks
                    + " inode table blocks");
        }
    }

    static KernelException damaged(String field, String detail) {
        return new KernelException(Errno.EUCLEAN, field, detail);
    }

    /** The compat bits that make this volume read-only (0: none). */
    long compatUnwritable() {
        return compat & ~Features.COMPAT_WRITABLE;
    }

    /** The ro_compat bits that make this volume read-only (0: none). */
    long roCompatUnsupported() {
        return roCompat & ~Features.RO_COMPAT_SUPPORTED;
    }

    boolean hasFileType() {
        return (incompat & Features.INCOMPAT_FILETYPE) != 0;
    }

    boolean hasJournal() {
        return (compat & Features.COMPAT_HAS_JOURNAL) != 0;
    }

    /** Whether group {@code g} holds a superblock backup (and a descriptor table copy). */
    boolean hasSuper(int g) {
        if ((compat & Features.COMPAT_SPARSE_SUPER2) != 0) {
            return g == 0 || g == Le.u32(raw, 0x24C) || g == Le.u32(raw, 0x250);
        }
        if (g <= 1 || (roCompat & Features.RO_COMPAT_SPARSE_SUPER) == 0) {
            return true;
        }
        return power(g, 3) || power(g, 5) || power(g, 7);
    }

    private static boolean power(int g, int base) {
        long n = base;
        while (n < g) {
            n *= base;
        }
        return n == g;
    }

    long groupStart(int g) {
        return firstDataBlock + g * blocksPerGroup;
    }

    long groupBlocks(int g) {
        return Math.min(blocksPerGroup, blocksCount - groupStart(g));
    }

    /** The first block after group {@code g}'s superblock, descriptor and reserved descriptor blocks. */
    long groupMetaEnd(int g) {
        return hasSuper(g) ? groupStart(g) + 1 + gdtBlocks + reservedGdt : groupStart(g);
    }

    int groupOf(long block) {
        return (int) ((block - firstDataBlock) / blocksPerGroup);
    }

    /** The largest file this geometry can map, in bytes. */
    long maxFileSize() {
        long p = blockSize / 4;
        long blocks = 12 + p + p * p + p * p * p;
        long limit = Math.min(blocks * blockSize, 1L << 41) - 1;
        return rev == GOOD_OLD_REV ? Math.min(limit, Integer.MAX_VALUE) : limit;
    }

    int mountCount() {
        return Le.u16(raw, 52);
    }

    void setMounted(long nowSec) {
        Le.put16(raw, 58, mountState & ~VALID_FS);
        Le.put16(raw, 52, mountCount() + 1);
        Le.put32(raw, 44, nowSec);
        dirty = true;
    }

    void setUnmounted(long nowSec) {
        Le.put16(raw, 58, mountState);
        dirty = true;
        Le.put32(raw, 48, nowSec);
    }

    void setLargeFile() {
        if ((roCompat & Features.RO_COMPAT_LARGE_FILE) == 0) {
            roCompat |= Features.RO_COMPAT_LARGE_FILE;
            dirty = true;
        }
    }

    /** Writes the fields this driver changes into {@link #raw}. */
    void encode(long nowSec) {
        Le.put32(raw, 12, freeBlocks);
        Le.put32(raw, 16, freeInodes);
        Le.put32(raw, 48, nowSec);
        if (rev == DYNAMIC_REV) {
            Le.put32(raw, 100, roCompat);
        }
    }
}
