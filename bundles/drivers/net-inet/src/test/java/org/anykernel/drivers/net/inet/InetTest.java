package org.anykernel.drivers.net.inet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.anykernel.base.api.Errno;
import org.anykernel.net.api.InetAddr;
import org.anykernel.net.api.Net;
import org.anykernel.net.spi.NetConfig;
import org.anykernel.net.spi.NetConfig.Route;
import org.anykernel.net.spi.NetResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InetTest {
    static final int A = InetAddr.parse("10.0.0.1"), B = InetAddr.parse("10.0.0.2");
    Wire wire;
    Inet h1, h2;

    static NetConfig hostConfig(String addr, int mac, int mtu) {
        return new NetConfig(1, List.of(Wire.lo(), Wire.eth(2, "eth0", mac, mtu, addr + "/24")),
                List.of(new Route(InetAddr.parse("10.0.0.0"), 24, 0, 2)), false);
    }

    @BeforeEach
    void setUp() {
        wire = new Wire();
        h1 = wire.host();
        h2 = wire.host();
        wire.configure(h1, hostConfig("10.0.0.1", 1, 1500), "lan");
        wire.configure(h2, hostConfig("10.0.0.2", 2, 1500), "lan");
    }

    static byte[] sa(String a, int port) {
        return InetAddr.of(a, port).toSockaddr();
    }

    static void ok(NetResult r) {
        assertEquals(0, r.errno(), () -> "errno " + Errno.ofNumber(r.errno()));
    }

    static void fails(Errno e, NetResult r) {
        assertEquals(e.number(), r.errno(), () -> "expected " + e + ", got " + Errno.ofNumber(r.errno()));
    }

    long udp(Inet h, String addr, int port) {
        NetResult r = h.socket(Net.SOCK_DGRAM, 0, 0);
        ok(r);
        if (addr != null) {
            ok(h.bind(r.value(), sa(addr, port)));
        }
        return r.value();
    }

    NetResult send(Inet h, long s, byte[] data, byte[] to) {
        return wire.pump(h, h.send(s, data, 0, data.length, 0, to));
    }

    @Test
    void gratuitousArpOnConfigure() {
        List<byte[]> lan = wire.seen.get("lan");
        assertEquals(2, lan.size());
        assertEquals(0x0806, Bytes.u16(lan.get(0), 12));
        assertEquals(A, Bytes.i32(lan.get(0), 14 + 14));
        assertEquals(A, Bytes.i32(lan.get(0), 14 + 24));
        // The same configuration again announces nothing.
        assertTrue(h1.configure(hostConfig("10.0.0.1", 1, 1500)).out().isEmpty());
        assertTrue(h1.tick(wire.clock.get()).out().isEmpty());
        assertEquals(1, h1.configVersion());
    }

    @Test
    void arpResolvesAndReports() {
        long s1 = udp(h1, "0.0.0.0", 0);
        long s2 = udp(h2, "0.0.0.0", 7000);
        ok(send(h1, s1, "hi".getBytes(), sa("10.0.0.2", 7000)));
        NetResult r = h2.recv(s2, 100, 0);
        ok(r);
        assertEquals("hi", new String(r.data()));
        List<String> arp = h1.report("arp");
        assertEquals(List.of("10.0.0.2 at 02:00:00:00:00:02 on eth0 reachable expires 60s"), arp);
        // h2 learnt h1 from the request addressed to it.
        assertEquals(List.of("10.0.0.1 at 02:00:00:00:00:01 on eth0 reachable expires 60s"), h2.report("arp"));
        wire.advance(61_000_000_000L);
        assertTrue(h1.report("arp").isEmpty(), "forgotten after 60 s");
    }

    @Test
    void arpFailureReportsHostUnreachable() {
        long s = udp(h1, null, 0);
        ok(h1.connect(s, sa("10.0.0.99", 9)));
        int before = wire.seen.get("lan").size();
        ok(send(h1, s, new byte[10], null));
        assertTrue(h1.report("arp").get(0).startsWith("10.0.0.99 at (incomplete) on eth0 incomplete expires 1s"));
        wire.advance(1_000_000_000L);
        wire.advance(1_000_000_000L);
        wire.advance(1_000_000_000L);
        assertEquals(before + 3, wire.seen.get("lan").size(), "three ARP requests");
        assertTrue(wire.woken.contains(s));
        fails(Errno.EHOSTUNREACH, h1.recv(s, 100, 0));
        fails(Errno.EHOSTUNREACH, h1.send(s, new byte[1], 0, 1, 0, null));
        assertEquals(1, h1.counter("arp.unresolved"));
    }

    @Test
    void arpQueueIsBounded() {
        long s = udp(h1, null, 0);
        for (int i = 0; i < 20; i++) {
            ok(h1.send(s, new byte[10], 0, 10, 0, sa("10.0.0.98", 9)));
        }
        assertEquals(12, h1.counter("arp.queue_drops"));
    }

    @Test
    void pingSocketEchoRoundTrip() {
        NetResult r = h1.socket(Net.SOCK_DGRAM, Net.IPPROTO_ICMP, 1000);
        ok(r);
        long s = r.value();
        byte[] echo = new byte[16];
        echo[0] = 8;
        Bytes.put16(echo, 6, 7);
        System.arraycopy("payload!".getBytes(), 0, echo, 8, 8);
        ok(send(h1, s, echo, sa("10.0.0.2", 0)));
        NetResult in = h1.recv(s, 100, 0);
        ok(in);
        byte[] reply = in.data();
        assertEquals(16, reply.length);
        assertEquals(0, reply[0]);
        assertEquals(7, Bytes.u16(reply, 6));
        assertEquals("payload!", new String(reply, 8, 8));
        assertEquals(0, Bytes.checksum(reply, 0, reply.length));
        InetAddr local = InetAddr.fromSockaddr(h1.address(s, false).addr());
        assertEquals(local.port(), Bytes.u16(reply, 4), "the id is the socket's port");
        assertEquals(InetAddr.of("10.0.0.2", 0), InetAddr.fromSockaddr(in.addr()));
        assertEquals(1, h2.counter("icmp.echo_out"));
        fails(Errno.EAGAIN, h1.recv(s, 100, 0));
        // Only echo requests may be sent.
        echo[0] = 13;
        fails(Errno.EINVAL, h1.send(s, echo, 0, 16, 0, sa("10.0.0.2", 0)));
    }

    @Test
    void udpSendRecvAndPortUnreachable() {
        long s2 = udp(h2, "10.0.0.2", 5000);
        long s1 = udp(h1, "10.0.0.1", 6000);
        fails(Errno.EDESTADDRREQ, h1.send(s1, new byte[1], 0, 1, 0, null));
        fails(Errno.EMSGSIZE, h1.send(s1, new byte[65508], 0, 65508, 0, sa("10.0.0.2", 5000)));
        ok(send(h1, s1, "one".getBytes(), sa("10.0.0.2", 5000)));
        ok(send(h1, s1, "second".getBytes(), sa("10.0.0.2", 5000)));
        assertTrue(wire.woken.contains(s2));
        assertEquals(Net.POLLIN | Net.POLLOUT, h2.poll(s2).value());
        NetResult peek = h2.recv(s2, 2, Net.MSG_PEEK);
        assertEquals("on", new String(peek.data()));
        NetResult r = h2.recv(s2, 100, 0);
        assertEquals("one", new String(r.data()));
        assertEquals(InetAddr.of("10.0.0.1", 6000), InetAddr.fromSockaddr(r.addr()));
        r = h2.recv(s2, 3, 0);
        assertEquals("sec", new String(r.data()), "truncated, the rest discarded");
        fails(Errno.EAGAIN, h2.recv(s2, 100, 0));
        assertEquals(Net.POLLOUT, h2.poll(s2).value());

        // Connected to a port nobody listens on: the ICMP port unreachable comes back as ECONNREFUSED.
        ok(h1.connect(s1, sa("10.0.0.2", 5999)));
        ok(send(h1, s1, "x".getBytes(), null));
        assertEquals(1, h2.counter("udp.no_port"));
        assertEquals(1, h2.counter("icmp.errors_out"));
        assertTrue((h1.poll(s1).value() & Net.POLLERR) != 0);
        fails(Errno.ECONNREFUSED, h1.recv(s1, 100, 0));
        fails(Errno.EAGAIN, h1.recv(s1, 100, 0));
        assertTrue(h1.report("sockets").stream().anyMatch(l -> l.contains("10.0.0.1:6000 -> 10.0.0.2:5999")));
    }

    @Test
    void udpBroadcastNeedsSoBroadcast() {
        long s2 = udp(h2, "0.0.0.0", 5000);
        long s1 = udp(h1, null, 0);
        fails(Errno.EACCES, h1.send(s1, new byte[1], 0, 1, 0, sa("255.255.255.255", 5000)));
        ok(h1.setsockopt(s1, Net.SOL_SOCKET, Net.SO_BROADCAST, 1));
        ok(send(h1, s1, "all".getBytes(), sa("10.0.0.255", 5000)));
        ok(send(h1, s1, "ALL".getBytes(), sa("255.255.255.255", 5000)));
        assertEquals("all", new String(h2.recv(s2, 10, 0).data()));
        assertEquals("ALL", new String(h2.recv(s2, 10, 0).data()));
        // No port unreachable for broadcasts.
        ok(send(h1, s1, "x".getBytes(), sa("255.255.255.255", 5001)));
        assertEquals(0, h2.counter("icmp.errors_out"));
    }

    @Test
    void fragmentsAndReassembles() {
        long s2 = udp(h2, "0.0.0.0", 5000);
        long s1 = udp(h1, null, 0);
        byte[] big = new byte[8000];
        new Random(1).nextBytes(big);
        ok(send(h1, s1, big, sa("10.0.0.2", 5000)));
        int fragments = 0;
        for (byte[] f : wire.seen.get("lan")) {
            if (Bytes.u16(f, 12) == 0x0800 && Bytes.u8(f, 14 + 9) == 17) {
                fragments++;
                assertTrue(f.length - 14 <= 1500);
                int off = (Bytes.u16(f, 14 + 6) & 0x1FFF) * 8;
                assertEquals(0, off % 8);
            }
        }
        assertEquals(6, fragments, "8008 bytes of UDP in 1480-byte pieces");
        NetResult r = h2.recv(s2, 10000, 0);
        ok(r);
        assertArrayEquals(big, r.data());
        assertEquals(1, h2.counter("ip.frag_reassembled"));
        // Don't fragment: EMSGSIZE from the IP layer.
        Stack st = new Stack(wire.clock::get, new java.util.SplittableRandom(1));
        st.configure(hostConfig("10.0.0.9", 9, 1500));
        try {
            st.output(0, B, 17, big, 0, big.length, 64, true);
            throw new AssertionError("sent");
        } catch (org.anykernel.base.api.KernelException e) {
            assertEquals(Errno.EMSGSIZE, e.errno());
        }
    }

    /** An IPv4 fragment from 10.0.0.1 to 10.0.0.2 in an Ethernet frame to h2. */
    static byte[] fragment(int id, int protocol, int offset, boolean more, byte[] payload, int src, int dst) {
        byte[] f = new byte[14 + 20 + payload.length];
        System.arraycopy(Wire.mac(2), 0, f, 0, 6);
        System.arraycopy(Wire.mac(1), 0, f, 6, 6);
        Bytes.put16(f, 12, 0x0800);
        f[14] = 0x45;
        Bytes.put16(f, 16, 20 + payload.length);
        Bytes.put16(f, 18, id);
        Bytes.put16(f, 20, (more ? 0x2000 : 0) | (offset / 8 & 0x1FFF));
        f[22] = 64;
        f[23] = (byte) protocol;
        Bytes.put32(f, 26, src);
        Bytes.put32(f, 30, dst);
        Bytes.put16(f, 24, Bytes.checksum(f, 14, 20));
        System.arraycopy(payload, 0, f, 34, payload.length);
        return f;
    }

    @Test
    void overlappingFragmentsDropTheDatagram() {
        long s2 = udp(h2, "0.0.0.0", 5000);
        byte[] udp = new byte[32];
        Bytes.put16(udp, 0, 1234);
        Bytes.put16(udp, 2, 5000);
        Bytes.put16(udp, 4, 32);
        ok(h2.input(2, List.of(fragment(77, 17, 0, true, java.util.Arrays.copyOfRange(udp, 0, 16), A, B))));
        ok(h2.input(2, List.of(fragment(77, 17, 8, true, java.util.Arrays.copyOfRange(udp, 8, 24), A, B))));
        ok(h2.input(2, List.of(fragment(77, 17, 16, false, java.util.Arrays.copyOfRange(udp, 16, 32), A, B))));
        assertEquals(1, h2.counter("ip.frag_overlap"));
        assertEquals(1, h2.counter("ip.frag_dropped"));
        fails(Errno.EAGAIN, h2.recv(s2, 100, 0));
        // The same datagram without the overlap arrives (and in any order).
        ok(h2.input(2, List.of(fragment(78, 17, 16, false, java.util.Arrays.copyOfRange(udp, 16, 32), A, B))));
        ok(h2.input(2, List.of(fragment(78, 17, 0, true, java.util.Arrays.copyOfRange(udp, 0, 16), A, B))));
        NetResult r = h2.recv(s2, 100, 0);
        ok(r);
        assertEquals(24, r.data().length);
    }

    @Test
    void reassemblyExpiresWithTimeExceeded() {
        byte[] udp = new byte[16];
        Bytes.put16(udp, 2, 5000);
        wire.pump(h2, h2.input(2, List.of(fragment(5, 17, 0, true, udp, A, B))));
        wire.advance(31_000_000_000L);
        assertEquals(1, h2.counter("ip.frag_timeout"));
        assertEquals(1, h2.counter("icmp.errors_out"));
    }

    static long[] reassemblyUse(Inet h) {
        for (String l : h.report("stats")) {
            if (l.startsWith("reassembly ")) {
                String[] p = l.split(" ");
                return new long[] {Long.parseLong(p[1].split("=")[1]), Long.parseLong(p[2].split("=")[1])};
            }
        }
        throw new AssertionError("no reassembly line");
    }

    @Test
    void reassemblyMemoryIsBounded() {
        Random rnd = new Random(7);
        long maxBytes = 0, maxDatagrams = 0;
        for (int i = 0; i < 10_000; i++) {
            int len = 8 * (1 + rnd.nextInt(180));
            int offset = 8 * rnd.nextInt(8000);
            byte[] payload = new byte[len];
            h2.input(2, List.of(fragment(rnd.nextInt(65536), 17, offset, rnd.nextInt(10) != 0, payload,
                    A + rnd.nextInt(4), B)));
            long[] use = reassemblyUse(h2);
            maxDatagrams = Math.max(maxDatagrams, use[0]);
            maxBytes = Math.max(maxBytes, use[1]);
        }
        assertTrue(maxDatagrams <= Reassembly.MAX_DATAGRAMS, "datagrams " + maxDatagrams);
        assertTrue(maxBytes <= Reassembly.MAX_BYTES, "bytes " + maxBytes);
        assertTrue(h2.counter("ip.frag_dropped") > 0);
        assertEquals(0, h2.counter("ip.bug"));
        wire.advance(31_000_000_000L);
        assertEquals(0, reassemblyUse(h2)[0]);
        assertEquals(0, reassemblyUse(h2)[1]);
    }

    @Test
    void loopbackDelivery() {
        Inet h = wire.host();
        h.configure(new NetConfig(3, List.of(Wire.lo()), List.of(), false));
        NetResult r = h.socket(Net.SOCK_DGRAM, 0, 0);
        long s = r.value();
        ok(h.bind(s, sa("127.0.0.1", 4000)));
        long c = h.socket(Net.SOCK_DGRAM, 0, 0).value();
        NetResult sent = h.send(c, "loop".getBytes(), 0, 4, 0, sa("127.0.0.1", 4000));
        ok(sent);
        assertEquals(1, sent.out().size());
        NetResult.Frame f = sent.out().get(0);
        assertEquals(1, f.ifindex());
        assertEquals(0x45, f.bytes()[0], "an IP packet, no Ethernet header");
        fails(Errno.EAGAIN, h.recv(s, 10, 0));
        NetResult in = h.input(1, List.of(f.bytes()));
        assertTrue(in.ready().contains(s));
        NetResult got = h.recv(s, 10, 0);
        assertEquals("loop", new String(got.data()));
        assertEquals(InetAddr.LOOPBACK, InetAddr.fromSockaddr(got.addr()).address());
        // To our own Ethernet address: through the loopback too.
        long s1 = udp(h1, "10.0.0.1", 4001);
        NetResult self = h1.send(s1, "me".getBytes(), 0, 2, 0, sa("10.0.0.1", 4001));
        assertEquals(1, self.out().get(0).ifindex());
        wire.pump(h1, self);
        assertEquals("me", new String(h1.recv(s1, 10, 0).data()));
    }

    @Test
    void routesThroughAForwardingRouter() {
        Wire w = new Wire();
        Inet a = w.host(), router = w.host(), c = w.host();
        int gw1 = InetAddr.parse("10.0.0.254"), gw2 = InetAddr.parse("10.0.1.254");
        w.configure(a, new NetConfig(1, List.of(Wire.lo(), Wire.eth(2, "eth0", 1, 1500, "10.0.0.1/24")),
                List.of(new Route(InetAddr.parse("10.0.0.0"), 24, 0, 2), new Route(0, 0, gw1, 2)), false), "one");
        w.configure(router, new NetConfig(1, List.of(Wire.lo(), Wire.eth(2, "eth0", 10, 1500, "10.0.0.254/24"),
                Wire.eth(3, "eth1", 11, 1500, "10.0.1.254/24")),
                List.of(new Route(InetAddr.parse("10.0.0.0"), 24, 0, 2),
                        new Route(InetAddr.parse("10.0.1.0"), 24, 0, 3)), true), "one", "two");
        w.configure(c, new NetConfig(1, List.of(Wire.lo(), Wire.eth(2, "eth0", 3, 1500, "10.0.1.2/24")),
                List.of(new Route(InetAddr.parse("10.0.1.0"), 24, 0, 2), new Route(0, 0, gw2, 2)), false), "two");
        long sc = udp(c, "0.0.0.0", 53);
        long sa1 = udp(a, null, 0);
        ok(w.pump(a, a.send(sa1, "via".getBytes(), 0, 3, 0, sa("10.0.1.2", 53))));
        NetResult r = c.recv(sc, 10, 0);
        ok(r);
        assertEquals("via", new String(r.data()));
        assertEquals(InetAddr.parse("10.0.0.1"), InetAddr.fromSockaddr(r.addr()).address());
        assertEquals(1, router.counter("ip.forwarded"));
        int ttlOne = -1, ttlTwo = -1;
        for (byte[] f : w.seen.get("one")) {
            if (Bytes.u16(f, 12) == 0x0800 && Bytes.u8(f, 23) == 17) {
                ttlOne = Bytes.u8(f, 22);
            }
        }
        for (byte[] f : w.seen.get("two")) {
            if (Bytes.u16(f, 12) == 0x0800 && Bytes.u8(f, 23) == 17) {
                ttlTwo = Bytes.u8(f, 22);
                assertEquals(0, Bytes.checksum(f, 14, 20), "the header checksum is updated");
            }
        }
        assertEquals(64, ttlOne);
        assertEquals(63, ttlTwo);
        // The answer goes back the same way.
        ok(w.pump(c, c.send(sc, "back".getBytes(), 0, 4, 0, r.addr())));
        assertEquals("back", new String(a.recv(sa1, 10, 0).data()));

        // TTL 1: the router answers with time exceeded, which a connected socket hears as EHOSTUNREACH.
        long t = udp(a, null, 0);
        ok(a.setsockopt(t, Net.IPPROTO_IP, Net.IP_TTL, 1));
        ok(a.connect(t, sa("10.0.1.2", 53)));
        ok(w.pump(a, a.send(t, "x".getBytes(), 0, 1, 0, null)));
        assertEquals(1, router.counter("ip.ttl_exceeded"));
        fails(Errno.EHOSTUNREACH, a.recv(t, 10, 0));
        // No route at the router: net unreachable.
        long u = udp(a, null, 0);
        ok(a.connect(u, sa("10.9.9.9", 53)));
        ok(w.pump(a, a.send(u, "x".getBytes(), 0, 1, 0, null)));
        assertEquals(1, router.counter("ip.no_route"));
        fails(Errno.ENETUNREACH, a.recv(u, 10, 0));
        // A host that does not forward drops what is not for it.
        assertEquals(0, c.counter("ip.forwarded"));
    }

    @Test
    void unknownHandles() {
        long bogus = 0x1234_5678_9abcL;
        fails(Errno.ECONNRESET, h1.send(bogus, new byte[1], 0, 1, 0, sa("10.0.0.2", 1)));
        fails(Errno.ECONNRESET, h1.recv(bogus, 1, 0));
        fails(Errno.ECONNRESET, h1.poll(bogus));
        fails(Errno.ECONNRESET, h1.bind(bogus, sa("0.0.0.0", 1)));
        ok(h1.close(bogus));
        // A handle of another instance is unknown here.
        long other = udp(h2, null, 0);
        fails(Errno.ECONNRESET, h1.poll(other));
        long mine = udp(h1, null, 0);
        ok(h1.close(mine));
        fails(Errno.ECONNRESET, h1.poll(mine));
    }

    @Test
    void bindRules() {
        long a = h1.socket(Net.SOCK_DGRAM, 0, 1000).value();
        fails(Errno.EACCES, h1.bind(a, sa("0.0.0.0", 80)));
        long root = h1.socket(Net.SOCK_DGRAM, 0, 0).value();
        ok(h1.bind(root, sa("0.0.0.0", 80)));
        ok(h1.bind(a, sa("0.0.0.0", 5000)));
        fails(Errno.EINVAL, h1.bind(a, sa("0.0.0.0", 5001)));
        long b = h1.socket(Net.SOCK_DGRAM, 0, 1000).value();
        fails(Errno.EADDRINUSE, h1.bind(b, sa("10.0.0.1", 5000)));
        fails(Errno.EADDRNOTAVAIL, h1.bind(b, sa("10.0.0.77", 5002)));
        ok(h1.setsockopt(a, Net.SOL_SOCKET, Net.SO_REUSEADDR, 1));
        ok(h1.setsockopt(b, Net.SOL_SOCKET, Net.SO_REUSEADDR, 1));
        ok(h1.bind(b, sa("0.0.0.0", 5000)));
        ok(h1.close(h1.socket(Net.SOCK_STREAM, 0, 0).value()));
        fails(Errno.EPROTONOSUPPORT, h1.socket(Net.SOCK_DGRAM, Net.IPPROTO_TCP, 0));
        fails(Errno.ESOCKTNOSUPPORT, h1.socket(Net.SOCK_RAW, 0, 0));
        fails(Errno.EOPNOTSUPP, h1.listen(a, 1));
        fails(Errno.ENOTCONN, h1.address(a, true));
        assertEquals(InetAddr.of("0.0.0.0", 5000), InetAddr.fromSockaddr(h1.address(a, false).addr()));
        assertEquals(Net.SOCK_DGRAM, h1.getsockopt(a, Net.SOL_SOCKET, Net.SO_TYPE).value());
        assertEquals(256 * 1024, h1.getsockopt(a, Net.SOL_SOCKET, Net.SO_RCVBUF).value());
        fails(Errno.EAFNOSUPPORT, h1.bind(b, new byte[16]));
    }

    @Test
    void receiveBufferIsBounded() {
        long s2 = udp(h2, "0.0.0.0", 5000);
        ok(h2.setsockopt(s2, Net.SOL_SOCKET, Net.SO_RCVBUF, 4096));
        long s1 = udp(h1, null, 0);
        for (int i = 0; i < 10; i++) {
            ok(send(h1, s1, new byte[1000], sa("10.0.0.2", 5000)));
        }
        assertEquals(7, h2.counter("udp.rcvbuf_drops"), "1064 bytes charged each: 3 fit in 4096");
    }

    @Test
    void hostileInputNeverThrows() {
        Random rnd = new Random(99);
        // Valid frames to mutate: a UDP datagram, an echo request, fragments, an ARP request.
        List<byte[]> seeds = new ArrayList<>();
        long s1 = udp(h1, null, 0);
        udp(h2, "0.0.0.0", 5000);
        ok(send(h1, s1, new byte[3000], sa("10.0.0.2", 5000)));
        long p = h1.socket(Net.SOCK_DGRAM, Net.IPPROTO_ICMP, 0).value();
        byte[] echo = new byte[24];
        echo[0] = 8;
        ok(send(h1, p, echo, sa("10.0.0.2", 0)));
        ok(send(h1, s1, new byte[4], sa("10.0.0.2", 5999)));
        seeds.addAll(wire.seen.get("lan"));
        long before = h2.counter("ip.bad_header") + h2.counter("ip.bad_checksum") + h2.counter("eth.bad")
                + h2.counter("arp.bad") + h2.counter("udp.bad_checksum") + h2.counter("icmp.bad");
        for (int i = 0; i < 100_000; i++) {
            byte[] f;
            int kind = rnd.nextInt(4);
            if (kind == 0) {
                f = new byte[rnd.nextInt(120)];
                rnd.nextBytes(f);
                if (f.length >= 14 && rnd.nextBoolean()) {
                    System.arraycopy(Wire.mac(2), 0, f, 0, 6);
                    Bytes.put16(f, 12, rnd.nextBoolean() ? 0x0800 : 0x0806);
                }
            } else {
                byte[] seed = seeds.get(rnd.nextInt(seeds.size()));
                f = java.util.Arrays.copyOf(seed, kind == 1 ? rnd.nextInt(seed.length + 1) : seed.length);
                int flips = 1 + rnd.nextInt(4);
                for (int k = 0; k < flips && f.length > 14; k++) {
                    f[14 + rnd.nextInt(f.length - 14)] = (byte) rnd.nextInt(256);
                }
                if (kind == 3 && f.length >= 34 && Bytes.u16(f, 12) == 0x0800) {
                    // Keep the header checksum right so that deeper layers see the damage.
                    Bytes.put16(f, 24, 0);
                    int ihl = (f[14] & 0x0F) * 4;
                    if (ihl >= 20 && 14 + ihl <= f.length) {
                        Bytes.put16(f, 24, Bytes.checksum(f, 14, ihl));
                    }
                }
            }
            int ifindex = rnd.nextInt(10) == 0 ? rnd.nextInt(4) : 2;
            if (ifindex == 1) {
                f = java.util.Arrays.copyOfRange(f, Math.min(14, f.length), f.length); // raw IP on the loopback
            }
            NetResult r = h2.input(ifindex, List.of(f));
            assertFalse(r.failed());
            if (i % 1000 == 0) {
                h2.tick(wire.clock.addAndGet(100_000_000L));
            }
        }
        long after = h2.counter("ip.bad_header") + h2.counter("ip.bad_checksum") + h2.counter("eth.bad")
                + h2.counter("arp.bad") + h2.counter("udp.bad_checksum") + h2.counter("icmp.bad");
        assertTrue(after > before + 1000, "drops counted: " + (after - before));
        assertEquals(0, h2.counter("ip.bug"), () -> String.join("\n", h2.report("stats")));
        assertTrue(h2.counter("udp.bad_checksum") > 0 && h2.counter("icmp.bad") > 0 && h2.counter("arp.bad") > 0
                && h2.counter("ip.bad_checksum") > 0 && h2.counter("ip.bad_header") > 0,
                () -> String.join("\n", h2.report("stats")));
        long[] use = reassemblyUse(h2);
        assertTrue(use[0] <= Reassembly.MAX_DATAGRAMS && use[1] <= Reassembly.MAX_BYTES);
        assertTrue(h2.report("stats").get(0).startsWith("ip in="));
    }

    @Test
    void statsReport() {
        List<String> stats = h1.report("stats");
        assertTrue(stats.get(0).startsWith("ip in=0 out=0 forwarded=0 bad_header=0 bad_checksum=0 "
                + "frag_reassembled=0 frag_dropped=0"), stats.get(0));
        assertTrue(stats.get(1).startsWith("icmp "));
        assertTrue(stats.get(2).startsWith("udp "));
        assertTrue(stats.get(3).startsWith("arp "));
    }
}
