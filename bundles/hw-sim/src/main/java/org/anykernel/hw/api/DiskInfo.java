package org.anykernel.hw.api;

/**
 * What a disk controller reports about itself (its "identify" page).
 *
 * @param name               the disk's name (the {@code NAME} of its {@code hw.disk~NAME} configuration)
 * @param sectors            capacity in sectors
 * @param sectorSize         bytes per sector: always {@link #SECTOR_SIZE}
 * @param readOnly           writes and discards complete with {@link DiskCompletion.Status#EROFS}
 * @param volatileWriteCache the device has a volatile write cache: a completed write is durable only after
 *                           a {@link DiskRequest.Op#FLUSH} or when written with {@code fua}; without one every
 *                           completed write is durable
 * @param queueDepth         how many requests may be outstanding (submitted and not yet {@linkplain
 *                           DiskController#poll() polled}) at once
 * @param maxTransferSectors the largest {@code count} a READ or WRITE may have
 */
public record DiskInfo(String name, long sectors, int sectorSize, boolean readOnly, boolean volatileWriteCache,
        int queueDepth, int maxTransferSectors) {

    /** Bytes per sector. */
    public static final int SECTOR_SIZE = 512;

    /** Capacity in bytes. */
    public long sizeBytes() {
        return sectors * sectorSize;
    }
}
