package org.anykernel.base.spi;

/**
 * A faction's state in one kernel. kernel-base tells it which kernel services (fronts in the global
 * kernel, private instances in a library kernel) come and go; it takes the ones it serves.
 */
public interface FactionInstance extends AutoCloseable {

    /** A kernel service appeared. */
    void bind(KernelServiceRef service);

    /** A kernel service went away for good (not a restart: fronts stay bound across restarts). */
    void unbind(KernelServiceRef service);

    /** The kernel is going away: unregister syscalls, unmount. */
    @Override
    void close();
}
