package org.anykernel.base.spi;

import java.util.List;
import java.util.Map;

/** What a {@link DriverLinker} gets: the kernel's services for drivers, the host's hardware, a place for its own. */
public interface LinkContext {

    /** Memory accounting, charged to the kernel being built. */
    KernelMemory memory();

    /** State kept in the base, for the kernel being built. */
    KernelObjects objects();

    /** Kernel threads, counted against the kernel being built. */
    KernelThreads threads();

    /** The host interface. */
    Hypercalls hypercalls();

    /** A piece of hardware given to the kernel, with its properties ({@code hw.disk.name}). */
    record Hardware<T>(T device, Map<String, Object> properties) {
    }

    /** The hardware of type {@code type} given to the kernel. */
    <T> List<Hardware<T>> hardware(Class<T> type);

    /**
     * Adds a kernel service (the object the factions are given: a block device, a file system type) with its
     * service properties.
     */
    void register(Object service, Map<String, Object> properties);

    /** Runs {@code action} when the kernel closes (after its factions are detached), last registered first. */
    void onClose(Runnable action);
}
