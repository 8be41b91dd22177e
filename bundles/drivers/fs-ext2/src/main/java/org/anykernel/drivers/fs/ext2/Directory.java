package org.anykernel.drivers.fs.ext2;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.anykernel.base.api.DirEntry;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Sys;

/**
 * Linear ext2 directories: the {@code ext2_dir_entry_2} records in each directory block (inode, rec_len, name_len,
 * file type, name), read and changed through the {@link BufferCache}. Insertion splits an entry's slack (or adds a
 * block), removal merges the entry into its predecessor; offsets of other entries never move, so a byte offset is a
 * stable {@code readdir} cookie. Hashed ({@code dir_index}) directories are read linearly, their tree blocks being
 * empty entries to a linear scan, and lose {@code EXT2_INDEX_FL} on their first change. Every record is checked
 * before use (length at least 8, 4-aligned, inside the block, large enough for the name, inode in range; no holes),
 * so a damaged directory gives {@code EUCLEAN} naming the inode and block.
 */
final class Directory {
    /** ext2 file type byte values, by {@code mode >> 12}. */
    private static final int[] FT_OF_TYPE = {0, 5, 3, 0, 2, 0, 4, 0, 1, 0, 7, 0, 6, 0, 0, 0};
    private static final int[] DT_OF_FT = {Sys.DT_UNKNOWN, Sys.DT_REG, Sys.DT_DIR, Sys.DT_CHR, Sys.DT_BLK,
            Sys.DT_FIFO, Sys.DT_SOCK, Sys.DT_LNK};

    private final Superblock sb;
    private final BufferCache cache;
    private final BlockMap map;
    private final int bs;

    Directory(Superblock sb, BufferCache cache, BlockMap map) {
        this.sb = sb;
        this.cache = cache;
        this.map = map;
        this.bs = sb.blockSize;
    }

    static int fileType(int mode) {
        return FT_OF_TYPE[(mode & Sys.S_IFMT) >>> 12];
    }

    static int recLen(int nameLen) {
        return (8 + nameLen + 3) & ~3;
    }

    /** One entry found by a scan. */
    record Slot(BufferCache.Buffer buf, int off, int prev, long ino, int recLen, int nameLen, int type, long lblk) {
    }

    private interface Visitor {
        /** Returns true to stop the scan. */
        boolean visit(Slot s);
    }

    private long blocks(Inode dir) {
        long size = dir.size();
        if (size % bs != 0) {
            throw new KernelException(Errno.EUCLEAN, "directory inode " + dir.ino, "size " + size
                    + " not a multiple of the block size");
        }
        long n = size / bs;
        if (n > sb.blocksCount || n > dir.blocks512() / (bs / 512)) {
            throw new KernelException(Errno.EUCLEAN, "directory inode " + dir.ino, "size " + size
                    + " larger than its " + dir.blocks512() + " allocated sectors");
        }
        return n;
    }

    private BufferCache.Buffer block(Inode dir, long l) {
        long p = map.map(dir, l);
        if (p == 0) {
            throw new KernelException(Errno.EUCLEAN, "directory inode " + dir.ino, "hole at block " + l);
        }
        return cache.get(p);
    }

    /** Visits the entries (empty ones too) from logical block {@code from}; returns the stopping slot or null. */
    private Slot scan(Inode dir, long from, Visitor v) {
        long n = blocks(dir);
        for (long l = from; l < n; l++) {
            BufferCache.Buffer b = block(dir, l);
            byte[] d = b.data;
            int off = 0;
            int prev = -1;
            while (off < bs) {
                if (off + 8 > bs) {
                    throw bad(dir, l, b, off, "record header past the block end");
                }
                long ino = Le.u32(d, off);
                int rec = Le.u16(d, off + 4);
                int nameLen = Le.u8(d, off + 6);
                if (rec < 8 || (rec & 3) != 0 || off + rec > bs) {
                    throw bad(dir, l, b, off, "rec_len " + rec);
                }
                if (nameLen + 8 > rec) {
                    throw bad(dir, l, b, off, "name_len " + nameLen + " larger than rec_len " + rec);
                }
                if (ino > sb.inodesCount || (ino != 0 && nameLen == 0)) {
                    throw bad(dir, l, b, off, "inode " + ino + " with name_len " + nameLen);
                }
                int type = sb.hasFileType() ? Le.u8(d, off + 7) : 0;
                Slot s = new Slot(b, off, prev, ino, rec, nameLen, type, l);
                if (v.visit(s)) {
                    return s;
                }
                prev = off;
                off += rec;
            }
        }
        return null;
    }

    private static KernelException bad(Inode dir, long l, BufferCache.Buffer b, int off, String what) {
        return new KernelException(Errno.EUCLEAN, "directory inode " + dir.ino, "block " + l + " (" + b.block
                + ") offset " + off + ": " + what);
    }

    private static boolean nameIs(Slot s, byte[] name) {
        if (s.ino == 0 || s.nameLen != name.length) {
            return false;
        }
        return Arrays.equals(s.buf.data, s.off + 8, s.off + 8 + name.length, name, 0, name.length);
    }

