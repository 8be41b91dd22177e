package org.anykernel.base.api;

/**
 * The typed syscall API for local clients, bound to one process. Every method is a thin stub over
 * {@link #syscall}, dispatch by number, which is also what a remote client sends: there is one path
 * into the kernel, whatever the client.
 */
public interface Posix {

    /**
     * Invokes syscall {@code number} with its arguments ({@code Integer}, {@code Long}, {@code String}
     * or {@code byte[]}, as the syscall's signature says).
     *
     * @return the syscall's result (a count, a descriptor, a value)
     * @throws KernelException {@code ENOSYS} for an unknown number, {@code EINVAL} for arguments of the wrong
     *                         kind, or whatever the syscall reports
     */
    long syscall(int number, Object... args);

    /** The process id. */
    default int getpid() {
        return (int) syscall(Sys.GETPID);
    }

    /** Opens {@code path} and returns the lowest free descriptor. */
    default int open(String path, int flags, int mode) {
        return (int) syscall(Sys.OPEN, path, flags, mode);
    }

    /** {@code open(path, flags, 0)}. */
    default int open(String path, int flags) {
        return open(path, flags, 0);
    }

    /** Reads up to {@code len} bytes into {@code buf[off..]}; 0 at end of file. */
    default int read(int fd, byte[] buf, int off, int len) {
        return (int) syscall(Sys.READ, fd, buf, off, len);
    }

    /** Reads up to {@code buf.length} bytes. */
    default int read(int fd, byte[] buf) {
        return read(fd, buf, 0, buf.length);
    }

    /** Writes {@code len} bytes from {@code buf[off..]}; returns how many were taken. */
    default int write(int fd, byte[] buf, int off, int len) {
        return (int) syscall(Sys.WRITE, fd, buf, off, len);
    }

    /** Writes all of {@code buf}. */
    default int write(int fd, byte[] buf) {
        return write(fd, buf, 0, buf.length);
    }

    /** A device control request. */
    default long ioctl(int fd, long request, long arg) {
        return syscall(Sys.IOCTL, fd, request, arg);
    }

    /** Closes a descriptor. */
    default void close(int fd) {
        syscall(Sys.CLOSE, fd);
    }

    /** A new descriptor for the same open file. */
    default int dup(int fd) {
        return (int) syscall(Sys.DUP, fd);
    }

    /** Makes {@code newfd} refer to the open file of {@code oldfd}. */
    default int dup2(int oldfd, int newfd) {
        return (int) syscall(Sys.DUP2, oldfd, newfd);
    }

    /** Sets the file creation mask and returns the old one. */
    default int umask(int mask) {
        return (int) syscall(Sys.UMASK, mask);
    }

    /** The real user id. */
    default int getuid() {
        return (int) syscall(Sys.GETUID);
    }
}
