package org.anykernel.drivers.net.inet;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.net.api.InetAddr;
import org.anykernel.net.spi.NetConfig;
import org.anykernel.net.spi.NetConfig.IfAddr;
import org.anykernel.net.spi.NetConfig.Iface;
import org.anykernel.net.spi.NetConfig.Route;
import org.anykernel.net.spi.NetResult.Frame;

/**
 * The link and network layers of one stack: Ethernet framing, ARP ({@link Arp}), IPv4 input, local delivery,
 * reassembly ({@link Reassembly}), forwarding, output with fragmentation, and ICMP; and the {@link IpLayer} its
 * transports send through. Not thread-safe: {@link Inet} calls it with the stack lock held. What it sends collects in
 * {@link #out}, the sockets it wakes in {@link #ready}, until {@link Inet} puts them in a result.
 *
 * <p>Every packet from the wire is bounds-checked before a field is read: a hostile frame is dropped and counted.
 */
final class Stack implements IpLayer {
    static final int ETH_HEADER = 14;
    static final int ETH_IPV4 = 0x0800, ETH_ARP = 0x0806;
    static final int IP_HEADER = 20;
    static final int DEFAULT_TTL = 64;
    /**
     * The TTL of echo replies: the most there is (as Solaris, BSD routers and Cisco answer), so a reply goes back as
     * far as its request came, over a chain of up to 255 routers.
     */
    static final int ECHO_REPLY_TTL = 255;
    /** Largest ICMP error message's quote: an ICMP error stays within 576 bytes (RFC 1812 4.3.2.3). */
    static final int ICMP_QUOTE = 576 - IP_HEADER - 8;
    /** ICMP errors sent per second at most (a token bucket of this depth). */
    static final int ICMP_RATE = 100;
    /** Packets to ourselves waiting when there is no loopback interface (drained at the end of each call). */
    static final int LOCAL_QUEUE = 256;
    private static final byte[] BROADCAST_MAC = {-1, -1, -1, -1, -1, -1};

    final Counters counters = new Counters();
    final List<Frame> out = new ArrayList<>();
    final Set<Long> ready = new LinkedHashSet<>();
    private final Arp arp = new Arp(this);
    private final Reassembly reassembly = new Reassembly(counters);
    private final Map<Integer, Transport> transports = new HashMap<>();
    private final ArrayDeque<byte[]> local = new ArrayDeque<>();
    private final LongSupplier clock;
    private final RandomGenerator random;
    private final long handleBase;
    private long handles;
    private int ipId;
    private NetConfig config;
    private Map<Integer, Iface> ifaces = Map.of();
    private Iface loopback;
    private double icmpTokens = ICMP_RATE;
    private long icmpRefilled;
    /** The datagram being delivered to a transport (see {@link #unreachable}). */
    private byte[] deliveringArray;
    private int deliveringOff, deliveringLen;

    Stack(LongSupplier clock, RandomGenerator random) {
        this.clock = clock;
        this.random = random;
        this.handleBase = random.nextLong() & ~0xFFFFFFFFL;
        this.ipId = random.nextInt(0x10000);
        this.icmpRefilled = clock.getAsLong();
    }

    /** Adds a transport: its input and the ICMP errors about its datagrams come to it. */
    void add(Transport t) {
        transports.put(t.protocol(), t);
    }

    Transport transport(int protocol) {
        return transports.get(protocol);
    }

    Iterable<Transport> transports() {
        return transports.values();
    }

    NetConfig config() {
        return config;
    }

    Iface iface(int index) {
        return ifaces.get(index);
    }

    // ---------------------------------------------------------------- configuration

