package org.anykernel.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Sys;

/**
 * A {@link FileChannel} over one kernel descriptor: {@code read}/{@code write} (buffers copied through a byte
 * array), {@code pread}/{@code pwrite}, {@code lseek}, {@code fstat}, {@code ftruncate}, {@code fsync}/
 * {@code fdatasync}. The file position is the descriptor's, kept by the kernel. Not supported:
 * {@link #map} and file locks ({@link UnsupportedOperationException}): the kernel has neither shared mappings
 * nor {@code fcntl} locks.
 */
final class AnykFileChannel extends FileChannel {
    private static final int CHUNK = 64 * 1024;

    private final Posix posix;
    private final int fd;
    private final String path;
    private final boolean readable;
    private final boolean writable;
    private final boolean append;
    /** 0, or {@code 1} fsync after each write, {@code 2} fdatasync after each write. */
    private final int sync;
    private final boolean deleteOnClose;

    AnykFileChannel(Posix posix, int fd, String path, int flags, int sync, boolean deleteOnClose) {
        this.posix = posix;
        this.fd = fd;
        this.path = path;
        this.readable = Sys.readable(flags);
        this.writable = Sys.writable(flags);
        this.append = (flags & Sys.O_APPEND) != 0;
        this.sync = sync;
        this.deleteOnClose = deleteOnClose;
    }

