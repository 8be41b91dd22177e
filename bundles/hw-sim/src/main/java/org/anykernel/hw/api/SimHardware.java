package org.anykernel.hw.api;

import java.nio.file.Path;

import org.anykernel.hw.internal.DiskConfig;
import org.anykernel.hw.internal.SimDisk;

/**
 * Simulated hardware for programs that run a kernel without OSGi (a standalone library kernel, a tool): the same
 * devices the {@code hw.disk~NAME} configurations make, opened directly. Close what you open with {@link #powerOff}.
 */
public final class SimHardware {
    private SimHardware() {
    }

    /** A disk of {@code size} bytes in memory. */
    public static DiskController memoryDisk(String name, long size) {
        return SimDisk.open(DiskConfig.memory(name, size));
    }

    /**
     * A disk on an image file (its size is the file's).
     *
     * @throws IllegalArgumentException naming the disk and the file if it cannot be opened
     */
    public static DiskController imageDisk(String name, Path image, boolean readOnly) {
        return SimDisk.open(DiskConfig.file(name, image, -1).withReadOnly(readOnly));
    }

    /** An orderly power-off: the write cache is written back and the backing closed. Idempotent. */
    public static void powerOff(DiskController disk) {
        if (disk instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("powering off disk " + disk.info().name() + ": " + e.getMessage(), e);
            }
        }
    }
}
