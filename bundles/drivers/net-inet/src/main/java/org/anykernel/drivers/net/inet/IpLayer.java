package org.anykernel.drivers.net.inet;

/**
 * What a transport protocol (TCP, UDP, ICMP echo sockets) gets from the IPv4 layer below it. Every call is made
 * with the stack's lock held, from a call of the faction into the driver (input, tick, a socket operation); packets
 * sent here leave in that call's result.
 */
public interface IpLayer {
    /**
     * Bytes a transport may leave free in front of its payload: the Ethernet and IPv4 headers. A payload given to
     * {@link #output} at exactly this offset that ends the array is framed in place, without a copy, when it fits the
     * link in one frame; the array then belongs to the IP layer.
     */
    int HEADROOM = 14 + 20;

    /**
     * Sends {@code payload[off..off+len)} as one IPv4 datagram of {@code protocol} (fragmented as the route's MTU
     * needs, unless {@code dontFragment}). With {@code off == HEADROOM} and nothing after the payload, the datagram
     * and its frame may be built in {@code payload} itself (see {@link #HEADROOM}).
     *
     * @param src the source address, or 0 for the address of the interface the route leaves by
     * @throws org.anykernel.base.api.KernelException {@code ENETUNREACH} without a route, {@code EMSGSIZE} when too
     *         big and {@code dontFragment}, {@code EHOSTUNREACH} when the next hop does not answer ARP
     */
    void output(int src, int dst, int protocol, byte[] payload, int off, int len, int ttl, boolean dontFragment);

    /**
     * The source address a datagram to {@code dst} gets (the address of the interface its route leaves by).
     *
     * @throws org.anykernel.base.api.KernelException {@code ENETUNREACH} without a route
     */
    int sourceFor(int dst);

    /** The MTU of the interface the route to {@code dst} leaves by (1500 when there is no route). */
    int mtuFor(int dst);

    /** Whether {@code address} is one of this host's addresses (any interface, the loopback too). */
    boolean isLocal(int address);

    /** Wakes whoever waits on the socket with {@code handle}: its readiness changed. */
    void ready(long handle);

    /** A new socket handle, unique for the life of this driver instance (and unlike any earlier instance's). */
    long newHandle();

    /** The monotonic clock, in nanoseconds. */
    long nowNanos();

    /** A random value (initial sequence numbers, ephemeral ports), from a cryptographic source. */
    long random();

    /**
     * Answers a datagram this host received with an ICMP destination unreachable of {@code code} (3: port
     * unreachable). {@code packet[off..off+len)} is either the whole IPv4 datagram or the transport's part of the one
     * being delivered (what {@link Transport#input} was given): the IP layer quotes the whole datagram either way.
     */
    void unreachable(int code, byte[] packet, int off, int len);

    /** Counts one event of this protocol's statistics ({@code "tcp.bad_checksum"}). */
    void count(String counter);
}
