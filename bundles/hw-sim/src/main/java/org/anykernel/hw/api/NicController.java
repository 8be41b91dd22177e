package org.anykernel.hw.api;

import java.nio.file.Path;

/**
 * A simulated Ethernet NIC, as a driver sees it (a virtio-net or e1000, simplified): a transmit ring, a receive ring
 * with an interrupt line, a MAC address, a link state and an MTU. What is on the other end of the wire (an in-JVM
 * switch, a shared-memory bus file, a UDP tunnel) is the NIC's configuration, not the driver's business.
 *
 * <ul>
 * <li>{@link #transmit} puts one Ethernet frame (destination MAC, source MAC, EtherType, payload; no preamble, no FCS)
 * on the wire and returns at once; with the transmit ring full, or the link down, the frame is dropped and counted
 * ({@code false}).</li>
 * <li>Received frames wait in the receive ring ({@link NicStats#rxDropped()} counts what did not fit); the interrupt
 * line is level-triggered: {@link #awaitReceive(long)} returns {@code true} while a frame is pending.</li>
 * <li>The NIC receives frames addressed to its MAC, to the broadcast address and to multicast addresses, or every
 * frame in promiscuous mode.</li>
 * </ul>
 *
 * <p>All methods are thread-safe; none waits longer than its own bound.
 */
public interface NicController {
    /** Ethernet header length: two addresses and the EtherType. */
    int HEADER = 14;

    /** The NIC's name ({@code eth0}). */
    String name();

    /** The 6-byte MAC address (a copy). */
    byte[] mac();

    /** The largest payload of one frame (1500 by default); frames carry at most {@code mtu() + HEADER} bytes. */
    int mtu();

    /** Whether the link is up (the wire attached and not cut by a fault plan). */
    boolean linkUp();

    /**
     * Puts a frame of {@code len} bytes from {@code frame[off..]} on the wire (the bytes are copied before it returns).
     *
     * @return false when the frame was dropped: link down, transmit ring full, or the device closed
     * @throws IllegalArgumentException a frame shorter than {@link #HEADER} or longer than {@code mtu() + HEADER}
     */
    boolean transmit(byte[] frame, int off, int len);

    /**
     * Puts the whole array {@code frame} on the wire as one frame, taking the array instead of a copy of it, as a
     * NIC's DMA reads a buffer the driver gives up until the transmit completes: the caller must not write it again.
     *
     * @return false when the frame was dropped: link down, transmit ring full, or the device closed
     * @throws IllegalArgumentException a frame shorter than {@link #HEADER} or longer than {@code mtu() + HEADER}
     */
    default boolean transmitOwned(byte[] frame) {
        return transmit(frame, 0, frame.length);
    }

    /** Takes the oldest received frame, or null if none is pending. */
    byte[] receive();

    /**
     * Waits until a received frame is pending or {@code timeoutNanos} have passed (0 or less: does not wait).
     *
     * @return true when a frame is pending; false on timeout or when the device is closed
     */
    boolean awaitReceive(long timeoutNanos) throws InterruptedException;

    /** Receive every frame on the wire, whatever its destination. */
    void promiscuous(boolean on);

    /** Replaces the wire's fault plan for frames this NIC sends and receives ({@link WireFaultPlan#NONE} clears it). */
    void faults(WireFaultPlan plan);

    /**
     * Starts writing every frame this NIC sends or receives to {@code file} in pcap format (link type Ethernet), as
     * {@code tshark -r} reads it; closing the handle stops the capture and closes the file. One capture per NIC at a
     * time: a new one ends the previous.
     *
     * @throws IllegalArgumentException naming the file when it cannot be created
     */
    AutoCloseable capture(Path file);

    /** A snapshot of the counters. */
    NicStats stats();
}
