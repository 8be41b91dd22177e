package org.anykernel.dev.api;

import org.anykernel.base.api.Errno;

/**
 * How one submitted {@link BlockRequest} ended, from {@link BlockDevice#await(long, long)}. A failed request is a
 * completion too (with its {@link #error()}): {@code await} itself throws only when it cannot answer for the handle.
 *
 * @param handle  the handle {@link BlockDevice#submit} returned
 * @param op      the request's operation
 * @param sector  the request's first sector
 * @param sectors the request's sector count
 * @param error   {@code null} when the request succeeded; otherwise {@code EIO} (media error, or the device kept
 *                failing to complete it across resets), {@code EROFS} (a write to a read-only device),
 *                {@code EINVAL} (refused by the device), {@code ENXIO} (the device went away)
 * @param message what happened, for diagnostics ({@code "sd0: sector 100: media error"}); empty on success
 * @param data    a successful READ: the {@code sectors * sectorSize} bytes read, the caller's to keep; otherwise
 *                {@code null}
 */
public record BlockCompletion(long handle, BlockRequest.Op op, long sector, int sectors, Errno error, String message,
        byte[] data) {

    /** Whether the request succeeded. */
    public boolean ok() {
        return error == null;
    }

    @Override
    public String toString() {
        return "BlockCompletion[handle=" + handle + " " + op + " sector=" + sector + " sectors=" + sectors + " "
                + (error == null ? "OK" : error + " " + message) + (data == null ? "" : " data=" + data.length + "B") + "]";
    }
}
