package org.anykernel.hw.api;

/**
 * The outcome of one {@link DiskRequest}, taken from the completion queue with {@link DiskController#poll()}.
 *
 * @param tag    the request's tag
 * @param status how it ended
 * @param data   READ with {@link Status#OK}: the {@code count * 512} bytes read (a fresh array, the driver's to
 *               keep); otherwise {@code null}
 * @param guard  READ with {@link Status#OK}: the CRC-32C of the data as the medium holds it, computed by the device
 *               before the transfer (end-to-end protection information, as a T10 PI guard tag or an NVMe end-to-end
 *               CRC): data damaged on its way to the driver no longer matches it ({@link #intact()}); otherwise 0
 */
public record DiskCompletion(int tag, Status status, byte[] data, int guard) {

    /** Completion status codes. */
    public enum Status {
        /** Done. */
        OK,
        /** Media or device error: nothing of a failed READ, and nothing, or (a torn write) a prefix, of a WRITE happened. */
        EIO,
        /** A WRITE or DISCARD on a read-only disk. */
        EROFS,
        /** A malformed request: sectors out of range, a bad count, data of the wrong size or where none belongs. */
        EINVAL,
        /**
         * Dropped by {@link DiskController#reset()} or by the device's shutdown before it completed: the request may
         * or may not have taken effect; an idempotent request can simply be submitted again.
         */
        ABORTED
    }

    /** A completion with no data (and so no guard). */
    public DiskCompletion(int tag, Status status) {
        this(tag, status, null, 0);
    }

    /** The CRC-32C of {@code b} (what {@link #guard} holds for the data as stored). */
    public static int crc32c(byte[] b) {
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(b, 0, b.length);
        return (int) c.getValue();
    }

    /**
     * Whether the data arrived as the device read it: true when there is no data, else whether its CRC-32C is the
     * {@link #guard}. A driver that finds it false has received damaged data (and may read again).
     */
    public boolean intact() {
        return data == null || crc32c(data) == guard;
    }

    /** Whether the status is {@link Status#OK}. */
    public boolean ok() {
        return status == Status.OK;
    }

    @Override
    public String toString() {
        return "DiskCompletion[tag=" + tag + ", " + status + (data == null ? "" : " data=" + data.length + "B") + "]";
    }
}
