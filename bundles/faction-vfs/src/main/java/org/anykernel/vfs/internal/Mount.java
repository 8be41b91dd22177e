package org.anykernel.vfs.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.anykernel.base.spi.OpenFile;
import org.anykernel.vfs.api.FileSystem;

/**
 * One mounted volume: the driver and its volume handle, where it is mounted, and its open vnodes (inode number →
 * vnode with a reference count), which is what makes it busy.
 */
final class Mount {
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
    volatile boolean gone;

    Mount(int id, FileSystem fs, String type, long vol, String source, boolean readOnly, long flags, OpenFile device,
          Node covered, long rootIno, String path) {
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