    /** The kernel descriptor behind the channel. */
    int fd() {
        return fd;
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    private void ensureReadable() throws ClosedChannelException {
        ensureOpen();
        if (!readable) {
            throw new NonReadableChannelException();
        }
    }

    private void ensureWritable() throws ClosedChannelException {
        ensureOpen();
        if (!writable) {
            throw new NonWritableChannelException();
        }
    }

    private IOException fail(KernelException e) {
        if (!isOpen()) {
            return new ClosedChannelException();
        }
        return Errors.map(e, path, null);
    }

    private void synced() {
        if (sync == 1) {
            posix.fsync(fd);
        } else if (sync == 2) {
            posix.fdatasync(fd);
        }
    }

    /** Reads into {@code dst} at {@code pos} ({@code -1}: at the file position); -1 at end of file. */
    private int readInto(ByteBuffer dst, long pos) throws IOException {
        ensureReadable();
        int want = dst.remaining();
        if (want == 0) {
            return 0;
        }
        boolean heap = dst.hasArray() && !dst.isReadOnly();
        byte[] buf = heap ? dst.array() : new byte[Math.min(want, CHUNK)];
        int off = heap ? dst.arrayOffset() + dst.position() : 0;
        int len = heap ? want : buf.length;
        int n;
        try {
            n = pos < 0 ? posix.read(fd, buf, off, len) : posix.pread(fd, buf, off, len, pos);
        } catch (KernelException e) {
            throw fail(e);
        }
        if (n <= 0) {
            return -1;
        }
        if (heap) {
            dst.position(dst.position() + n);
        } else {
            dst.put(buf, 0, n);
        }
        return n;
    }

    /** Writes all of {@code src} at {@code pos} ({@code -1}: at the file position). */
    private int writeFrom(ByteBuffer src, long pos) throws IOException {
        ensureWritable();
        int total = 0;
        try {
            while (src.hasRemaining()) {
                int n;
                if (src.hasArray()) {
                    int off = src.arrayOffset() + src.position();
                    int len = src.remaining();
                    n = pos < 0 ? posix.write(fd, src.array(), off, len)
                            : posix.pwrite(fd, src.array(), off, len, pos + total);
                    if (n <= 0) {
                        break;
                    }
                    src.position(src.position() + n);
                } else {
                    byte[] buf = new byte[Math.min(src.remaining(), CHUNK)];
                    src.mark();
                    src.get(buf);
                    n = pos < 0 ? posix.write(fd, buf, 0, buf.length) : posix.pwrite(fd, buf, 0, buf.length, pos + total);
                    src.reset();
                    if (n <= 0) {
                        break;
                    }
                    src.position(src.position() + n);
                }
                total += n;
            }
            if (total > 0) {
                synced();
            }
        } catch (KernelException e) {
            throw fail(e);
        }
        return total;
    }

    @Override
    public synchronized int read(ByteBuffer dst) throws IOException {
        return readInto(dst, -1);
    }

    @Override
    public synchronized long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, dsts.length);
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            ByteBuffer b = dsts[i];
            while (b.hasRemaining()) {
                int n = readInto(b, -1);
                if (n < 0) {
                    return total == 0 ? -1 : total;
                }
                total += n;
            }
        }
        return total;
    }

    @Override
    public synchronized int write(ByteBuffer src) throws IOException {
        return writeFrom(src, -1);
    }

    @Override
    public synchronized long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, srcs.length);
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += writeFrom(srcs[i], -1);
        }
        return total;
    }

    @Override
    public synchronized long position() throws IOException {
        ensureOpen();
        try {
            return append ? posix.fstat(fd).size() : posix.lseek(fd, 0, Sys.SEEK_CUR);
        } catch (KernelException e) {
            throw fail(e);
        }
    }

    @Override
    public synchronized FileChannel position(long newPosition) throws IOException {
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position " + newPosition);
        }
        ensureOpen();
        try {
            posix.lseek(fd, newPosition, Sys.SEEK_SET);
        } catch (KernelException e) {
            throw fail(e);
        }
        return this;
    }

    /** The file's length ({@code fstat}). */
    @Override
    public long size() throws IOException {
        ensureOpen();
        try {
            return posix.fstat(fd).size();
        } catch (KernelException e) {
            throw fail(e);
        }
    }

    /** Shortens the file to {@code size} ({@code ftruncate}) if it is longer; the position is kept at most size. */
    @Override
    public synchronized FileChannel truncate(long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
        ensureWritable();
        try {
            if (size < posix.fstat(fd).size()) {
                posix.ftruncate(fd, size);
            }
            if (!append && posix.lseek(fd, 0, Sys.SEEK_CUR) > size) {
                posix.lseek(fd, size, Sys.SEEK_SET);
            }
        } catch (KernelException e) {
            throw fail(e);
        }
        return this;
    }

    /** {@code fsync} with metadata, {@code fdatasync} without. */
    @Override
    public void force(boolean metaData) throws IOException {
        ensureOpen();
        try {
            if (metaData) {
                posix.fsync(fd);
            } else {
                posix.fdatasync(fd);
            }
        } catch (KernelException e) {
            throw fail(e);
        }
    }

    /** A {@code pread} loop into {@code target}; this channel's position does not move. */
    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        if (position < 0 || count < 0) {
            throw new IllegalArgumentException("negative position or count");
        }
        ensureReadable();
        long total = 0;
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(count, 1)));
        while (total < count) {
            buf.clear().limit((int) Math.min(buf.capacity(), count - total));
            int n = readInto(buf, position + total);
            if (n <= 0) {
                break;
            }
            buf.flip();
            while (buf.hasRemaining()) {
                if (target.write(buf) <= 0 && buf.hasRemaining()) {
                    return total + buf.position();
                }
            }
            total += n;
        }
        return total;
    }

    /** A {@code pwrite} loop from {@code src}; nothing is transferred at a position beyond the end of the file. */
    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        if (position < 0 || count < 0) {
            throw new IllegalArgumentException("negative position or count");
        }
        ensureWritable();
        if (position > size()) {
            return 0;
        }
        long total = 0;
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(count, 1)));
        while (total < count) {
            buf.clear().limit((int) Math.min(buf.capacity(), count - total));
            int n = src.read(buf);
            if (n <= 0) {
                break;
            }
            buf.flip();
            total += writeFrom(buf, position + total);
        }
        return total;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position);
        }
        return readInto(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position);
        }
        return writeFrom(src, position);
    }

    /** Not supported: the kernel has no shared mappings. */
    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) {
        throw new UnsupportedOperationException("map: anyk: files cannot be mapped");
    }

    /** Not supported: the kernel has no file locks. */
    @Override
    public FileLock lock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException("lock: the kernel has no file locks");
    }

    /** Not supported: the kernel has no file locks. */
    @Override
    public FileLock tryLock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException("tryLock: the kernel has no file locks");
    }

    /** Closes the descriptor, then unlinks the file for {@code DELETE_ON_CLOSE}. */
    @Override
    protected void implCloseChannel() throws IOException {
        try {
            posix.close(fd);
            if (deleteOnClose) {
                try {
                    posix.unlink(path);
                } catch (KernelException e) {
                    if (e.errno() != Errno.ENOENT) {
                        throw e;
                    }
                }
            }
        } catch (KernelException e) {
            throw Errors.map(e, path, null);
        }
    }

    @Override
    public String toString() {
        return "AnykFileChannel[fd " + fd + ", " + path + "]";
    }
}
