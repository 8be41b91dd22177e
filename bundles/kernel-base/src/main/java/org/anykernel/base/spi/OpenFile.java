package org.anykernel.base.spi;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Stat;
import org.anykernel.base.api.StatFs;

/**
 * An open file as the descriptor table holds it. The base knows no files, devices or sockets: the
 * factions implement this. Each operation a kind of file does not support fails as POSIX says.
 */
public interface OpenFile {

    /** What this is, for diagnostics ({@code "/dev/zero"}). */
    String name();

    /** Reads up to {@code len} bytes into {@code buf[off..]}; 0 at end of file. */
    default int read(byte[] buf, int off, int len) {
        throw KernelException.of(Errno.EINVAL, name());
    }

    /** Writes up to {@code len} bytes from {@code buf[off..]}. */
    default int write(byte[] buf, int off, int len) {
        throw KernelException.of(Errno.EINVAL, name());
    }

    /** Reads at {@code pos} without moving the file position ({@code ESPIPE} where there is no position). */
    default int pread(byte[] buf, int off, int len, long pos) {
        throw KernelException.of(Errno.ESPIPE, name());
    }

    /** Writes at {@code pos} without moving the file position. */
    default int pwrite(byte[] buf, int off, int len, long pos) {
        throw KernelException.of(Errno.ESPIPE, name());
    }

    /** Moves the file position ({@code Sys.SEEK_*}); returns the new one. */
    default long lseek(long offset, int whence) {
        throw KernelException.of(Errno.ESPIPE, name());
    }

    /** What the file is. */
    default Stat fstat() {
        throw new KernelException(Errno.EOPNOTSUPP, name(), "no status");
    }

    /** The file system the file is on. */
    default StatFs fstatfs() {
        throw new KernelException(Errno.ENOSYS, name(), "not on a file system");
    }

    /** Sets the file's length. */
    default void ftruncate(long length) {
        throw new KernelException(Errno.EINVAL, name(), "cannot be truncated");
    }

    /** Makes what was written durable ({@code dataOnly}: the data and what is needed to read it back). */
    default void fsync(boolean dataOnly) {
        throw new KernelException(Errno.EINVAL, name(), "cannot be synchronized");
    }

    /** Reads directory entries as {@code linux_dirent64}s into {@code buf[0..len)}; 0 at the end. */
    default int getdents(byte[] buf, int len) {
        throw KernelException.of(Errno.ENOTDIR, name());
    }

    /** Sets the permission bits. */
    default void fchmod(int mode) {
        throw new KernelException(Errno.EPERM, name(), "permissions cannot be changed");
    }

    /** Sets owner and group (-1 leaves one unchanged). */
    default void fchown(int uid, int gid) {
        throw new KernelException(Errno.EPERM, name(), "owner cannot be changed");
    }

    /** A control request. */
    default long ioctl(long request, long arg) {
        throw KernelException.of(Errno.ENOTTY, name());
    }

    /**
     * The {@code POLL*} events (Linux numbers: 1 in, 4 out, 8 error, 0x10 hang-up) among {@code events} and the
     * conditions always reported that the file has now; it never waits. A file whose readiness can change notifies
     * {@link PollHub#changed()} when it does. Default: always readable and writable, as a regular file is.
     */
    default int poll(int events) {
        return events & (PollHub.POLLIN | PollHub.POLLOUT);
    }

    /** The status flags {@code fcntl(F_GETFL)} reports beyond the access mode ({@code O_NONBLOCK}, {@code O_APPEND}). */
    default int statusFlags() {
        return 0;
    }

    /** Sets the status flags {@code fcntl(F_SETFL)} may change; a file that has none ignores them. */
    default void setStatusFlags(int flags) {
    }

    /** Called once, when the last descriptor referring to this open file is closed. */
    default void release() {
    }
}
