package org.anykernel.drivers.fs.ext2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Stat;
import org.anykernel.base.api.Sys;
import org.anykernel.base.spi.OpenFile;

/** A host file as a device: positional reads and writes on a FileChannel, fsync as force. Read-only refuses writes. */
final class ImageFile implements OpenFile, AutoCloseable {
    private final Path path;
    private final FileChannel ch;
    private final boolean readOnly;
    final AtomicLong reads = new AtomicLong();
    final AtomicLong writes = new AtomicLong();
    final AtomicLong writeAttempts = new AtomicLong();
    final AtomicLong syncs = new AtomicLong();

    ImageFile(Path path, boolean readOnly) throws IOException {
        this.path = path;
        this.readOnly = readOnly;
        this.ch = readOnly ? FileChannel.open(path, StandardOpenOption.READ)
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    static ImageFile rw(Path p) throws IOException {
        return new ImageFile(p, false);
    }

    static ImageFile ro(Path p) throws IOException {
        return new ImageFile(p, true);
    }

    @Override
    public String name() {
        return path.toString();
    }

    @Override
    public int pread(byte[] buf, int off, int len, long pos) {
        try {
            reads.incrementAndGet();
            int n = ch.read(ByteBuffer.wrap(buf, off, len), pos);
            return Math.max(n, 0);
        } catch (IOException e) {
            throw new KernelException(Errno.EIO, name(), e.toString());
        }
    }

    @Override
    public int pwrite(byte[] buf, int off, int len, long pos) {
        writeAttempts.incrementAndGet();
        if (readOnly) {
            throw new KernelException(Errno.EBADF, name(), "opened read-only");
        }
        try {
            writes.incrementAndGet();
            return ch.write(ByteBuffer.wrap(buf, off, len), pos);
        } catch (IOException e) {
            throw new KernelException(Errno.EIO, name(), e.toString());
        }
    }

    @Override
    public Stat fstat() {
        try {
            return new Stat(0, 0, Sys.S_IFREG | 0644, 1, 0, 0, 0, ch.size(), 4096, 0, 0, 0, 0);
        } catch (IOException e) {
            throw new KernelException(Errno.EIO, name(), e.toString());
        }
    }

    @Override
    public void fsync(boolean dataOnly) {
        try {
            syncs.incrementAndGet();
            ch.force(!dataOnly);
        } catch (IOException e) {
            throw new KernelException(Errno.EIO, name(), e.toString());
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