    /** The entry named {@code name}, or null. */
    Slot find(Inode dir, byte[] name) {
        return scan(dir, 0, s -> nameIs(s, name));
    }

    /** The inode named {@code name}, or 0. */
    long lookup(Inode dir, byte[] name) {
        Slot s = find(dir, name);
        return s == null ? 0 : s.ino;
    }

    private static void deindex(Inode dir) {
        if ((dir.flags() & Inode.INDEX_FL) != 0) {
            dir.flags(dir.flags() & ~Inode.INDEX_FL);
        }
    }

    private void put(byte[] d, int off, long ino, int rec, byte[] name, int ftype) {
        Le.put32(d, off, ino);
        Le.put16(d, off + 4, rec);
        Le.put8(d, off + 6, name.length);
        Le.put8(d, off + 7, sb.hasFileType() ? ftype : 0);
        System.arraycopy(name, 0, d, off + 8, name.length);
    }

    /** Adds an entry (the caller checked the name is free); may add a block ({@code ENOSPC}). */
    void add(Inode dir, byte[] name, long ino, int ftype, long goal) {
        int need = recLen(name.length);
        Slot s = scan(dir, 0, e -> e.recLen - (e.ino == 0 ? 0 : recLen(e.nameLen)) >= need);
        if (s != null) {
            byte[] d = s.buf.data;
            if (s.ino == 0) {
                put(d, s.off, ino, s.recLen, name, ftype);
            } else {
                int used = recLen(s.nameLen);
                Le.put16(d, s.off + 4, used);
                put(d, s.off + used, ino, s.recLen - used, name, ftype);
            }
            cache.dirty(s.buf);
        } else {
            long l = blocks(dir);
            long p = map.mapAlloc(dir, l, goal);
            BufferCache.Buffer b = cache.create(p);
            put(b.data, 0, ino, bs, name, ftype);
            dir.size((l + 1) * bs);
        }
        deindex(dir);
    }

    /** Removes the entry named {@code name}; returns its inode (0: there was none). */
    long remove(Inode dir, byte[] name) {
        Slot s = find(dir, name);
        if (s == null) {
            return 0;
        }
        byte[] d = s.buf.data;
        if (s.prev < 0) {
            Le.put32(d, s.off, 0);
        } else {
            Le.put16(d, s.prev + 4, Le.u16(d, s.prev + 4) + s.recLen);
        }
        cache.dirty(s.buf);
        deindex(dir);
        return s.ino;
    }

    /** Points the existing entry {@code name} at another inode. */
    void retarget(Inode dir, Slot s, long ino, int ftype) {
        Le.put32(s.buf.data, s.off, ino);
        Le.put8(s.buf.data, s.off + 7, sb.hasFileType() ? ftype : 0);
        cache.dirty(s.buf);
        deindex(dir);
    }

    /** Whether the directory has no entries but {@code .} and {@code ..}. */
    boolean isEmpty(Inode dir) {
        return scan(dir, 0, s -> s.ino != 0 && !isDot(s)) == null;
    }

    private static boolean isDot(Slot s) {
        byte[] d = s.buf.data;
        return (s.nameLen == 1 && d[s.off + 8] == '.') || (s.nameLen == 2 && d[s.off + 8] == '.'
                && d[s.off + 9] == '.');
    }

    /** Writes the first block of a new directory: {@code .} and {@code ..}. */
    void init(Inode dir, long parent, long goal) {
        long p = map.mapAlloc(dir, 0, goal);
        BufferCache.Buffer b = cache.create(p);
        put(b.data, 0, dir.ino, 12, new byte[] {'.'}, 2);
        put(b.data, 12, parent, bs - 12, new byte[] {'.', '.'}, 2);
        dir.size(bs);
    }

    /** Points {@code ..} at {@code parent}. */
    void setParent(Inode dir, long parent) {
        Slot s = find(dir, new byte[] {'.', '.'});
        if (s == null) {
            throw new KernelException(Errno.EUCLEAN, "directory inode " + dir.ino, "no '..' entry");
        }
        retarget(dir, s, parent, 2);
    }

    /** Entries from byte offset {@code cookie}, at most {@code max}. */
    List<DirEntry> list(Inode dir, long cookie, int max) {
        List<DirEntry> out = new ArrayList<>();
        if (cookie < 0) {
            throw new KernelException(Errno.EINVAL, "directory inode " + dir.ino, "offset " + cookie);
        }
        if (max <= 0 || cookie >= dir.size()) {
            return out;
        }
        long startBlock = cookie / bs;
        int startOff = (int) (cookie % bs);
        scan(dir, startBlock, s -> {
            if (s.lblk == startBlock && s.off < startOff) {
                return false;
            }
            if (s.ino != 0) {
                String name = new String(s.buf.data, s.off + 8, s.nameLen, StandardCharsets.UTF_8);
                int dt = s.type < DT_OF_FT.length ? DT_OF_FT[s.type] : Sys.DT_UNKNOWN;
                out.add(new DirEntry(s.ino, s.lblk * bs + s.off + s.recLen, dt, name));
            }
            return out.size() >= max;
        });
        return out;
    }
}