    /** Takes a configuration: forgets what was learned on interfaces gone or down, announces new addresses. */
    void configure(NetConfig c) {
        Objects.requireNonNull(c, "config");
        Map<Integer, Iface> old = ifaces;
        Map<Integer, Iface> now = new HashMap<>();
        Iface lo = null;
        for (Iface i : c.interfaces()) {
            now.put(i.index(), i);
            if (i.kind() == NetConfig.LOOPBACK && lo == null) {
                lo = i;
            }
        }
        config = c;
        ifaces = now;
        loopback = lo;
        Set<Integer> up = new HashSet<>();
        for (Iface i : c.interfaces()) {
            if (!i.up()) {
                continue;
            }
            up.add(i.index());
            if (i.kind() != NetConfig.ETHERNET || !validMac(i)) {
                continue;
            }
            Iface before = old.get(i.index());
            for (IfAddr a : i.addresses()) {
                boolean had = before != null && before.up() && before.addresses().stream()
                        .anyMatch(b -> b.address() == a.address());
                if (!had) {
                    arp.announce(i, a.address());
                }
            }
        }
        arp.retain(up);
    }

    private static boolean validMac(Iface i) {
        return i.mac() != null && i.mac().length == 6;
    }

    // ---------------------------------------------------------------- link input

    /** A frame that arrived on {@code ifindex}. */
    void linkInput(int ifindex, byte[] f) {
        Iface iface = ifaces.get(ifindex);
        if (f == null || iface == null || !iface.up()) {
            counters.inc("link.dropped_no_iface");
            return;
        }
        if (iface.kind() == NetConfig.LOOPBACK) {
            ipInput(iface, f, 0, f.length, false);
            return;
        }
        if (f.length < ETH_HEADER || !validMac(iface)) {
            counters.inc("eth.bad");
            return;
        }
        boolean broadcast = Bytes.isBroadcastMac(f, 0);
        if (!broadcast && !Bytes.macEquals(f, 0, iface.mac())) {
            counters.inc("eth.not_for_us");
            return;
        }
        int type = Bytes.u16(f, 12);
        if (type == ETH_IPV4) {
            ipInput(iface, f, ETH_HEADER, f.length - ETH_HEADER, broadcast);
        } else if (type == ETH_ARP) {
            arp.input(iface, f, ETH_HEADER, f.length - ETH_HEADER);
        } else {
            counters.inc("eth.unknown_type");
        }
    }

    /** Delivers the packets this host sent itself without a loopback interface (bounded). */
    void drainLocal() {
        for (int n = 0; n < 4 * LOCAL_QUEUE && !local.isEmpty(); n++) {
            byte[] p = local.removeFirst();
            ipInput(null, p, 0, p.length, false);
        }
    }

    // ---------------------------------------------------------------- IPv4 input

    /** An IPv4 packet {@code p[off..off+len)} from {@code in} (null: from this host itself, no loopback interface). */
    private void ipInput(Iface in, byte[] p, int off, int len, boolean linkBroadcast) {
        counters.inc("ip.in");
        if (len < IP_HEADER || (p[off] & 0xF0) != 0x40) {
            counters.inc("ip.bad_header");
            return;
        }
        int ihl = (p[off] & 0x0F) * 4;
        int total = Bytes.u16(p, off + 2);
        if (ihl < IP_HEADER || ihl > len || total < ihl || total > len) {
            counters.inc("ip.bad_header");
            return;
        }
        if (Bytes.checksum(p, off, ihl) != 0) {
            counters.inc("ip.bad_checksum");
            return;
        }
        int src = Bytes.i32(p, off + 12);
        int dst = Bytes.i32(p, off + 16);
        boolean fromLoopback = in == null || in.kind() == NetConfig.LOOPBACK;
        if (src == InetAddr.BROADCAST || isMulticast(src) || !fromLoopback && (isLoopbackNet(src)
                || isLoopbackNet(dst) || isLocal(src) && src != 0)) {
            counters.inc("ip.martian");
            return;
        }
        boolean broadcast = dst == InetAddr.BROADCAST || in != null && isDirectedBroadcast(in, dst);
        if (broadcast || isLocal(dst) || fromLoopback && isLoopbackNet(dst)) {
            localDeliver(p, off, ihl, total, src, dst, broadcast);
        } else if (isMulticast(dst)) {
            counters.inc("ip.multicast_dropped");
        } else if (in != null && in.kind() == NetConfig.ETHERNET && config.forwarding()) {
            forward(p, off, ihl, total, linkBroadcast);
        } else {
            counters.inc("ip.not_for_us");
        }
    }

