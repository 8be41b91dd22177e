package org.anykernel.hw.api;

/**
 * Thrown by {@link DiskController#submit(DiskRequest)} when {@link DiskInfo#queueDepth()} requests are already
 * outstanding (submitted and not yet polled). Nothing was queued; the driver polls completions (freeing slots)
 * and submits again.
 */
public final class DiskQueueFullException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public DiskQueueFullException(String message) {
        super(message);
    }
}
