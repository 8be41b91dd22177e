package org.anykernel.hw.internal;

import java.io.Closeable;
import java.io.IOException;

/**
 * A disk's non-volatile medium, addressed in bytes. Not thread-safe: the disk controller serialises every use.
 */
interface Backing extends Closeable {

    /** Reads {@code len} bytes at {@code pos}; bytes never written read as zeros. */
    void read(long pos, byte[] dst, int off, int len) throws IOException;

    /** Writes {@code len} bytes at {@code pos}. */
    void write(long pos, byte[] src, int off, int len) throws IOException;

    /** Makes {@code len} bytes at {@code pos} read as zeros, releasing their storage where the medium can. */
    void discard(long pos, long len) throws IOException;

    /** Forces written bytes to the host's storage (a no-op for memory). */
    void sync() throws IOException;

    /** Bytes of host storage in use (for statistics and tests); -1 when unknown. */
    long allocated();
}
