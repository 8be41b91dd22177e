package org.anykernel.base.spi;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;

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

    /** A control request. */
    default long ioctl(long request, long arg) {
        throw KernelException.of(Errno.ENOTTY, name());
    }

    /** Called once, when the last descriptor referring to this open file is closed. */
    default void release() {
    }
}