    private void localDeliver(byte[] p, int off, int ihl, int total, int src, int dst, boolean broadcast) {
        int flags = Bytes.u16(p, off + 6);
        if ((flags & 0x3FFF) != 0) {
            byte[] whole = reassembly.add(p, off, ihl, total, clock.getAsLong());
            if (whole == null) {
                return;
            }
            p = whole;
            off = 0;
            total = whole.length;
        }
        int protocol = Bytes.u8(p, off + 9);
        if (protocol == 1) {
            icmpInput(p, off + ihl, total - ihl, src, dst, broadcast);
            return;
        }
        Transport t = transports.get(protocol);
        if (t == null) {
            counters.inc("ip.no_protocol");
            if (!broadcast) {
                icmpError(3, 2, 0, p, off, total);
            }
            return;
        }
        byte[] savedArray = deliveringArray;
        int savedOff = deliveringOff, savedLen = deliveringLen;
        deliveringArray = p;
        deliveringOff = off;
        deliveringLen = total;
        try {
            t.input(src, dst, p, off + ihl, total - ihl);
        } finally {
            deliveringArray = savedArray;
            deliveringOff = savedOff;
            deliveringLen = savedLen;
        }
    }

    // ---------------------------------------------------------------- forwarding

    private void forward(byte[] p, int off, int ihl, int total, boolean linkBroadcast) {
        int src = Bytes.i32(p, off + 12);
        int dst = Bytes.i32(p, off + 16);
        if (linkBroadcast || src == 0 || dst == 0 || (dst >>> 24) == 0) {
            counters.inc("ip.not_forwardable");
            return;
        }
        if (Bytes.u8(p, off + 8) <= 1) {
            counters.inc("ip.ttl_exceeded");
            icmpError(11, 0, 0, p, off, total);
            return;
        }
        Route r = Route.lookup(config.routes(), dst);
        Iface outIf = r == null ? null : ifaces.get(r.ifindex());
        if (outIf == null || !outIf.up() || outIf.kind() != NetConfig.ETHERNET) {
            counters.inc("ip.no_route");
            icmpError(3, 0, 0, p, off, total);
            return;
        }
        byte[] q = new byte[total];
        System.arraycopy(p, off, q, 0, total);
        q[8]--;
        Bytes.put16(q, 10, 0);
        Bytes.put16(q, 10, Bytes.checksum(q, 0, ihl));
        int nextHop = r.gateway() == 0 ? dst : r.gateway();
        if (total > outIf.mtu() && (Bytes.u16(q, 6) & 0x4000) != 0) {
            counters.inc("ip.frag_needed");
            icmpError(3, 4, Math.min(outIf.mtu(), 0xFFFF), p, off, total);
            return;
        }
        try {
            transmit(outIf, nextHop, r.gateway() == 0 && isDirectedBroadcast(outIf, dst), q);
            counters.inc("ip.forwarded");
        } catch (KernelException e) {
            counters.inc("ip.forward_failed");
            icmpError(3, e.errno() == Errno.EHOSTUNREACH ? 1 : 0, 0, p, off, total);
        }
    }

    // ---------------------------------------------------------------- output

    /** Where a datagram goes: an interface (null: back to this host, without a loopback), and the next hop. */
    private record Hop(Iface iface, int nextHop, boolean broadcast, boolean local) {
    }

    private Hop route(int dst) {
        if (config == null) {
            throw new KernelException(Errno.ENETUNREACH, InetAddr.format(dst), "the network is not configured");
        }
        if (isLocal(dst) || isLoopbackNet(dst)) {
            return new Hop(loopback != null && loopback.up() ? loopback : null, dst, false, true);
        }
        Route r = Route.lookup(config.routes(), dst);
        Iface i = r == null ? null : ifaces.get(r.ifindex());
        if (i == null && dst == InetAddr.BROADCAST) {
            for (Iface c : config.interfaces()) {
                if (c.up() && c.kind() == NetConfig.ETHERNET && !c.addresses().isEmpty()) {
                    return new Hop(c, dst, true, false);
                }
            }
        }
        if (i == null || !i.up()) {
            throw new KernelException(Errno.ENETUNREACH, InetAddr.format(dst), "no route to the network");
        }
        int nextHop = r.gateway() == 0 ? dst : r.gateway();
        boolean broadcast = dst == InetAddr.BROADCAST || r.gateway() == 0 && isDirectedBroadcast(i, dst);
        return new Hop(i, nextHop, broadcast, false);
    }

