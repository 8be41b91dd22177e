package org.anykernel.vfs.internal;

/**
 * A name resolved to an inode: the mount it is on, its number there and its type bits. Cheap and transient:
 * what lives on (with a reference count) is a {@link Vnode}, made when a node is opened.
 */
record Node(Mount mount, long ino, int mode) {
    boolean isDir() {
        return org.anykernel.base.api.Sys.isDir(mode);
    }

    boolean isLink() {
        return org.anykernel.base.api.Sys.isLink(mode);
    }

    /** Same inode (the mode may differ in what was known of it). */
    boolean same(Node o) {
        return o != null && o.mount == mount && o.ino == ino;
    }
}
