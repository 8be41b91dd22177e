package org.anykernel.base.spi;

import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.util.Set;

/**
 * The kernel's only way to the host, after rump's {@code rumpuser} interface: clock, threads, memory,
 * host files, entropy, console. Small and versioned; every call either returns or throws
 * {@link org.anykernel.base.api.KernelException} with an errno, never a host exception.
 */
public interface Hypercalls {

    /** The version of this interface the host implements. */
    int VERSION = 1;

    /** The version the host implements. */
    default int version() {
        return VERSION;
    }

    /** Monotonic clock, nanoseconds; only differences mean anything. */
    long monotonicNanos();

    /** Wall clock, milliseconds since the epoch. */
    long realtimeMillis();

    /**
     * A new started host thread running {@code body}; virtual when {@code virtual} is set.
     * A thread is a daemon: it never holds the JVM open.
     */
    Thread spawn(String name, boolean virtual, Runnable body);

    /** A zeroed block of host memory of {@code size} bytes; {@code ENOMEM} when the host has none. */
    byte[] allocate(int size);

    /** Fills {@code out} with bytes from the host's entropy source. */
    void entropy(byte[] out);

    /** Writes to the host console (standard output). */
    void consoleWrite(byte[] buf, int off, int len);

    /** Opens a host file; {@code ENOENT}, {@code EACCES}, {@code EIO} as the host says. */
    FileChannel openHostFile(String path, Set<? extends OpenOption> options);
}
