package org.anykernel.base.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What {@code statfs(2)} reports of a mounted file system; on the syscall boundary Linux x86_64's
 * {@code struct statfs} ({@link #SIZE} bytes, little-endian).
 *
 * @param type    the file system's magic ({@code 0xEF53} ext2, {@code 0x01021994} tmpfs)
 * @param bsize   block size
 * @param blocks  total blocks
 * @param bfree   free blocks
 * @param bavail  free blocks an unprivileged user may use
 * @param files   total inodes
 * @param ffree   free inodes
 * @param fsid    the mount's id
 * @param namelen longest name
 * @param flags   mount flags ({@link Sys#MS_RDONLY})
 */
public record StatFs(long type, long bsize, long blocks, long bfree, long bavail, long files, long ffree, long fsid,
                     long namelen, long flags) {
    /** Bytes of Linux x86_64 {@code struct statfs}. */
    public static final int SIZE = 120;

    /** The same, for mount {@code id} with {@code mountFlags}. */
    public StatFs withMount(long id, long mountFlags) {
        return new StatFs(type, bsize, blocks, bfree, bavail, files, ffree, id, namelen, flags | mountFlags);
    }

    /** Writes this as {@code struct statfs} into {@code buf[0..SIZE)}. */
    public void encode(byte[] buf) {
        ByteBuffer b = ByteBuffer.wrap(buf, 0, SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, type).putLong(8, bsize).putLong(16, blocks).putLong(24, bfree).putLong(32, bavail)
                .putLong(40, files).putLong(48, ffree).putLong(56, fsid).putLong(64, namelen).putLong(72, bsize)
                .putLong(80, flags);
        for (int i = 88; i < SIZE; i += 8) {
            b.putLong(i, 0);
        }
    }

    /** Reads a {@code struct statfs}. */
    public static StatFs decode(byte[] buf) {
        ByteBuffer b = ByteBuffer.wrap(buf, 0, SIZE).order(ByteOrder.LITTLE_ENDIAN);
        return new StatFs(b.getLong(0), b.getLong(8), b.getLong(16), b.getLong(24), b.getLong(32), b.getLong(40),
                b.getLong(48), b.getLong(56), b.getLong(64), b.getLong(80));
    }
}
