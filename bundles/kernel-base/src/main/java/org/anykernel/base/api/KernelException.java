package org.anykernel.base.api;

/**
 * The one way a kernel boundary reports failure: an {@link Errno} and a message that names the
 * thing ({@code "ENOENT: /dev/nope: no such device"}). Unchecked, so that service interfaces keep
 * clean signatures and a front can raise it from any method.
 */
public class KernelException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Errno errno;

    /** An error about {@code what} (a path, a field, a device), described by {@code detail}. */
    public KernelException(Errno errno, String what, String detail) {
        this(errno, what + ": " + detail, (Throwable) null);
    }

    /** An error with a message already naming the thing. */
    public KernelException(Errno errno, String message) {
        this(errno, message, (Throwable) null);
    }

    /** An error caused by another throwable (a driver fault, a host failure). */
    public KernelException(Errno errno, String message, Throwable cause) {
        super(errno.name() + ": " + message, cause);
        this.errno = errno;
    }

    /** The error number. */
    public Errno errno() {
        return errno;
    }

    /** Shorthand: {@code throw KernelException.of(Errno.EBADF, "fd 7")}. */
    public static KernelException of(Errno errno, String what) {
        return new KernelException(errno, what, errno.description());
    }
}
