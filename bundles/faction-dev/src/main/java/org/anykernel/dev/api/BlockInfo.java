package org.anykernel.dev.api;

/**
 * What a block device reports about itself, from {@link BlockDevice#info()}.
 *
 * @param name               the device's name under {@code /dev} (its {@link BlockDevice#NAME} property, e.g. {@code sd0})
 * @param sectors            capacity in sectors
 * @param sectorSize         bytes per sector (512 for every device so far)
 * @param readOnly           writes fail with {@code EROFS}
 * @param queueDepth         how many requests one client of the device (one front, one library kernel) may have
 *                           {@linkplain BlockDevice#submit submitted} and not yet {@linkplain BlockDevice#await collected};
 *                           one more is refused with {@code EAGAIN}
 * @param maxTransferSectors the largest {@link BlockRequest#sectors()} {@link BlockDevice#submit} takes (the synchronous
 *                           calls split larger transfers themselves)
 */
public record BlockInfo(String name, long sectors, int sectorSize, boolean readOnly, int queueDepth,
        int maxTransferSectors) {

    /** Capacity in bytes. */
    public long sizeBytes() {
        return sectors * sectorSize;
    }
}