    /** The address of {@code iface} in the subnet of {@code peer}, else its first (0 when it has none). */
    static int addressFor(Iface iface, int peer) {
        for (IfAddr a : iface.addresses()) {
            int m = InetAddr.mask(a.prefix());
            if ((a.address() & m) == (peer & m)) {
                return a.address();
            }
        }
        return iface.addresses().isEmpty() ? 0 : iface.addresses().get(0).address();
    }

    private int source(Hop h, int dst) {
        if (h.local()) {
            if (isLoopbackNet(dst)) {
                return loopback != null && !loopback.addresses().isEmpty() ? loopback.addresses().get(0).address()
                        : InetAddr.LOOPBACK;
            }
            return dst;
        }
        int a = addressFor(h.iface(), h.nextHop());
        if (a == 0) {
            throw new KernelException(Errno.EADDRNOTAVAIL, h.iface().name(), "the interface has no address");
        }
        return a;
    }

    @Override
    public int sourceFor(int dst) {
        return source(route(dst), dst);
    }

    @Override
    public int mtuFor(int dst) {
        try {
            Hop h = route(dst);
            return h.iface() == null ? 65535 : h.iface().mtu();
        } catch (KernelException e) {
            return 1500;
        }
    }

    @Override
    public void output(int src, int dst, int protocol, byte[] payload, int off, int len, int ttl,
            boolean dontFragment) {
        Objects.checkFromIndexSize(off, len, payload.length);
        if (len > 0xFFFF - IP_HEADER) {
            throw new KernelException(Errno.EMSGSIZE, InetAddr.format(dst), len + " bytes do not fit a datagram");
        }
        Hop h = route(dst);
        if (src == 0) {
            src = source(h, dst);
        }
        int mtu = h.iface() == null ? 0xFFFF : h.iface().mtu();
        if (IP_HEADER + len > mtu && dontFragment) {
            throw new KernelException(Errno.EMSGSIZE, InetAddr.format(dst),
                    (IP_HEADER + len) + " bytes exceed the MTU " + mtu + " and must not be fragmented");
        }
        byte[] mac = off == HEADROOM && off + len == payload.length && IP_HEADER + len <= mtu ? inPlace(h) : null;
        if (mac != null) {
            // the transport left room for both headers: the frame is its array, with no copy of the payload
            ipHeader(payload, ETH_HEADER, len, src, dst, protocol, ttl, dontFragment);
            counters.inc("ip.out");
            ethernetHeader(h.iface(), mac, ETH_IPV4, payload);
            out.add(new Frame(h.iface().index(), payload));
            return;
        }
        byte[] q = new byte[IP_HEADER + len];
        ipHeader(q, 0, len, src, dst, protocol, ttl, dontFragment);
        System.arraycopy(payload, off, q, IP_HEADER, len);
        counters.inc("ip.out");
        transmit(h.iface(), h.nextHop(), h.broadcast(), q);
    }

    /**
     * The hardware address a datagram on hop {@code h} can be framed for right now (an Ethernet interface with an
     * address, the next hop resolved or the datagram a broadcast), or null: then it takes the general way.
     */
    private byte[] inPlace(Hop h) {
        Iface iface = h.iface();
        if (iface == null || iface.kind() != NetConfig.ETHERNET || !validMac(iface)) {
            return null;
        }
        return h.broadcast() ? BROADCAST_MAC : arp.cached(iface, h.nextHop());
    }

    /** Writes an IPv4 header (no options) at {@code q[at..at+20)} for a payload of {@code len} bytes after it. */
    private void ipHeader(byte[] q, int at, int len, int src, int dst, int protocol, int ttl, boolean dontFragment) {
        q[at] = 0x45;
        q[at + 1] = 0;
        Bytes.put16(q, at + 2, IP_HEADER + len);
        Bytes.put16(q, at + 4, ipId);
        ipId = (ipId + 1) & 0xFFFF;
        Bytes.put16(q, at + 6, dontFragment ? 0x4000 : 0);
        q[at + 8] = (byte) (ttl <= 0 || ttl > 255 ? DEFAULT_TTL : ttl);
        q[at + 9] = (byte) protocol;
        Bytes.put16(q, at + 10, 0);
        Bytes.put32(q, at + 12, src);
        Bytes.put32(q, at + 16, dst);
        Bytes.put16(q, at + 10, Bytes.checksum(q, at, IP_HEADER));
    }

