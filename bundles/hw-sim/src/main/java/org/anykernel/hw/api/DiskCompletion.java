package org.anykernel.hw.api;

/**
 * The outcome of one {@link DiskRequest}, taken from the completion queue with {@link DiskController#poll()}.
 *
 * @param tag    the request's tag
 * @param status how it ended
 * @param data   READ with {@link Status#OK}: the {@code count * 512} bytes read (a fresh array, the driver's to
 *               keep); otherwise {@code null}
 */
public record DiskCompletion(int tag, Status status, byte[] data) {

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

    /** Whether the status is {@link Status#OK}. */
    public boolean ok() {
        return status == Status.OK;
    }

    @Override
    public String toString() {
        return "DiskCompletion[tag=" + tag + ", " + status + (data == null ? "" : " data=" + data.length + "B") + "]";
    }
}
