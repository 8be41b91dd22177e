package org.anykernel.hw.api;

/**
 * A simulated disk controller, as a driver sees it (NVMe or virtio-blk, simplified): a submission queue, a
 * completion queue and an interrupt line.
 *
 * <ul>
 * <li>{@link #submit(DiskRequest)} queues a request and returns at once, never blocking. A request occupies one of
 * {@link DiskInfo#queueDepth()} slots from its submission until its completion is taken by {@link #poll()}; with
 * every slot taken, submit throws {@link DiskQueueFullException} and queues nothing.</li>
 * <li>The device executes requests on its own thread and posts their {@link DiskCompletion}s to the completion
 * queue, always asynchronously (a malformed request too). Requests are executed in submission order; with the
 * latency model on, their completions may be posted out of order: match them by tag.</li>
 * <li>The interrupt line is level-triggered: {@link #awaitInterrupt(long)} returns {@code true} while a completion
 * is pending.</li>
 * <li>Writes complete once they are in the volatile write cache (when {@link DiskInfo#volatileWriteCache()});
 * reads see the cache; FLUSH, or a WRITE with {@code fua}, makes data durable in the backing; a power cut loses the
 * cache.</li>
 * </ul>
 *
 * <p>All methods are thread-safe; none waits longer than its own bound (or, for {@link #reset()} and
 * {@link #faults(DiskFaultPlan)}, than the execution of the one request the device may be executing).
 */
public interface DiskController {

    /** The disk's geometry and features. */
    DiskInfo info();

    /**
     * Queues a request; never blocks.
     *
     * @throws DiskQueueFullException   all queue slots are taken (nothing was queued)
     * @throws IllegalArgumentException a request with the same tag is outstanding
     * @throws IllegalStateException    the device is shut down
     * @throws NullPointerException     {@code r} is null
     */
    void submit(DiskRequest r);

    /** Takes the oldest posted completion, freeing its queue slot and its tag, or returns null if there is none. */
    DiskCompletion poll();

    /**
     * Waits until a completion is pending or {@code timeoutNanos} have passed (0 or less: does not wait).
     *
     * @return true when a completion is pending, false on timeout or when the device is shut down with none left
     */
    boolean awaitInterrupt(long timeoutNanos) throws InterruptedException;

    /**
     * Resets the controller: every request submitted and not yet completed gets an {@link DiskCompletion.Status#ABORTED}
     * completion, and a hang (fault plan) ends. The write cache, the other faults and completions already posted stay.
     * When it returns the device takes requests again.
     */
    void reset();

    /** Replaces the fault plan ({@link DiskFaultPlan#NONE} clears it); immediate faults (hang, power cut) act now. */
    void faults(DiskFaultPlan plan);

    /** A snapshot of the counters. */
    DiskStats stats();
}
