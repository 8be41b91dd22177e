package org.anykernel.drivers.fs.ext2;

import org.anykernel.base.api.Sys;

/**
 * One on-disk inode, as a view on the inode table block that holds it in the {@link BufferCache}: accessors decode
 * the fields in place and setters mark the block dirty, so bytes this driver does not know (in-inode extended
 * attributes, OS-dependent fields) are kept. Times use the {@code _extra} fields (nanoseconds, epoch bits) when
 * {@code i_extra_isize} covers them, seconds otherwise.
 */
final class Inode {
    static final int N_BLOCKS = 15;
    static final int INDEX_FL = 0x1000;
    static final int EXTENTS_FL = 0x80000;
    private static final int ATIME = 8;
    private static final int CTIME = 12;
    private static final int MTIME = 16;
    private static final int CRTIME = 144;

    final long ino;
    private final BufferCache cache;
    private final BufferCache.Buffer buf;
    private final byte[] d;
    private final int off;
    private final int size;

    Inode(long ino, BufferCache cache, BufferCache.Buffer buf, int off, int inodeSize) {
        this.ino = ino;
        this.cache = cache;
        this.buf = buf;
        this.d = buf.data;
        this.off = off;
        this.size = inodeSize;
    }

    private void dirty() {
        cache.dirty(buf);
    }

    /** Zeroes the whole inode (for a new one), with {@code i_extra_isize} set when the inode has room. */
    void clear() {
        java.util.Arrays.fill(d, off, off + size, (byte) 0);
        if (size > 128) {
            Le.put16(d, off + 128, Math.min(32, size - 128));
        }
        dirty();
    }

    int mode() {
        return Le.u16(d, off);
    }

    void mode(int m) {
        Le.put16(d, off, m);
        dirty();
    }

    boolean isDir() {
        return Sys.isDir(mode());
    }

    boolean isReg() {
        return Sys.isReg(mode());
    }

    boolean isLink() {
        return Sys.isLink(mode());
    }

    int uid() {
        return Le.u16(d, off + 2) | Le.u16(d, off + 120) << 16;
    }

    void uid(int uid) {
        Le.put16(d, off + 2, uid);
        Le.put16(d, off + 120, uid >>> 16);
        dirty();
    }

    int gid() {
        return Le.u16(d, off + 24) | Le.u16(d, off + 122) << 16;
    }

    void gid(int gid) {
        Le.put16(d, off + 24, gid);
        Le.put16(d, off + 122, gid >>> 16);
        dirty();
    }

    long size() {
        long lo = Le.u32(d, off + 4);
        return isReg() ? lo | Le.u32(d, off + 108) << 32 : lo;
    }

    void size(long s) {
        Le.put32(d, off + 4, s);
        if (isReg()) {
            Le.put32(d, off + 108, s >>> 32);
        }
        dirty();
    }

    int links() {
        return Le.u16(d, off + 26);
    }

    void links(int n) {
        Le.put16(d, off + 26, n);
        dirty();
    }

    /** {@code i_blocks}: 512-byte units. */
    long blocks512() {
        return Le.u32(d, off + 28);
    }

    void blocks512(long n) {
        Le.put32(d, off + 28, n);
        dirty();
    }

    int flags() {
        return Le.i32(d, off + 32);
    }

    void flags(int f) {
        Le.put32(d, off + 32, f);
        dirty();
    }

    long dtime() {
        return Le.u32(d, off + 20);
    }

    void dtime(long sec) {
        Le.put32(d, off + 20, sec);
        dirty();
    }

    long block(int i) {
        return Le.u32(d, off + 40 + 4 * i);
    }

    void block(int i, long b) {
        Le.put32(d, off + 40 + 4 * i, b);
        dirty();
    }

    /** The raw 60 bytes of {@code i_block} (fast symlink targets). */
    byte[] blockBytes() {
        byte[] out = new byte[4 * N_BLOCKS];
        System.arraycopy(d, off + 40, out, 0, out.length);
        return out;
    }

    void blockBytes(byte[] src, int len) {
        java.util.Arrays.fill(d, off + 40, off + 40 + 4 * N_BLOCKS, (byte) 0);
        System.arraycopy(src, 0, d, off + 40, len);
        dirty();
    }

    long fileAcl() {
        return Le.u32(d, off + 104);
    }

    void fileAcl(long b) {
        Le.put32(d, off + 104, b);
        dirty();
    }

    void generation(long g) {
        Le.put32(d, off + 100, g);
        dirty();
    }

    private int extraIsize() {
        return size > 128 ? Le.u16(d, off + 128) : 0;
    }

    /** Whether the {@code _extra} word of the time at {@code at} is there. */
    private boolean hasExtra(int at) {
        int extraAt = at == CRTIME ? CRTIME + 4 : 132 + (at == CTIME ? 0 : at == MTIME ? 4 : 8);
        return extraAt + 4 <= 128 + extraIsize() && extraAt + 4 <= size;
    }

    private static int extraOffset(int at) {
        return at == CRTIME ? CRTIME + 4 : 132 + (at == CTIME ? 0 : at == MTIME ? 4 : 8);
    }

    private long time(int at) {
        long sec = Le.i32(d, off + at);
        long ns = 0;
        if (hasExtra(at)) {
            long extra = Le.u32(d, off + extraOffset(at));
            sec += (extra & 3) << 32;
            ns = Math.min(extra >>> 2, 999_999_999L);
        }
        return sec * 1_000_000_000L + ns;
    }

    private void time(int at, long ns) {
        long sec = Math.floorDiv(ns, 1_000_000_000L);
        long nsec = Math.floorMod(ns, 1_000_000_000L);
        Le.put32(d, off + at, sec);
        if (hasExtra(at)) {
            long epoch = ((sec - (int) sec) >> 32) & 3;
            Le.put32(d, off + extraOffset(at), epoch | nsec << 2);
        }
        dirty();
    }

    long atime() {
        return time(ATIME);
    }

    long mtime() {
        return time(MTIME);
    }

    long ctime() {
        return time(CTIME);
    }

    void atime(long ns) {
        time(ATIME, ns);
    }

    void mtime(long ns) {
        time(MTIME, ns);
    }

    void ctime(long ns) {
        time(CTIME, ns);
    }

    void crtime(long ns) {
        if (extraIsize() >= CRTIME + 4 - 128 && CRTIME + 4 <= size) {
            time(CRTIME, ns);
        }
    }
}
