package org.anykernel.dev.api;

/**
 * One asynchronous block request, handed to {@link BlockDevice#submit(BlockRequest)}. Reads and writes are
 * idempotent, so a driver may execute one more than once (after a controller reset) before it completes.
 *
 * @param op      what to do
 * @param sector  first sector (READ, WRITE; 0 for FLUSH)
 * @param sectors how many sectors, at least 1 and at most {@link BlockInfo#maxTransferSectors()} (READ, WRITE; 0
 *                for FLUSH)
 * @param data    WRITE: exactly {@code sectors * sectorSize} bytes, which the device copies when the request is
 *                submitted (the caller may reuse the array at once); READ and FLUSH: {@code null}
 * @param fua     WRITE: force unit access, the data is durable when the request completes (not only in the
 *                device's volatile write cache); ignored by READ and FLUSH
 */
public record BlockRequest(Op op, long sector, int sectors, byte[] data, boolean fua) {

    /** Block operations. */
    public enum Op {
        /** Read sectors; the completion carries the data. */
        READ,
        /** Write sectors; complete once in the device's write cache (or durable, with {@code fua}). */
        WRITE,
        /** Make every write completed before the flush was submitted durable. */
        FLUSH
    }

    /** A READ of {@code sectors} sectors from {@code sector}. */
    public static BlockRequest read(long sector, int sectors) {
        return new BlockRequest(Op.READ, sector, sectors, null, false);
    }

    /** A WRITE of {@code data} (a whole number of 512-byte sectors) at {@code sector}. */
    public static BlockRequest write(long sector, byte[] data, boolean fua) {
        return new BlockRequest(Op.WRITE, sector, data.length / 512, data, fua);
    }

    /** A FLUSH of the device's write cache. */
    public static BlockRequest flush() {
        return new BlockRequest(Op.FLUSH, 0, 0, null, false);
    }

    @Override
    public String toString() {
        return "BlockRequest[" + op + " sector=" + sector + " sectors=" + sectors
                + (data == null ? "" : " data=" + data.length + "B") + (fua ? " fua" : "") + "]";
    }
}
