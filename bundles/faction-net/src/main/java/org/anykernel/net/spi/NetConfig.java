package org.anykernel.net.spi;

import java.util.List;

/**
 * The network configuration the faction owns and hands to a protocol driver whole, as a value: interfaces with
 * their addresses, and the routing table. A driver keeps the latest one it was given; it never changes it.
 *
 * @param version    increases with every change; 0 is never used
 * @param interfaces the interfaces, the loopback among them
 * @param routes     the routing table (what {@link Route#lookup} searches)
 * @param forwarding whether packets for other hosts are forwarded between interfaces (a router)
 */
public record NetConfig(long version, List<Iface> interfaces, List<Route> routes, boolean forwarding) {
    public NetConfig {
        interfaces = List.copyOf(interfaces);
        routes = List.copyOf(routes);
    }

    /** Interface kinds. */
    public static final int ETHERNET = 1, LOOPBACK = 2;

    /**
     * One interface.
     *
     * @param index     its number (1 is the loopback); frames name their interface by it
     * @param name      {@code eth0}, {@code lo}
     * @param kind      {@link #ETHERNET} (frames are Ethernet frames) or {@link #LOOPBACK} (frames are IP packets)
     * @param mac       the hardware address (6 bytes; empty for the loopback)
     * @param mtu       the largest IP packet it carries
     * @param up        administratively up, and the link up
     * @param addresses its IPv4 addresses
     */
    public record Iface(int index, String name, int kind, byte[] mac, int mtu, boolean up, List<IfAddr> addresses) {
        public Iface {
            addresses = List.copyOf(addresses);
        }
    }

    /**
     * An interface address.
     *
     * @param address the address
     * @param prefix  the prefix length of its subnet (24 for a /24)
     */
    public record IfAddr(int address, int prefix) {
        /** The directed broadcast address of the subnet. */
        public int broadcast() {
            return prefix >= 31 ? 0xFFFFFFFF : address | ~org.anykernel.net.api.InetAddr.mask(prefix);
        }
    }

    /**
     * A route.
     *
     * @param destination the network
     * @param prefix      its prefix length (0 for the default route)
     * @param gateway     the next hop, or 0 when the destination is on the link
     * @param ifindex     the interface packets leave by
     */
    public record Route(int destination, int prefix, int gateway, int ifindex) {
        /** Whether {@code address} is in this route's network. */
        public boolean matches(int address) {
            int m = org.anykernel.net.api.InetAddr.mask(prefix);
            return (address & m) == (destination & m);
        }

        /** The route with the longest prefix matching {@code address} (the first of equals), or null. */
        public static Route lookup(List<Route> routes, int address) {
            Route best = null;
            for (Route r : routes) {
                if (r.matches(address) && (best == null || r.prefix > best.prefix)) {
                    best = r;
                }
            }
            return best;
        }
    }
}