    /** Puts the datagram {@code q} on {@code iface} toward {@code nextHop}, in fragments when it exceeds the MTU. */
    private void transmit(Iface iface, int nextHop, boolean broadcast, byte[] q) {
        if (iface == null) {
            if (local.size() >= LOCAL_QUEUE) {
                counters.inc("ip.local_queue_full");
                throw new KernelException(Errno.ENOBUFS, "local delivery", "too many packets to this host");
            }
            local.addLast(q);
            return;
        }
        if (q.length <= iface.mtu()) {
            linkOutput(iface, nextHop, broadcast, q);
            return;
        }
        for (byte[] f : fragment(q, iface.mtu())) {
            linkOutput(iface, nextHop, broadcast, f);
        }
    }

    /**
     * Cuts the datagram {@code q} into fragments of at most {@code mtu} bytes (payloads multiples of 8 but the last;
     * options are not repeated after the first fragment).
     */
    static List<byte[]> fragment(byte[] q, int mtu) {
        int ihl = (q[0] & 0x0F) * 4;
        int flags = Bytes.u16(q, 6);
        boolean more = (flags & 0x2000) != 0;
        int base = (flags & 0x1FFF) * 8;
        List<byte[]> fragments = new ArrayList<>();
        int payload = q.length - ihl;
        int done = 0;
        while (done < payload) {
            int h = done == 0 ? ihl : IP_HEADER;
            int room = Math.max(8, (mtu - h) & ~7);
            int n = Math.min(room, payload - done);
            boolean last = done + n == payload;
            byte[] f = new byte[h + n];
            System.arraycopy(q, 0, f, 0, IP_HEADER);
            if (h > IP_HEADER) {
                System.arraycopy(q, IP_HEADER, f, IP_HEADER, h - IP_HEADER);
            }
            f[0] = (byte) (0x40 | h / 4);
            Bytes.put16(f, 2, f.length);
            Bytes.put16(f, 6, (flags & 0x4000) | (last && !more ? 0 : 0x2000) | ((base + done) / 8 & 0x1FFF));
            Bytes.put16(f, 10, 0);
            Bytes.put16(f, 10, Bytes.checksum(f, 0, h));
            System.arraycopy(q, ihl + done, f, h, n);
            fragments.add(f);
            done += n;
        }
        return fragments;
    }

    private void linkOutput(Iface iface, int nextHop, boolean broadcast, byte[] packet) {
        if (iface.kind() == NetConfig.LOOPBACK) {
            out.add(new Frame(iface.index(), packet));
            return;
        }
        if (!validMac(iface)) {
            throw new KernelException(Errno.ENETDOWN, iface.name(), "the interface has no hardware address");
        }
        if (broadcast) {
            emitEthernet(iface, BROADCAST_MAC, ETH_IPV4, packet);
            return;
        }
        byte[] mac = arp.resolve(iface, nextHop, packet);
        if (mac != null) {
            emitEthernet(iface, mac, ETH_IPV4, packet);
        }
    }

    /** Sends an Ethernet frame of {@code type} carrying {@code payload} to {@code dst} (null: broadcast). */
    void emitEthernet(Iface iface, byte[] dst, int type, byte[] payload) {
        byte[] f = new byte[ETH_HEADER + payload.length];
        ethernetHeader(iface, dst, type, f);
        System.arraycopy(payload, 0, f, ETH_HEADER, payload.length);
        out.add(new Frame(iface.index(), f));
    }

    /** Writes the Ethernet header of a frame from {@code iface} to {@code dst} (null: broadcast) at {@code f[0..14)}. */
    private static void ethernetHeader(Iface iface, byte[] dst, int type, byte[] f) {
        System.arraycopy(dst == null ? BROADCAST_MAC : dst, 0, f, 0, 6);
        System.arraycopy(iface.mac(), 0, f, 6, 6);
        Bytes.put16(f, 12, type);
    }

