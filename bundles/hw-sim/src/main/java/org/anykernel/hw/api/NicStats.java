package org.anykernel.hw.api;

/**
 * A NIC's counters since it was created.
 *
 * @param rxPackets frames received into the ring
 * @param rxBytes   their bytes
 * @param rxDropped frames that arrived while the receive ring was full (or were lost on the wire by a fault plan)
 * @param txPackets frames put on the wire
 * @param txBytes   their bytes
 * @param txDropped frames dropped at transmit: link down or ring full
 */
public record NicStats(long rxPackets, long rxBytes, long rxDropped, long txPackets, long txBytes, long txDropped) {
}
