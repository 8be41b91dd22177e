package org.anykernel.base.api;

/**
 * Syscall numbers and flag values. Numbers follow Linux x86_64, so traces read as users expect;
 * factions add theirs in their own constants classes, from the same numbering.
 */
public final class Sys {
    private Sys() {
    }

    public static final int READ = 0;
    public static final int WRITE = 1;
    public static final int OPEN = 2;
    public static final int CLOSE = 3;
    public static final int IOCTL = 16;
    public static final int DUP = 32;
    public static final int DUP2 = 33;
    public static final int GETPID = 39;
    public static final int UMASK = 95;
    public static final int GETUID = 102;
    public static final int GETGID = 104;

    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_ACCMODE = 3;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_TRUNC = 01000;
    public static final int O_APPEND = 02000;
    public static final int O_NONBLOCK = 04000;
    public static final int O_DIRECTORY = 0200000;
    public static final int O_NOFOLLOW = 0400000;

    /** The process may read through a descriptor opened with these flags. */
    public static boolean readable(int flags) {
        int mode = flags & O_ACCMODE;
        return mode == O_RDONLY || mode == O_RDWR;
    }

    /** The process may write through a descriptor opened with these flags. */
    public static boolean writable(int flags) {
        int mode = flags & O_ACCMODE;
        return mode == O_WRONLY || mode == O_RDWR;
    }
}
