package org.anykernel.vfs.internal;

import java.util.concurrent.locks.ReentrantLock;

/**
 * An inode some open file refers to: counted, so the driver hears {@code open} at the first reference and
 * {@code close} at the last (an unlinked file lives until then). Its lock orders appends and size changes made
 * through the VFS.
 */
final class Vnode {
    final Mount mount;
    final long ino;
    final int mode;
    final ReentrantLock lock = new ReentrantLock();
    /** Guarded by the mount's open map (compute). */
    int refs;

    Vnode(Mount mount, long ino, int mode) {
        this.mount = mount;
        this.ino = ino;
        this.mode = mode;
    }

    /** Takes a reference to the vnode of {@code n}, telling the driver at the first one. */
    static Vnode acquire(Node n) {
        Mount m = n.mount();
        boolean[] first = new boolean[1];
        Vnode v = m.open.compute(n.ino(), (k, old) -> {
            Vnode cur = old == null ? new Vnode(m, n.ino(), n.mode()) : old;
            first[0] = cur.refs == 0;
            cur.refs++;
            return cur;
        });
        if (first[0]) {
            try {
                m.fs.open(m.vol, n.ino());
            } catch (RuntimeException e) {
                v.release(false);
                throw e;
            }
        }
        return v;
    }

    /** Drops a reference; at the last one the driver hears {@code close} (unless {@code tell} is false). */
    void release(boolean tell) {
        boolean[] last = new boolean[1];
        mount.open.computeIfPresent(ino, (k, cur) -> {
            cur.refs--;
            last[0] = cur.refs == 0;
            return cur.refs == 0 ? null : cur;
        });
        if (last[0] && tell && !mount.gone) {
            boolean unlinked = mount.cache != null && mount.fs.getattr(mount.vol, ino).nlink() == 0;
            mount.fs.close(mount.vol, ino);
            if (unlinked) {
                mount.cache.forget(mount, ino);
            }
        }
    }

    Node node() {
        return new Node(mount, ino, mode);
    }
}