    /** Datagrams dropped because their next hop never answered ARP: their senders hear {@code EHOSTUNREACH}. */
    void unresolved(List<byte[]> packets) {
        for (byte[] q : packets) {
            counters.inc("ip.unresolved_dropped");
            if ((Bytes.u16(q, 6) & 0x1FFF) != 0) {
                continue;
            }
            int src = Bytes.i32(q, 12);
            if (isLocal(src)) {
                Transport t = transports.get(Bytes.u8(q, 9));
                if (t != null) {
                    t.error(3, 1, q, 0, q.length);
                }
            } else {
                icmpError(3, 1, 0, q, 0, q.length);
            }
        }
    }

    // ---------------------------------------------------------------- ICMP

    private void icmpInput(byte[] p, int off, int len, int src, int dst, boolean broadcast) {
        counters.inc("icmp.in");
        if (len < 8) {
            counters.inc("icmp.bad");
            return;
        }
        if (Bytes.checksum(p, off, len) != 0) {
            counters.inc("icmp.bad");
            counters.inc("icmp.bad_checksum");
            return;
        }
        int type = Bytes.u8(p, off);
        int code = Bytes.u8(p, off + 1);
        switch (type) {
            case 8 -> {
                counters.inc("icmp.echo_in");
                if (broadcast) {
                    counters.inc("icmp.broadcast_echo_ignored");
                    return;
                }
                byte[] reply = new byte[len];
                System.arraycopy(p, off, reply, 0, len);
                reply[0] = 0;
                reply[1] = 0;
                Bytes.put16(reply, 2, 0);
                Bytes.put16(reply, 2, Bytes.checksum(reply, 0, len));
                try {
                    output(dst, src, 1, reply, 0, len, ECHO_REPLY_TTL, false);
                    counters.inc("icmp.out");
                    counters.inc("icmp.echo_out");
                } catch (KernelException e) {
                    counters.inc("icmp.unsent");
                }
            }
            case 0 -> {
                Transport t = transports.get(1);
                if (t != null) {
                    t.input(src, dst, p, off, len);
                } else {
                    counters.inc("icmp.echo_reply_unclaimed");
                }
            }
            case 3, 11 -> {
                counters.inc("icmp.errors_in");
                int q = off + 8;
                int qlen = len - 8;
                if (qlen < IP_HEADER || (p[q] & 0xF0) != 0x40) {
                    counters.inc("icmp.bad");
                    return;
                }
                int qihl = (p[q] & 0x0F) * 4;
                if (qihl < IP_HEADER || qihl + 8 > qlen) {
                    counters.inc("icmp.bad");
                    return;
                }
                if (!isLocal(Bytes.i32(p, q + 12))) {
                    counters.inc("icmp.error_not_ours");
                    return;
                }
                Transport t = transports.get(Bytes.u8(p, q + 9));
                if (t == null) {
                    counters.inc("icmp.error_unclaimed");
                    return;
                }
                t.error(type, code, p, q, qlen);
            }
            default -> counters.inc("icmp.unknown_type");
        }
    }

