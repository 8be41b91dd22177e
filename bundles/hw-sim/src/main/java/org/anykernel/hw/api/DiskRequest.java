package org.anykernel.hw.api;

import java.util.Objects;

/**
 * One command for a {@link DiskController}, identified by the driver's {@code tag}, which comes back in its
 * {@link DiskCompletion}.
 *
 * <p>Like a DMA buffer, {@code data} belongs to the device from {@link DiskController#submit submit} until
 * the request's completion: the driver must not change it meanwhile (the device copies it when it executes
 * the request). The record does not check its fields beyond {@code op != null}: a malformed request is the
 * device's to refuse, with an {@link DiskCompletion.Status#EINVAL} completion.
 *
 * @param tag    the driver's identifier; unique among the driver's outstanding requests
 * @param op     what to do
 * @param sector first sector (READ, WRITE, DISCARD; ignored by FLUSH)
 * @param count  sectors, at least 1 (READ and WRITE at most {@link DiskInfo#maxTransferSectors()};
 *               ignored by FLUSH)
 * @param data   WRITE: exactly {@code count * 512} bytes; every other op: {@code null}
 * @param fua    WRITE: force unit access, the write is durable (in the backing) when it completes, whatever the
 *               write cache; ignored by the other ops
 */
public record DiskRequest(int tag, Op op, long sector, int count, byte[] data, boolean fua) {

    /** Commands a disk controller executes. */
    public enum Op {
        /** Read {@code count} sectors; the completion carries the data. */
        READ,
        /** Write {@code count} sectors of {@code data}; completes when in the write cache (or durable with fua). */
        WRITE,
        /** Make every write completed before this flush was submitted durable. */
        FLUSH,
        /** Deallocate sectors: they read as zeros afterwards (durable at once). */
        DISCARD
    }

    public DiskRequest {
        Objects.requireNonNull(op, "op");
    }

    /** A READ of {@code count} sectors from {@code sector}. */
    public static DiskRequest read(int tag, long sector, int count) {
        return new DiskRequest(tag, Op.READ, sector, count, null, false);
    }

    /** A WRITE of {@code data} (a whole number of sectors) at {@code sector}, to the write cache. */
    public static DiskRequest write(int tag, long sector, byte[] data) {
        return write(tag, sector, data, false);
    }

    /** A WRITE of {@code data} (a whole number of sectors) at {@code sector}; {@code fua}: durable on completion. */
    public static DiskRequest write(int tag, long sector, byte[] data, boolean fua) {
        return new DiskRequest(tag, Op.WRITE, sector, data.length / DiskInfo.SECTOR_SIZE, data, fua);
    }

    /** A FLUSH of the write cache. */
    public static DiskRequest flush(int tag) {
        return new DiskRequest(tag, Op.FLUSH, 0, 0, null, false);
    }

    /** A DISCARD of {@code count} sectors from {@code sector}. */
    public static DiskRequest discard(int tag, long sector, int count) {
        return new DiskRequest(tag, Op.DISCARD, sector, count, null, false);
    }

    @Override
    public String toString() {
        return "DiskRequest[tag=" + tag + ", " + op + " sector=" + sector + " count=" + count
                + (data == null ? "" : " data=" + data.length + "B") + (fua ? " fua" : "") + "]";
    }
}
