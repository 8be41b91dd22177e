package org.anykernel.net.spi;

import java.util.List;

import org.anykernel.base.api.KernelService;

/**
 * A protocol family driver (net-inet for {@code AF_INET}), as the network faction's protocol switch sees it. The
 * faction owns descriptors, blocking, interfaces and routes; the driver owns protocol state (ARP cache, fragment
 * queues, sockets and their buffers). Every operation returns at once: when it would block it fails with
 * {@code EAGAIN} and the faction waits for the socket to be named in a later result's {@link NetResult#ready()}.
 * Errors come back as {@link NetResult#errno()} (so frames produced before the failure are not lost); a call that
 * throws is a driver fault. Sockets are named by handles the driver makes; a handle unknown to the driver (made by an
 * instance that has since crashed) fails with {@code ECONNRESET}.
 */
@KernelService
public interface Protocol {
    /** Service property: the address family served ({@code 2} for {@code AF_INET}). */
    String FAMILY = "net.family";

    /** The address family served. */
    int family();

    /** Takes a new configuration (interfaces, addresses, routes); the result brings its announcements (gratuitous ARP). */
    NetResult configure(NetConfig config);

    /** The version of the configuration it has (0: none, after a start or a restart). */
    long configVersion();

    /** Frames that arrived on interface {@code ifindex}, oldest first. */
    NetResult input(int ifindex, List<byte[]> frames);

    /** Runs the protocol timers (retransmission, delayed acknowledgements, ARP and reassembly expiry). */
    NetResult tick(long nowNanos);

    /** A new socket of {@code type} ({@code SOCK_STREAM}, {@code SOCK_DGRAM}) and {@code protocol}; value: its handle. */
    NetResult socket(int type, int protocol, int uid);

    /** Binds to a {@code sockaddr_in}. */
    NetResult bind(long handle, byte[] addr);

    /**
     * Connects (a stream socket: starts the handshake and fails with {@code EINPROGRESS} until it completes). For a
     * datagram socket an {@code AF_UNSPEC} address removes the default peer, as on Linux.
     */
    NetResult connect(long handle, byte[] addr);

    /** Listens, with at most {@code backlog} connections waiting for accept. */
    NetResult listen(long handle, int backlog);

    /** Takes a connection off the listen queue; value: its handle, {@code addr}: the peer. */
    NetResult accept(long handle);

    /**
     * Sends {@code data[off..off+len)} ({@code to}: a {@code sockaddr_in} for an unconnected datagram socket, else
     * null); value: the bytes taken.
     */
    NetResult send(long handle, byte[] data, int off, int len, int flags, byte[] to);

    /** Receives up to {@code max} bytes into {@code data}; {@code addr}: the sender (datagram sockets). */
    NetResult recv(long handle, int max, int flags);

    /** Shuts down reading, writing or both ({@code SHUT_*}). */
    NetResult shutdown(long handle, int how);

    /** Closes the socket (a stream socket lingers to deliver what it holds, in the background). */
    NetResult close(long handle);

    /** Sets an option to {@code value} (a boolean as 0/1; {@code SO_LINGER}: seconds, or -1 for off). */
    NetResult setsockopt(long handle, int level, int name, long value);

    /** The option's value. */
    NetResult getsockopt(long handle, int level, int name);

    /** The local ({@code peer == false}) or remote address, as {@code addr}. */
    NetResult address(long handle, boolean peer);

    /** The {@code POLL*} events the socket has now, as {@code value}. */
    NetResult poll(long handle);

    /**
     * A report for the shell, one line per entry: {@code "arp"} (the ARP cache), {@code "sockets"} (every socket
     * with its state and queues), {@code "stats"} (protocol counters: packets, drops by reason).
     */
    List<String> report(String what);
}
