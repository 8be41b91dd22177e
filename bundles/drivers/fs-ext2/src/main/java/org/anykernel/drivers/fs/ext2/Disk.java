package org.anykernel.drivers.fs.ext2;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.spi.OpenFile;

/**
 * The device under one volume: whole-range reads and writes at byte offsets (short transfers retried, a zero-length
 * one is {@code EIO}), and the flush. It owns the read-only guarantee: a volume mounted read-only cannot write
 * through it, whatever a bug above tries.
 */
final class Disk {
    private final OpenFile dev;
    private final String source;
    private final long size;
    private volatile boolean readOnly;

    Disk(OpenFile dev, String source, boolean readOnly) {
        this.dev = dev;
        this.source = source;
        this.readOnly = readOnly;
        long s;
        try {
            s = dev.fstat().size();
        } catch (KernelException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new KernelException(Errno.EIO, source + ": cannot get the device size: " + e, e);
        }
        if (s <= 0) {
            throw new KernelException(Errno.EINVAL, source + ": empty device");
        }
        this.size = s;
    }

    long size() {
        return size;
    }

    String source() {
        return source;
    }

    boolean readOnly() {
        return readOnly;
    }

    /** Lets writes through (a read-write mount, once the superblock said it may be one). */
    void allowWrites() {
        readOnly = false;
    }

    void read(long pos, byte[] buf, int off, int len) {
        if (pos < 0 || pos + len > size) {
            throw new KernelException(Errno.EIO, source + ": read of " + len + " bytes at " + pos + " beyond the device");
        }
        int done = 0;
        while (done < len) {
            int n;
            try {
                n = dev.pread(buf, off + done, len - done, pos + done);
            } catch (KernelException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new KernelException(Errno.EIO, source + ": read at " + (pos + done) + ": " + e, e);
            }
            if (n <= 0) {
                throw new KernelException(Errno.EIO, source + ": short read at " + (pos + done));
            }
            done += n;
        }
    }

    void write(long pos, byte[] buf, int off, int len) {
        if (readOnly) {
            throw new KernelException(Errno.EROFS, source + ": write at " + pos + " on a read-only volume");
        }
        if (pos < 0 || pos + len > size) {
            throw new KernelException(Errno.EIO, source + ": write of " + len + " bytes at " + pos + " beyond the device");
        }
        int done = 0;
        while (done < len) {
            int n;
            try {
                n = dev.pwrite(buf, off + done, len - done, pos + done);
            } catch (KernelException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new KernelException(Errno.EIO, source + ": write at " + (pos + done) + ": " + e, e);
            }
            if (n <= 0) {
                throw new KernelException(Errno.EIO, source + ": short write at " + (pos + done));
            }
            done += n;
        }
    }

    void flush() {
        if (readOnly) {
            return;
        }
        try {
            dev.fsync(false);
        } catch (KernelException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new KernelException(Errno.EIO, source + ": fsync: " + e, e);
        }
    }
}
