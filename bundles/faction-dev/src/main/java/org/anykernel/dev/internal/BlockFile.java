package org.anykernel.dev.internal;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Stat;
import org.anykernel.base.api.Sys;
import org.anykernel.base.spi.OpenFile;
import org.anykernel.dev.api.BlockDevice;
import org.anykernel.dev.api.BlockInfo;
import org.anykernel.dev.api.Ioctls;

/**
 * An open block device ({@code /dev/sd0}): bytes at the open file's position, which reads and writes advance
 * (descriptors made by {@code dup} share it), or at
 * explicit offsets ({@code pread}, {@code pwrite}: what a file system driver uses). Partial sectors are read,
 * merged and written back; every device call moves at most {@link #CHUNK_SECTORS} sectors, so an isolated driver
 * copies at most that much per call. Reads end (0) at the end of the device; writes there fail with
 * {@code ENOSPC}; a transfer that fails midway returns what was done.
 */
final class BlockFile implements OpenFile {
    /** Sectors per device call. */
    static final int CHUNK_SECTORS = 2048;

    private final String name;
    private final BlockDevice device;
    private final BlockInfo info;
    private long position;

    private BlockFile(String name, BlockDevice device, BlockInfo info) {
        this.name = name;
        this.device = device;
        this.info = info;
    }

    /** Opens {@code device}; {@code EROFS} for writing to a read-only one. */
    static BlockFile open(String path, BlockDevice device, int flags) {
        BlockInfo info = device.info();
        if (Sys.writable(flags) && info.readOnly()) {
            throw new KernelException(Errno.EROFS, path, "read-only block device");
        }
        return new BlockFile(path, device, info);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized int read(byte[] buf, int off, int len) {
        int n = pread(buf, off, len, position);
        position += n;
        return n;
    }

    @Override
    public synchronized int write(byte[] buf, int off, int len) {
        int n = pwrite(buf, off, len, position);
        position += n;
        return n;
    }

    @Override
    public int pread(byte[] buf, int off, int len, long pos) {
        long size = info.sizeBytes();
        if (len == 0 || pos >= size) {
            return 0;
        }
        int ss = info.sectorSize();
        return transfer(pos, (int) Math.min(len, size - pos), (chunk, sector, sectors, within, count, done) -> {
            if (within == 0 && count == sectors * ss) {
                device.read(sector, buf, off + done, sectors); // whole sectors: straight into the caller's buffer
            } else {
                device.read(sector, chunk, 0, sectors);
                System.arraycopy(chunk, within, buf, off + done, count);
            }
        });
    }

    @Override
    public int pwrite(byte[] buf, int off, int len, long pos) {
        long size = info.sizeBytes();
        if (len == 0) {
            return 0;
        }
        if (pos >= size) {
            throw new KernelException(Errno.ENOSPC, name, "at the end of the device (" + size + " bytes)");
        }
        int ss = info.sectorSize();
        return transfer(pos, (int) Math.min(len, size - pos), (chunk, sector, sectors, within, count, done) -> {
            if (within == 0 && count == sectors * ss) {
                device.write(sector, buf, off + done, sectors, false);
                return;
            }
            device.read(sector, chunk, 0, sectors); // a partial sector: merge into what is there
            System.arraycopy(buf, off + done, chunk, within, count);
            device.write(sector, chunk, 0, sectors, false);
        });
    }

    @Override
    public synchronized long lseek(long offset, int whence) {
        long base = switch (whence) {
            case Sys.SEEK_SET -> 0;
            case Sys.SEEK_CUR -> position;
            case Sys.SEEK_END -> info.sizeBytes();
            default -> throw new KernelException(Errno.EINVAL, name, "lseek whence " + whence);
        };
        long p = base + offset;
        if (p < 0) {
            throw new KernelException(Errno.EINVAL, name, "lseek to negative offset " + p);
        }
        position = p;
        return p;
    }

    @Override
    public Stat fstat() {
        long now = System.currentTimeMillis() * 1_000_000L;
        return new Stat(0, 0, Sys.S_IFBLK | (info.readOnly() ? 0444 : 0660), 1, 0, 0, 0, info.sizeBytes(),
                info.sectorSize(), 0, now, now, now);
    }

    @Override
    public void fsync(boolean dataOnly) {
        device.flush();
    }

    /** One piece of a transfer: {@code count} bytes at {@code within} of sectors {@code [sector, sector+sectors)}. */
    private interface Step {
        void run(byte[] chunk, long sector, int sectors, int within, int count, int done);
    }

    /**
     * Walks {@code n} bytes from {@code start} in pieces of whole sectors (at most {@code CHUNK_SECTORS}); partial
     * sectors go through a buffer of the call's own. A failure after some bytes ends the transfer short, as POSIX
     * read and write do; a failure before any is the caller's error.
     */
    private int transfer(long start, int n, Step step) {
        int ss = info.sectorSize();
        byte[] chunk = null;
        int done = 0;
        try {
            while (done < n) {
                long pos = start + done;
                int within = (int) (pos % ss);
                int sectors = (int) Math.min(CHUNK_SECTORS, ((long) within + (n - done) + ss - 1) / ss);
                int count = Math.min(sectors * ss - within, n - done);
                if ((within != 0 || count != sectors * ss) && (chunk == null || chunk.length < sectors * ss)) {
                    chunk = new byte[sectors * ss]; // only partial sectors go through a buffer of the call's own
                }
                step.run(chunk, pos / ss, sectors, within, count, done);
                done += count;
            }
        } catch (KernelException e) {
            if (done == 0) {
                throw e;
            }
        }
        return done;
    }

    @Override
    public long ioctl(long request, long arg) {
        if (request == Ioctls.BLKGETSIZE64) {
            return info.sizeBytes();
        }
        if (request == Ioctls.BLKSSZGET) {
            return info.sectorSize();
        }
        if (request == Ioctls.BLKROGET) {
            return info.readOnly() ? 1 : 0;
        }
        if (request == Ioctls.BLKFLSBUF) {
            device.flush();
            return 0;
        }
        throw new KernelException(Errno.ENOTTY, name, "no ioctl 0x" + Long.toHexString(request));
    }
}
