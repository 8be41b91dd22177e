package org.anykernel.hw.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A medium in an image file. Only bytes the device was given are written, at their offsets, so holes of a
 * sparse image stay holes: a file the disk creates is one hole of the disk's size; bytes past the end of a
 * shorter existing file read as zeros and the file grows (with a hole) only when a write lands past its end.
 * A discard writes zeros only over bytes that are not zero already (Java cannot punch holes).
 */
final class FileBacking implements Backing {

    private static final int ZERO_SCAN = 64 * 1024;

    private final Path path;
    private final FileChannel ch;
    private final boolean readOnly;

    private FileBacking(Path path, FileChannel ch, boolean readOnly) {
        this.path = path;
        this.ch = ch;
        this.readOnly = readOnly;
    }

    /**
     * Opens the image file; when it does not exist and {@code createSize >= 0} (a writable disk of a given size),
     * creates it as a hole of {@code createSize} bytes (like {@code truncate -s}), so the image has the disk's
     * size and no block of it is allocated. An existing file keeps its length.
     *
     * @throws IOException naming the file
     */
    static FileBacking open(Path path, boolean readOnly, long createSize) throws IOException {
        if (!readOnly && createSize >= 0 && Files.notExists(path)) {
            try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
                raf.setLength(createSize);
            }
        }
        FileChannel ch;
        try {
            ch = readOnly ? FileChannel.open(path, StandardOpenOption.READ)
                    : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path.toString(), null, "no such file");
        }
        if (!Files.isRegularFile(path)) {
            ch.close();
            throw new IOException(path + ": not a regular file");
        }
        return new FileBacking(path, ch, readOnly);
    }

    /** The file's current length. */
    long length() throws IOException {
        return ch.size();
    }

    Path path() {
        return path;
    }

    @Override
    public void read(long pos, byte[] dst, int off, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(dst, off, len);
        while (bb.hasRemaining()) {
            int n = ch.read(bb, pos + (bb.position() - off));
            if (n < 0) {
                Arrays.fill(dst, bb.position(), off + len, (byte) 0);
                return;
            }
        }
    }

    @Override
    public void write(long pos, byte[] src, int off, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(src, off, len);
        while (bb.hasRemaining()) {
            ch.write(bb, pos + (bb.position() - off));
        }
    }

    @Override
    public void discard(long pos, long len) throws IOException {
        long end = Math.min(pos + len, ch.size());
        byte[] buf = new byte[(int) Math.min(ZERO_SCAN, Math.max(0, end - pos))];
        byte[] zeros = null;
        while (pos < end) {
            int n = (int) Math.min(buf.length, end - pos);
            read(pos, buf, 0, n);
            if (!MemoryBacking.isZero(buf, 0, n)) {
                if (zeros == null) {
                    zeros = new byte[buf.length];
                }
                write(pos, zeros, 0, n);
            }
            pos += n;
        }
    }

    @Override
    public void sync() throws IOException {
        if (!readOnly) {
            ch.force(false);
        }
    }

    @Override
    public long allocated() {
        return -1;
    }

    @Override
    public void close() throws IOException {
        try {
            sync();
        } finally {
            ch.close();
        }
    }
}
