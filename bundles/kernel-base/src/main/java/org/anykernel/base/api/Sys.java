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
    public static final int STAT = 4;
    public static final int FSTAT = 5;
    public static final int LSTAT = 6;
    public static final int LSEEK = 8;
    public static final int IOCTL = 16;
    public static final int PREAD = 17;
    public static final int PWRITE = 18;
    public static final int DUP = 32;
    public static final int DUP2 = 33;
    public static final int GETPID = 39;
    public static final int FSYNC = 74;
    public static final int FDATASYNC = 75;
    public static final int TRUNCATE = 76;
    public static final int FTRUNCATE = 77;
    public static final int GETCWD = 79;
    public static final int CHDIR = 80;
    public static final int RENAME = 82;
    public static final int MKDIR = 83;
    public static final int RMDIR = 84;
    public static final int LINK = 86;
    public static final int UNLINK = 87;
    public static final int SYMLINK = 88;
    public static final int READLINK = 89;
    public static final int CHMOD = 90;
    public static final int FCHMOD = 91;
    public static final int CHOWN = 92;
    public static final int FCHOWN = 93;
    public static final int LCHOWN = 94;
    public static final int UMASK = 95;
    public static final int GETUID = 102;
    public static final int GETGID = 104;
    public static final int STATFS = 137;
    public static final int FSTATFS = 138;
    public static final int SYNC = 162;
    public static final int MOUNT = 165;
    public static final int UMOUNT2 = 166;
    public static final int GETDENTS64 = 217;
    /** {@code utimensat(AT_FDCWD, path, times, flags)} reduced to a path, two times in ns and flags. */
    public static final int UTIMENSAT = 280;

    /** {@code poll(fds, nfds, timeout)}: {@code fds} holds {@code struct pollfd}s (int fd, short events, short revents, little-endian). */
    public static final int POLL = 7;
    /** {@code fcntl(fd, cmd, arg)}: {@link #F_GETFL} and {@link #F_SETFL} ({@link #O_NONBLOCK}). */
    public static final int FCNTL = 72;
    public static final int SOCKET = 41;
    /** {@code connect(fd, sockaddr)}: the address's length is its buffer's. */
    public static final int CONNECT = 42;
    /** {@code accept(fd, sockaddr)}: the peer's address is written to the buffer unless it is empty. */
    public static final int ACCEPT = 43;
    /** {@code sendto(fd, buf, off, len, flags, sockaddr)}: an empty address for a connected socket. */
    public static final int SENDTO = 44;
    /** {@code recvfrom(fd, buf, off, len, flags, sockaddr)}: the sender is written to the address unless it is empty. */
    public static final int RECVFROM = 45;
    public static final int SHUTDOWN = 48;
    public static final int BIND = 49;
    public static final int LISTEN = 50;
    /** {@code getsockname(fd, sockaddr out)}: returns the address's length. */
    public static final int GETSOCKNAME = 51;
    public static final int GETPEERNAME = 52;
    /** {@code setsockopt(fd, level, name, value)}: an int (4 bytes, little-endian), or a {@code struct linger}. */
    public static final int SETSOCKOPT = 54;
    /** {@code getsockopt(fd, level, name, out)}: returns the value's length. */
    public static final int GETSOCKOPT = 55;
    /** {@code accept4(fd, sockaddr, flags)} ({@link #O_NONBLOCK}). */
    public static final int ACCEPT4 = 288;
    /**
     * {@code netctl(command, out)}, this kernel's own: network configuration as text ({@code "ifconfig eth0
     * 10.0.0.1/24 up"}, {@code "route add default 10.0.0.254"}), what rump kernels' {@code rump_pub_netconfig_*}
     * do; writes the command's output to {@code out} and returns its whole length (call again with a larger buffer
     * when that is more than {@code out} holds).
     */
    public static final int NETCTL = 500;

    public static final int F_GETFL = 3;
    public static final int F_SETFL = 4;

    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_ACCMODE = 3;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_TRUNC = 01000;
    public static final int O_APPEND = 02000;
    public static final int O_NONBLOCK = 04000;
    /**
     * File data bypasses the page cache (Linux's value): for a copy that reads or writes a file once. Unlike Linux,
     * no alignment of buffers, offsets or lengths is asked; a file system without a page cache (tmpfs) ignores it.
     */
    public static final int O_DIRECT = 040000;
    public static final int O_DIRECTORY = 0200000;
    public static final int O_NOFOLLOW = 0400000;

    public static final int SEEK_SET = 0;
    public static final int SEEK_CUR = 1;
    public static final int SEEK_END = 2;
    public static final int SEEK_DATA = 3;
    public static final int SEEK_HOLE = 4;

    /** {@code umount2} flags. */
    public static final int MNT_FORCE = 1;
    public static final int MNT_DETACH = 2;
    /** {@code mount} flags. */
    public static final int MS_RDONLY = 1;
    /** {@code utimensat} flag: do not follow a final symbolic link. */
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;
    /** {@code utimensat} time value: leave this time as it is. */
    public static final long UTIME_OMIT = (1L << 30) - 2;
    /** {@code utimensat} time value: set this time to now. */
    public static final long UTIME_NOW = (1L << 30) - 1;

    /** File type bits of a mode. */
    public static final int S_IFMT = 0170000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFIFO = 0010000;
    public static final int S_ISUID = 04000;
    public static final int S_ISGID = 02000;
    public static final int S_ISVTX = 01000;

    /** Directory entry types ({@code d_type}). */
    public static final int DT_UNKNOWN = 0;
    public static final int DT_FIFO = 1;
    public static final int DT_CHR = 2;
    public static final int DT_DIR = 4;
    public static final int DT_BLK = 6;
    public static final int DT_REG = 8;
    public static final int DT_LNK = 10;
    public static final int DT_SOCK = 12;

    /** The {@code d_type} of a mode. */
    public static int dtype(int mode) {
        return (mode & S_IFMT) >>> 12;
    }

    /** Whether {@code mode} is a directory's. */
    public static boolean isDir(int mode) {
        return (mode & S_IFMT) == S_IFDIR;
    }

    /** Whether {@code mode} is a regular file's. */
    public static boolean isReg(int mode) {
        return (mode & S_IFMT) == S_IFREG;
    }

    /** Whether {@code mode} is a symbolic link's. */
    public static boolean isLink(int mode) {
        return (mode & S_IFMT) == S_IFLNK;
    }

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
