package org.anykernel.hw.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A capture file in the classic pcap format, as {@code tshark -r} and {@code tcpdump -r} read it: a 24-byte global
 * header (magic {@code 0xa1b2c3d4} written little-endian, version 2.4, time zone 0, snaplen 65535, link type 1,
 * Ethernet), then per frame a 16-byte record header (seconds and microseconds of the wall clock, captured and original
 * length) and the frame's bytes.
 *
 * <p>Each record is written with one unbuffered {@code write} to the file, so a reader sees whole records while the
 * capture runs. An I/O error ends the capture (logged once, with the file's name).
 */
final class PcapWriter implements AutoCloseable {

    /** The magic number in the file's byte order. */
    static final int MAGIC = 0xa1b2c3d4;
    /** Link type Ethernet. */
    static final int LINKTYPE_ETHERNET = 1;
    /** Bytes of a frame kept at most. */
    static final int SNAPLEN = 65535;

    private static final Logger LOG = Logger.getLogger(PcapWriter.class.getName());

    private final Path file;
    private final FileChannel channel;
    private boolean closed; // guarded by this

    private PcapWriter(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /**
     * Creates (or truncates) {@code file} and writes the global header.
     *
     * @throws IllegalArgumentException naming the file when it cannot be created
     */
    static PcapWriter open(Path file) {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalArgumentException("pcap: cannot create " + file + ": " + e, e);
        }
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(MAGIC).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(SNAPLEN)
                .putInt(LINKTYPE_ETHERNET).flip();
        try {
            while (h.hasRemaining()) {
                ch.write(h);
            }
        } catch (IOException e) {
            try {
                ch.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IllegalArgumentException("pcap: cannot write " + file + ": " + e, e);
        }
        return new PcapWriter(file, ch);
    }

    /** The capture file. */
    Path file() {
        return file;
    }

    /** Appends one record for {@code frame}, stamped with the wall clock now. */
    void write(byte[] frame) {
        Instant now = Instant.now();
        int caplen = Math.min(frame.length, SNAPLEN);
        ByteBuffer b = ByteBuffer.allocate(16 + caplen).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt((int) now.getEpochSecond()).putInt(now.getNano() / 1000).putInt(caplen).putInt(frame.length)
                .put(frame, 0, caplen).flip();
        synchronized (this) {
            if (closed) {
                return;
            }
            try {
                while (b.hasRemaining()) {
                    channel.write(b);
                }
            } catch (IOException e) {
                LOG.log(Level.WARNING, "pcap: writing " + file + " failed, capture ended: " + e, e);
                close();
            }
        }
    }

    /** Ends the capture and closes the file. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "pcap: closing " + file + " failed: " + e, e);
        }
    }

    /** Whether the capture has ended. */
    synchronized boolean isClosed() {
        return closed;
    }
}
