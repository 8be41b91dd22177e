package org.anykernel.dev.api;

/** Device control requests the standard devices and the block devices answer; numbers as on Linux x86_64. */
public final class Ioctls {
    private Ioctls() {
    }

    /** Bytes waiting to be read ({@code FIONREAD}). */
    public static final long FIONREAD = 0x541B;
    /** Entropy bits in the pool ({@code RNDGETENTCNT}). */
    public static final long RNDGETENTCNT = 0x80045200L;

    /** A block device's size in bytes ({@code BLKGETSIZE64}). */
    public static final long BLKGETSIZE64 = 0x80081272L;
    /** A block device's logical sector size in bytes ({@code BLKSSZGET}). */
    public static final long BLKSSZGET = 0x1268;
    /** Whether a block device is read-only: 1 or 0 ({@code BLKROGET}). */
    public static final long BLKROGET = 0x125E;
    /** Writes a block device's volatile cache back to the medium ({@code BLKFLSBUF}; here: a device flush). */
    public static final long BLKFLSBUF = 0x1261;
}
