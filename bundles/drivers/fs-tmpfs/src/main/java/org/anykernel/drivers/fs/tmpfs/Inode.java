package org.anykernel.drivers.fs.tmpfs;

import org.anykernel.base.api.Stat;
import org.anykernel.base.api.Sys;

/**
 * One file of a tmpfs volume: attributes, and by type its {@link Pages} (regular file, created at the first write),
 * its {@link Directory} or its symbolic link target.
 *
 * <p>Guarding: namespace changes and {@code setattr} run under the volume's exclusive lock; data reads and writes,
 * {@code open}/{@code close} counting and building {@link #stat()} run under the volume's shared lock plus this
 * object's monitor. Every change ends by clearing the cached {@link Stat} ({@link #changed()}).
 */
final class Inode {
    /** Bytes {@code stat} reports per directory entry, as Linux tmpfs does ({@code BOGO_DIRENT_SIZE}). */
    private static final long DIRENT_SIZE = 20;

    final long ino;
    int mode;
    int uid;
    int gid;
    long nlink;
    long size;
    long atimeNs;
    long mtimeNs;
    long ctimeNs;
    /** Whether the VFS holds it open (between {@code open} and the last {@code close}): counted. */
    int openCount;
    /** Bytes charged to kernel memory for the inode itself (not its pages or names). */
    final long charge;
    /** The data of a regular file, or null (no page yet, or not a regular file). */
    Pages pages;
    /** The entries of a directory, or null. */
    final Directory dir;
    /** The target of a symbolic link, or null. */
    final String target;
    /** The last {@link #stat()} built, until a change. */
    private volatile Stat stat;

    Inode(long ino, int mode, int uid, int gid, long nowNs, long charge, Directory dir, String target, long size) {
        this.ino = ino;
        this.mode = mode;
        this.uid = uid;
        this.gid = gid;
        this.atimeNs = nowNs;
        this.mtimeNs = nowNs;
        this.ctimeNs = nowNs;
        this.charge = charge;
        this.dir = dir;
        this.target = target;
        this.size = size;
        this.nlink = dir != null ? 2 : 1;
    }

    boolean isDir() {
        return dir != null;
    }

    boolean isRegular() {
        return Sys.isReg(mode);
    }

    /** Drops the cached status after a change. */
    void changed() {
        stat = null;
    }

    /** Stamps a change of the contents (mtime and ctime). */
    void modified(long nowNs) {
        mtimeNs = nowNs;
        ctimeNs = nowNs;
        stat = null;
    }

    /** Stamps a change of the inode (ctime). */
    void touched(long nowNs) {
        ctimeNs = nowNs;
        stat = null;
    }

    /** The inode's status ({@code dev} 0), cached until the next change. */
    Stat stat() {
        Stat s = stat;
        if (s != null) {
            return s;
        }
        synchronized (this) {
            long bytes = dir != null ? DIRENT_SIZE * (2 + dir.size()) : size;
            long blocks = pages == null ? 0 : pages.count() * (Volume.PAGE / 512);
            s = new Stat(0, ino, mode, nlink, uid, gid, 0, bytes, Volume.PAGE, blocks, atimeNs, mtimeNs, ctimeNs);
            stat = s;
            return s;
        }
    }
}
