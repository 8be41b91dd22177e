package org.anykernel.dev.api;

import org.anykernel.base.api.Idempotent;
import org.anykernel.base.api.KernelService;

/**
 * A block device (a disk), as a driver provides it: fixed-size sectors read and written by number. The driver
 * registers one service per device with the property {@link #NAME} (its name under {@code /dev}, e.g. {@code sd0}).
 *
 * <p>Asynchronous I/O without callbacks: {@link #submit} queues a request and returns an opaque handle at once;
 * {@link #await} collects its {@link BlockCompletion}, waiting a bounded time. Several requests may be outstanding;
 * they may complete in any order. Handles belong to the device instance that issued them: a library kernel's
 * private instance does not know the handles of the shared one. Every handle must be collected: until it is, it
 * counts against {@link BlockInfo#queueDepth()}.
 *
 * <p>The synchronous calls ({@link #read}, {@link #write}, {@link #flush}) submit and wait for their own requests;
 * they are bounded too (a device that stops answering is reset and the request retried; what still fails is
 * {@code EIO}), and they split transfers larger than {@link BlockInfo#maxTransferSectors()}.
 *
 * <p>Errors are {@link org.anykernel.base.api.KernelException}s: {@code EINVAL} for sectors out of range, bad counts
 * or buffer ranges, {@code EROFS} for writes to a read-only device, {@code EIO} for media errors, {@code ENXIO} when
 * the device went away, {@code ENOMEM} past the domain's memory quota (the data of requests in flight is charged
 * to it).
 */
@KernelService
public interface BlockDevice {
    /** Service property: the device's name under {@code /dev}. */
    String NAME = "block.name";

    /** The longest {@link #await} waits in one call, whatever it is asked: below any domain's default watchdog. */
    long MAX_AWAIT_MILLIS = 1000;

    /** Geometry and limits. */
    @Idempotent
    BlockInfo info();

    /**
     * Queues a request and returns its handle at once; never blocks.
     *
     * @return an opaque handle for {@link #await}, unique within this device instance
     * @throws org.anykernel.base.api.KernelException {@code EAGAIN} when {@link BlockInfo#queueDepth()} requests are
     *         submitted and not yet collected (nothing was queued); {@code EINVAL} for a malformed request (sectors
     *         out of range, a bad count, data of the wrong size or where none belongs); {@code EROFS} for a write
     *         to a read-only device
     */
    long submit(BlockRequest r);

    /**
     * Collects the completion of a submitted request, waiting at most {@code timeoutMillis} (capped at
     * {@link #MAX_AWAIT_MILLIS}; 0 does not wait). Once collected, a handle is gone.
     *
     * @return the completion; a failed request is a completion with an {@link BlockCompletion#error()}
     * @throws org.anykernel.base.api.KernelException {@code ETIMEDOUT} if the request has not completed in time (the
     *         handle stays valid: call again); {@code EINVAL} for a handle this instance did not issue or that was
     *         already collected, or a negative timeout
     */
    BlockCompletion await(long handle, long timeoutMillis);

    /**
     * Reads {@code sectors} sectors from {@code sector} into {@code buf[off..]}.
     *
     * @return the number of sectors read ({@code sectors})
     */
    @Idempotent
    int read(long sector, byte[] buf, int off, int sectors);

    /**
     * Writes {@code sectors} sectors from {@code buf[off..]} at {@code sector}.
     *
     * @param fua force unit access: durable when the call returns, not only in the device's write cache
     * @return the number of sectors written ({@code sectors})
     */
    @Idempotent
    int write(long sector, byte[] buf, int off, int sectors, boolean fua);

    /** Makes every write completed before this call durable. */
    @Idempotent
    void flush();
}
