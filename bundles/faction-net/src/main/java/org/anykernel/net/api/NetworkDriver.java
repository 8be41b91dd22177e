package org.anykernel.net.api;

import org.anykernel.base.api.KernelService;

/**
 * A network interface driver, as the network faction finds it: one service per interface. The frame
 * transmit and receive operations join this contract with the network stack.
 */
@KernelService
public interface NetworkDriver {
    /** Service property: the interface name ({@code eth0}). */
    String NAME = "net.ifname";

    /** The interface name. */
    String name();

    /** Largest payload of one frame. */
    int mtu();

    /** The 6-byte hardware address. */
    byte[] hardwareAddress();
}
