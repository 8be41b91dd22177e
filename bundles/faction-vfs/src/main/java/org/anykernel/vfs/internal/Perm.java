package org.anykernel.vfs.internal;

import org.anykernel.base.api.Credentials;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Stat;

/** Permission checks against a process's credentials, as POSIX says (the superuser passes all but exec). */
final class Perm {
    static final int R = 4;
    static final int W = 2;
    static final int X = 1;

    private Perm() {
    }

    /** Whether {@code c} may {@code want} ({@link #R}|{@link #W}|{@link #X}) the inode {@code st}. */
    static boolean allowed(Credentials c, Stat st, int want) {
        int mode = st.mode();
        if (c.isRoot()) {
            return (want & X) == 0 || st.isDirectory() || (mode & 0111) != 0;
        }
        int bits = c.uid() == st.uid() ? (mode >> 6) & 7 : c.inGroup(st.gid()) ? (mode >> 3) & 7 : mode & 7;
        return (bits & want) == want;
    }

    /** {@code EACCES} unless {@code c} may {@code want} {@code st}. */
    static void check(Credentials c, Stat st, int want, String what) {
        if (!allowed(c, st, want)) {
            throw new KernelException(Errno.EACCES, what, "permission denied (needs "
                    + ((want & R) != 0 ? "r" : "") + ((want & W) != 0 ? "w" : "") + ((want & X) != 0 ? "x" : "")
                    + ", mode " + Integer.toOctalString(st.perm()) + ", owner " + st.uid() + ":" + st.gid() + ")");
        }
    }

    /** {@code EPERM} unless {@code c} owns {@code st} or is the superuser. */
    static void owner(Credentials c, Stat st, String what) {
        if (!c.isRoot() && c.uid() != st.uid()) {
            throw new KernelException(Errno.EPERM, what, "not the owner");
        }
    }

    /** In a sticky directory only the owner of the entry or of the directory (or root) may remove or rename it. */
    static void sticky(Credentials c, Stat dir, Stat entry, String what) {
        if ((dir.mode() & org.anykernel.base.api.Sys.S_ISVTX) != 0 && !c.isRoot() && c.uid() != dir.uid()
                && c.uid() != entry.uid()) {
            throw new KernelException(Errno.EPERM, what, "sticky directory: not the owner");
        }
    }
}
