package org.anykernel.base.spi;

/**
 * Kernel threads for drivers: started in the domain of the code that asks (so they charge its thread
 * quota and its memory account), virtual where they fit. A thread over the domain's {@code threads.max}
 * is refused with {@code EAGAIN}. Registered as a service by kernel-base.
 */
public interface KernelThreads {

    /**
     * Starts {@code body} on a new kernel thread in the current domain.
     *
     * @param virtual a virtual thread (for work that blocks: waits, I/O) or a platform thread (for work
     *                that spins or must not be pinned behind others)
     */
    Thread spawn(String name, boolean virtual, Runnable body);

    /** Kernel threads the current domain runs now. */
    int running();
}
