package org.anykernel.vfs.internal;

import java.util.List;

import org.anykernel.base.api.DirEntry;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Stat;
import org.anykernel.base.api.StatFs;
import org.anykernel.base.api.Sys;
import org.anykernel.base.spi.KernelProcess;
import org.anykernel.base.spi.OpenFile;
import org.anykernel.vfs.api.SetAttr;

/**
 * An open file of the VFS: a counted reference to a vnode, a position (shared by the descriptors {@code dup} makes),
 * and the open flags. Reads and writes go to the driver at the position (through the page cache of a device-backed
 * volume, unless {@code O_DIRECT}); {@code O_APPEND} writes at the end under the vnode's lock, so appends from
 * several open files do not overwrite each other. For a directory the position is
 * the driver's readdir cookie. The process that opened it is the one whose credentials {@code fchmod} and
 * {@code fchown} check.
 */
final class VfsFile implements OpenFile {
    private final Vfs vfs;
    private final KernelProcess opener;
    private final String name;
    private final Vnode v;
    private final Mount m;
    private final int flags;
    private long position; // guarded by this
    private boolean released; // guarded by this

    VfsFile(Vfs vfs, KernelProcess opener, String name, Vnode v, int flags) {
        this.vfs = vfs;
        this.opener = opener;
        this.name = name;
        this.v = v;
        this.m = v.mount;
        this.flags = flags;
    }

    @Override
    public String name() {
        return name;
    }

    /** {@code O_DIRECT}: data bypasses the page cache. */
    private boolean direct() {
        return (flags & Sys.O_DIRECT) != 0;
    }

    /** {@code fcntl(F_GETFL)}: the access mode and the status flags given to {@code open} that stay with the file. */
    @Override
    public int statusFlags() {
        return flags & (Sys.O_ACCMODE | Sys.O_APPEND | Sys.O_DIRECT);
    }

    private void notDir() {
        if (Sys.isDir(v.mode)) {
            throw new KernelException(Errno.EISDIR, name, "is a directory");
        }
    }

    @Override
    public synchronized int read(byte[] buf, int off, int len) {
        notDir();
        int n = m.read(v.ino, position, buf, off, len, direct());
        position += n;
        return n;
    }

    @Override
    public int write(byte[] buf, int off, int len) {
        notDir();
        if ((flags & Sys.O_APPEND) != 0) {
            v.lock.lock();
            try {
                long end = m.size(v.ino);
                int n = m.write(v.ino, end, buf, off, len, direct());
                synchronized (this) {
                    position = end + n;
                }
                return n;
            } finally {
                v.lock.unlock();
            }
        }
        synchronized (this) {
            int n = m.write(v.ino, position, buf, off, len, direct());
            position += n;
            return n;
        }
    }

    @Override
    public int pread(byte[] buf, int off, int len, long pos) {
        notDir();
        return m.read(v.ino, pos, buf, off, len, direct());
    }

    @Override
    public int pwrite(byte[] buf, int off, int len, long pos) {
        notDir();
        return m.write(v.ino, pos, buf, off, len, direct());
    }

    @Override
    public synchronized long lseek(long offset, int whence) {
        long p = switch (whence) {
            case Sys.SEEK_SET -> offset;
            case Sys.SEEK_CUR -> position + offset;
            case Sys.SEEK_END -> m.size(v.ino) + offset;
            case Sys.SEEK_DATA, Sys.SEEK_HOLE -> {
                if (offset < 0) {
                    throw new KernelException(Errno.ENXIO, name, "negative offset " + offset);
                }
                yield m.seek(v.ino, offset, whence == Sys.SEEK_HOLE);
            }
            default -> throw new KernelException(Errno.EINVAL, name, "lseek whence " + whence);
        };
        if (p < 0) {
            throw new KernelException(Errno.EINVAL, name, "lseek to negative offset " + p);
        }
        position = p;
        return p;
    }

    @Override
    public Stat fstat() {
        return vfs.getattr(v.node());
    }

    @Override
    public StatFs fstatfs() {
        return vfs.statfs(m);
    }

    @Override
    public void ftruncate(long length) {
        if (Sys.isDir(v.mode) || !Sys.isReg(v.mode)) {
            throw new KernelException(Errno.EINVAL, name, "not a regular file");
        }
        if (m.readOnly) {
            throw new KernelException(Errno.EROFS, name, "read-only file system");
        }
        v.lock.lock();
        try {
            m.setattr(v.ino, SetAttr.size(length));
        } finally {
            v.lock.unlock();
        }
    }

    @Override
    public void fsync(boolean dataOnly) {
        if (!m.readOnly) {
            m.fsync(v.ino, dataOnly);
        }
    }

    @Override
    public synchronized int getdents(byte[] buf, int len) {
        if (!Sys.isDir(v.mode)) {
            throw new KernelException(Errno.ENOTDIR, name, "not a directory");
        }
        List<DirEntry> entries = m.fs.readdir(m.vol, v.ino, position, Math.max(1, len / 24));
        int at = 0;
        for (DirEntry e : entries) {
            int n = e.encode(buf, at, len);
            if (n == 0) {
                break;
            }
            at += n;
            position = e.next();
        }
        if (at == 0 && !entries.isEmpty()) {
            throw new KernelException(Errno.EINVAL, name, "buffer of " + len + " bytes too small for an entry");
        }
        return at;
    }

    @Override
    public void fchmod(int mode) {
        vfs.chmod(opener, v.node(), mode, name);
    }

    @Override
    public void fchown(int uid, int gid) {
        vfs.chown(opener, v.node(), uid, gid, name);
    }

    @Override
    public void release() {
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
        }
        v.release(true);
    }
}
