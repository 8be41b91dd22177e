package org.anykernel.vfs.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.anykernel.base.api.Grant;
import org.anykernel.base.spi.OpenFile;
import org.anykernel.vfs.api.FileSystem;

/**
 * One mounted volume: the driver and its volume handle, where it is mounted, and its open vnodes (inode number →
 * vnode with a reference count), which is what makes it busy.
 */
final class Mount {
    /**
     * Transfers of this many bytes or more go to a volume without a page cache as a {@link Grant} of the caller's
     * buffer (an isolated driver fills it in place); smaller ones as an array, copied in and out by an isolated
     * domain's front as before (a few KiB; not measured against a grant).
     */
    static final int GRANT_MIN = 16 * 1024;

    final int id;
    final FileSystem fs;
    final String type;
    final long vol;
    final String source;
    final boolean readOnly;
    final long flags;
    /** The device it was mounted from, closed after the driver unmounts; null for a file system that needs none. */
    final OpenFile device;
    /** The directory it covers, null for the root. */
    final Node covered;
    final long rootIno;
    /** Where it is mounted, canonical. */
    final String path;
    final Map<Long, Vnode> open = new ConcurrentHashMap<>();
    /** The page cache for its file data, or null (a file system that needs no device is memory already). */
    final PageCache cache;
    volatile boolean gone;

    Mount(int id, FileSystem fs, String type, long vol, String source, boolean readOnly, long flags, OpenFile device,
          Node covered, long rootIno, String path, PageCache cache) {
        this.id = id;
        this.fs = fs;
        this.type = type;
        this.vol = vol;
        this.source = source;
        this.readOnly = readOnly;
        this.flags = flags;
        this.device = device;
        this.covered = covered;
        this.rootIno = rootIno;
        this.path = path;
        this.cache = cache;
    }

    /** The file's size, with what the page cache holds of it that the driver has not seen yet. */
    long size(long ino) {
        long s = cache == null ? -1 : cache.size(this, ino);
        return s >= 0 ? s : fs.getattr(vol, ino).size();
    }

    /**
     * Reads file data, through the page cache if the volume has one and not {@code direct} ({@code O_DIRECT}); a
     * transfer of {@link #GRANT_MIN} bytes or more the driver does into the caller's buffer lent as a {@link Grant}.
     */
    int read(long ino, long pos, byte[] buf, int off, int len, boolean direct) {
        if (cache != null) {
            return cache.read(this, ino, pos, buf, off, len, direct);
        }
        if (len < GRANT_MIN) {
            return fs.read(vol, ino, pos, buf, off, len);
        }
        try (Grant g = Grant.lend(buf, off, len, true)) {
            return fs.read(vol, ino, pos, g);
        }
    }

    /** Writes file data, through the page cache if the volume has one and not {@code direct} ({@code O_DIRECT}). */
    int write(long ino, long pos, byte[] buf, int off, int len, boolean direct) {
        if (cache != null) {
            return cache.write(this, ino, pos, buf, off, len, direct);
        }
        if (len < GRANT_MIN) {
            return fs.write(vol, ino, pos, buf, off, len);
        }
        try (Grant g = Grant.lend(buf, off, len, false)) {
            return fs.write(vol, ino, pos, g);
        }
    }

    /** Changes attributes: what is cached goes to the driver first, so it cannot undo the change later. */
    org.anykernel.base.api.Stat setattr(long ino, org.anykernel.vfs.api.SetAttr a) {
        if (cache != null) {
            if (a.size() != null) {
                cache.settle(this, ino);
            } else {
                cache.writeBack(this, ino);
            }
        }
        return fs.setattr(vol, ino, a);
    }

    /** {@code SEEK_DATA}/{@code SEEK_HOLE}, on what the driver has once the cache has written back. */
    long seek(long ino, long pos, boolean hole) {
        if (cache != null) {
            cache.settle(this, ino);
        }
        return fs.seek(vol, ino, pos, hole);
    }

    /** {@code fsync}: the cache's dirty pages, then the driver. */
    void fsync(long ino, boolean dataOnly) {
        if (cache != null) {
            cache.writeBack(this, ino);
        }
        fs.fsync(vol, ino, dataOnly);
    }

    /** An inode that may just have lost its last name: if the driver freed it, its cached pages go. */
    void maybeFreed(long ino) {
        if (cache == null || open.containsKey(ino)) {
            return;
        }
        boolean freed;
        try {
            freed = fs.getattr(vol, ino).nlink() == 0;
        } catch (org.anykernel.base.api.KernelException e) {
            freed = true;
        }
        if (freed) {
            cache.forget(this, ino);
        }
    }

    /** The volume's root directory. */
    Node root() {
        return new Node(this, rootIno, org.anykernel.base.api.Sys.S_IFDIR);
    }

    @Override
    public String toString() {
        return source + " on " + path + " type " + type + (readOnly ? " (ro)" : " (rw)");
    }
}
