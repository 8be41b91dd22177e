package org.anykernel.base.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What {@code stat(2)} reports of a file. On the syscall boundary it travels as Linux x86_64's {@code struct stat}
 * ({@link #SIZE} bytes, little-endian), so a remote client or a C program reads the same bytes; local clients get
 * this record from {@link Posix#stat}.
 *
 * @param dev     the device (mount) the file is on
 * @param ino     its inode number, unique within {@code dev}
 * @param mode    type and permission bits ({@link Sys#S_IFREG} ...)
 * @param nlink   hard links to it
 * @param uid     owner
 * @param gid     group
 * @param rdev    the device it is, for device files
 * @param size    bytes (a symbolic link: the target's length)
 * @param blksize the preferred I/O size
 * @param blocks  512-byte units allocated (smaller than size/512 for a sparse file)
 * @param atimeNs last access, ns since the epoch
 * @param mtimeNs last modification of the contents
 * @param ctimeNs last change of the inode
 */
public record Stat(long dev, long ino, int mode, long nlink, int uid, int gid, long rdev, long size, long blksize,
                   long blocks, long atimeNs, long mtimeNs, long ctimeNs) {
    /** Bytes of Linux x86_64 {@code struct stat}. */
    public static final int SIZE = 144;

    /** The type bits of {@link #mode}. */
    public int type() {
        return mode & Sys.S_IFMT;
    }

    /** The permission bits of {@link #mode} (with setuid, setgid, sticky). */
    public int perm() {
        return mode & 07777;
    }

    public boolean isDirectory() {
        return Sys.isDir(mode);
    }

    public boolean isRegular() {
        return Sys.isReg(mode);
    }

    public boolean isSymlink() {
        return Sys.isLink(mode);
    }

    /** The same, on device {@code d}. */
    public Stat withDev(long d) {
        return new Stat(d, ino, mode, nlink, uid, gid, rdev, size, blksize, blocks, atimeNs, mtimeNs, ctimeNs);
    }

    /** Writes this as {@code struct stat} into {@code buf[0..SIZE)}. */
    public void encode(byte[] buf) {
        ByteBuffer b = ByteBuffer.wrap(buf, 0, SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, dev).putLong(8, ino).putLong(16, nlink).putInt(24, mode).putInt(28, uid).putInt(32, gid)
                .putInt(36, 0).putLong(40, rdev).putLong(48, size).putLong(56, blksize).putLong(64, blocks);
        putTime(b, 72, atimeNs);
        putTime(b, 88, mtimeNs);
        putTime(b, 104, ctimeNs);
        b.putLong(120, 0).putLong(128, 0).putLong(136, 0);
    }

    /** Reads a {@code struct stat}. */
    public static Stat decode(byte[] buf) {
        ByteBuffer b = ByteBuffer.wrap(buf, 0, SIZE).order(ByteOrder.LITTLE_ENDIAN);
        return new Stat(b.getLong(0), b.getLong(8), b.getInt(24), b.getLong(16), b.getInt(28), b.getInt(32),
                b.getLong(40), b.getLong(48), b.getLong(56), b.getLong(64), time(b, 72), time(b, 88), time(b, 104));
    }

    private static void putTime(ByteBuffer b, int at, long ns) {
        b.putLong(at, Math.floorDiv(ns, 1_000_000_000L)).putLong(at + 8, Math.floorMod(ns, 1_000_000_000L));
    }

    private static long time(ByteBuffer b, int at) {
        return b.getLong(at) * 1_000_000_000L + b.getLong(at + 8);
    }
}
