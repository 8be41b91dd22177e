package org.anykernel.base.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One directory entry as {@code getdents64(2)} returns it; on the syscall boundary a Linux
 * {@code struct linux_dirent64} (8-byte aligned records, the name NUL-terminated).
 *
 * @param ino  the inode the name refers to
 * @param next the directory offset just after this entry (where a later read resumes)
 * @param type its {@code d_type} ({@link Sys#DT_REG} ...)
 * @param name the name, without a slash
 */
public record DirEntry(long ino, long next, int type, String name) {
    /** Bytes this entry takes as a {@code linux_dirent64}. */
    public int recordLength() {
        return recordLength(name.getBytes(StandardCharsets.UTF_8).length);
    }

    private static int recordLength(int nameBytes) {
        return (19 + nameBytes + 1 + 7) & ~7;
    }

    /**
     * Writes this at {@code buf[off..]}.
     *
     * @return bytes written, or 0 if it does not fit in {@code buf[off..limit)}
     */
    public int encode(byte[] buf, int off, int limit) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        int len = recordLength(n.length);
        if (off + len > limit) {
            return 0;
        }
        ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(off, ino).putLong(off + 8, next).putShort(off + 16, (short) len).put(off + 18, (byte) type);
        System.arraycopy(n, 0, buf, off + 19, n.length);
        for (int i = off + 19 + n.length; i < off + len; i++) {
            buf[i] = 0;
        }
        return len;
    }

    /** The entries in {@code buf[0..len)}. */
    public static List<DirEntry> decode(byte[] buf, int len) {
        List<DirEntry> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        int off = 0;
        while (off + 19 < len) {
            int rec = Short.toUnsignedInt(b.getShort(off + 16));
            if (rec < 24 || off + rec > len) {
                throw new KernelException(Errno.EINVAL, "dirent at " + off, "bad record length " + rec);
            }
            int end = off + 19;
            while (end < off + rec && buf[end] != 0) {
                end++;
            }
            out.add(new DirEntry(b.getLong(off), b.getLong(off + 8), buf[off + 18] & 0xff,
                    new String(buf, off + 19, end - off - 19, StandardCharsets.UTF_8)));
            off += rec;
        }
        return out;
    }
}
