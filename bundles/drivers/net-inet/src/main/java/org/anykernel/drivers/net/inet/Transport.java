package org.anykernel.drivers.net.inet;

import java.util.List;

/**
 * One transport protocol above IPv4 (TCP, UDP, the ICMP echo sockets of {@code ping}): its packets and its
 * sockets. Called with the stack's lock held; sends through the {@link IpLayer} it was made with. Never throws out of
 * {@link #input} or {@link #error}: a bad packet is dropped and counted ({@link IpLayer#count}).
 */
public interface Transport {
    /** The IP protocol number ({@code 6} for TCP). */
    int protocol();

    /**
     * A datagram of this protocol addressed to this host: the IP header was checked and reassembled; the transport
     * header and payload are {@code packet[off..off+len)}.
     *
     * @param src the sender
     * @param dst the destination (one of this host's addresses, or a broadcast address)
     */
    void input(int src, int dst, byte[] packet, int off, int len);

    /**
     * An ICMP error about a datagram this host sent: destination unreachable (type 3) or time exceeded (11) with
     * their code, and the quoted datagram (its IP header and at least 8 bytes of its payload) in
     * {@code quoted[off..off+len)}.
     */
    void error(int type, int code, byte[] quoted, int off, int len);

    /** Runs the timers due at {@code nowNanos}. */
    void tick(long nowNanos);

    /**
     * A new socket of this protocol.
     *
     * @param handle its handle
     * @param type   {@code SOCK_STREAM} or {@code SOCK_DGRAM}
     * @param uid    the creating process's user id (binding ports below 1024 needs 0)
     */
    TransportSocket open(long handle, int type, int uid);

    /** Lines for the shell: {@code "sockets"} (one per socket), {@code "stats"}. */
    List<String> report(String what);
}
