package org.anykernel.net.api;

import java.util.List;

import org.anykernel.base.api.Idempotent;
import org.anykernel.base.api.KernelService;

/**
 * A network interface driver (nic-sim): one service per NIC, found by the network faction and attached as an
 * interface. Frames are whole Ethernet frames (no preamble, no FCS). The contract is pull-based, as a NIC's rings
 * are: the faction sends with {@link #transmit} and takes what arrived with {@link #receive}, which waits for the
 * receive interrupt up to its bound; the driver never calls the faction back, so it runs in any placement.
 */
@KernelService
public interface NetworkDriver {
    /** Service property: the interface name ({@code eth0}). */
    String NAME = "net.ifname";
    /**
     * Service property: the kernel the interface belongs to ({@code global}, or a library kernel's name); a kernel
     * attaches the interfaces that name it, and the global kernel those that name none.
     */
    String KERNEL = "net.kernel";

    /** The interface name. */
    String name();

    /** Largest payload of one frame (the IP MTU). */
    int mtu();

    /** The 6-byte hardware address. */
    byte[] hardwareAddress();

    /** Whether the link is up. */
    boolean linkUp();

    /**
     * Puts the frame {@code frame[0..len)} on the wire. The array is the driver's from then on (the faction never
     * uses it again), so a driver may hand it to its device without a copy.
     *
     * @return false when it was dropped (ring full, link down), as a NIC drops
     */
    boolean transmit(byte[] frame, int len);

    /**
     * Frames received, oldest first, at most {@code max}; waits up to {@code timeoutMs} for the first one.
     *
     * @return the frames (empty after the timeout)
     */
    @Idempotent
    List<byte[]> receive(int max, int timeoutMs);

    /**
     * The NIC's counters: {@code rxPackets rxBytes rxDropped txPackets txBytes txDropped}, in that order.
     */
    @Idempotent
    List<Long> counters();
}