    /**
     * Sends an ICMP error of {@code type}/{@code code} ({@code word}: the second header word, the MTU of "fragmentation
     * needed") about the received datagram {@code p[off..off+len)}, unless RFC 1122 3.2.2 forbids it (about an ICMP
     * error, a broadcast, a non-first fragment, an odd source) or the rate limit says no.
     */
    private void icmpError(int type, int code, int word, byte[] p, int off, int len) {
        if (len < IP_HEADER) {
            return;
        }
        int ihl = (p[off] & 0x0F) * 4;
        int src = Bytes.i32(p, off + 12);
        int dst = Bytes.i32(p, off + 16);
        if (ihl < IP_HEADER || ihl > len || (Bytes.u16(p, off + 6) & 0x1FFF) != 0 || src == 0
                || src == InetAddr.BROADCAST || isMulticast(src) || dst == InetAddr.BROADCAST || isMulticast(dst)
                || isDirectedBroadcastAnywhere(dst) || isDirectedBroadcastAnywhere(src)) {
            counters.inc("icmp.error_suppressed");
            return;
        }
        if (Bytes.u8(p, off + 9) == 1) {
            int t = ihl < len ? Bytes.u8(p, off + ihl) : -1;
            if (t != 0 && t != 8 && t != 13 && t != 14) {
                counters.inc("icmp.error_suppressed");
                return;
            }
        }
        long now = clock.getAsLong();
        icmpTokens = Math.min(ICMP_RATE, icmpTokens + (now - icmpRefilled) / 1e9 * ICMP_RATE);
        icmpRefilled = now;
        if (icmpTokens < 1) {
            counters.inc("icmp.rate_limited");
            return;
        }
        icmpTokens--;
        int quote = Math.min(len, ICMP_QUOTE);
        byte[] m = new byte[8 + quote];
        m[0] = (byte) type;
        m[1] = (byte) code;
        Bytes.put32(m, 4, word);
        System.arraycopy(p, off, m, 8, quote);
        Bytes.put16(m, 2, Bytes.checksum(m, 0, m.length));
        try {
            output(isLocal(dst) ? dst : 0, src, 1, m, 0, m.length, DEFAULT_TTL, false);
            counters.inc("icmp.out");
            counters.inc("icmp.errors_out");
        } catch (KernelException e) {
            counters.inc("icmp.unsent");
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>A transport may also pass its own part of the datagram being delivered to it ({@code packet}, {@code off}
     * and {@code len} as its {@link Transport#input} got them): the whole datagram it belongs to is quoted then.
     */
    @Override
    public void unreachable(int code, byte[] packet, int off, int len) {
        if (packet == deliveringArray && off >= deliveringOff && off + len <= deliveringOff + deliveringLen) {
            icmpError(3, code, 0, deliveringArray, deliveringOff, deliveringLen);
            return;
        }
        if (packet == null || off < 0 || len < 0 || off + len > packet.length || len < IP_HEADER) {
            counters.inc("icmp.error_suppressed");
            return;
        }
        icmpError(3, code, 0, packet, off, len);
    }

    // ---------------------------------------------------------------- addresses

    @Override
    public boolean isLocal(int address) {
        if (config == null) {
            return false;
        }
        if (isLoopbackNet(address) && loopback != null) {
            return true;
        }
        for (Iface i : config.interfaces()) {
            for (IfAddr a : i.addresses()) {
                if (a.address() == address) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isDirectedBroadcast(Iface i, int dst) {
        for (IfAddr a : i.addresses()) {
            if (a.prefix() < 31 && a.broadcast() == dst) {
                return true;
            }
        }
        return false;
    }

    private boolean isDirectedBroadcastAnywhere(int dst) {
        if (config == null) {
            return false;
        }
        for (Iface i : config.interfaces()) {
            if (isDirectedBroadcast(i, dst)) {
                return true;
            }
        }
        return false;
    }

    static boolean isMulticast(int a) {
        return (a & 0xF0000000) == 0xE0000000;
    }

    static boolean isLoopbackNet(int a) {
        return (a >>> 24) == 127;
    }

    // ---------------------------------------------------------------- the rest of IpLayer, timers, reports

    @Override
    public void ready(long handle) {
        ready.add(handle);
    }

    @Override
    public long newHandle() {
        return handleBase + ++handles;
    }

    @Override
    public long nowNanos() {
        return clock.getAsLong();
    }

    @Override
    public long random() {
        return random.nextLong();
    }

    @Override
    public void count(String counter) {
        counters.inc(counter);
    }

    /** ARP and reassembly timers (the transports' are {@link Inet}'s to run). */
    void tick(long now) {
        arp.tick(now);
        for (byte[] q : reassembly.expire(now)) {
            icmpError(11, 1, 0, q, 0, q.length);
        }
    }

    List<String> arpReport() {
        return arp.report(clock.getAsLong());
    }

    /** Datagrams and bytes held for reassembly. */
    long[] reassemblyUse() {
        return new long[] {reassembly.datagrams(), reassembly.bytes()};
    }
}
