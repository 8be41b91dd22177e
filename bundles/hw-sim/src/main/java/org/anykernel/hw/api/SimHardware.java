package org.anykernel.hw.api;

import java.nio.file.Path;
import java.util.Map;

import org.anykernel.hw.internal.DiskConfig;
import org.anykernel.hw.internal.NicConfig;
import org.anykernel.hw.internal.SimDisk;
import org.anykernel.hw.internal.SimNic;

/**
 * Simulated hardware for programs that run a kernel without OSGi (a standalone library kernel, a tool): the same
 * devices the {@code hw.disk~NAME} and {@code hw.nic~NAME} configurations make, opened directly. Close what you open
 * with {@link #powerOff}.
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

    /**
     * A NIC configured by the same properties as a {@code hw.nic~NAME} configuration: {@code mac}, {@code mtu},
     * {@code backend} ({@code switch:NAME}, the default {@code switch:sw0}; {@code shm:PATH};
     * {@code udp:LOCALHOST:PORT>REMOTEHOST:PORT}, or {@code udp} with {@code udp.local} and {@code udp.remote}),
     * {@code rx.ring}, {@code pcap}, {@code faults}, {@code kernel}.
     *
     * @throws IllegalArgumentException naming the NIC and the field, on a bad value or a wire that cannot be opened
     */
    public static NicController nic(String name, Map<String, ?> properties) {
        return SimNic.open(NicConfig.parse(name, properties));
    }

    /** A NIC with the defaults on the in-JVM switch {@code switchName} (created on first use). */
    public static NicController switchNic(String name, String switchName) {
        return SimNic.open(NicConfig.parse(name, Map.of("backend", "switch:" + switchName)));
    }

    /** Unplugs a NIC from its wire and ends its capture. Idempotent. */
    public static void powerOff(NicController nic) {
        if (nic instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("powering off NIC " + nic.name() + ": " + e.getMessage(), e);
            }
        }
    }
}
