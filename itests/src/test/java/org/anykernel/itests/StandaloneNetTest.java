package org.anykernel.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.LibraryKernel;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Standalone;
import org.anykernel.hw.api.NicController;
import org.anykernel.hw.api.SimHardware;
import org.anykernel.net.api.Net;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The socket conformance suite on standalone kernels (no OSGi: nic-sim and net-inet linked from the class path), two
 * of them on one in-JVM switch, configured through {@code netctl} as a program would.
 */
class StandaloneNetTest {
    /** Threads for the parts of a test that run at once (the common pool may have a single worker here). */
    static final java.util.concurrent.ExecutorService POOL = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "net-test");
        t.setDaemon(true);
        return t;
    });
    private static final List<NicController> NICS = new ArrayList<>();
    private static final List<LibraryKernel> KERNELS = new ArrayList<>();
    private static Posix a;
    private static Posix b;

    /** A standalone kernel with one NIC on switch {@code sw}, configured with {@code address}. */
    static LibraryKernel kernel(String name, String sw, String address) {
        NicController nic = SimHardware.switchNic(name + "-eth0", sw);
        NICS.add(nic);
        LibraryKernel k = Standalone.builder(name).drivers("nic-sim", "net-inet")
                .hardware(nic, Map.of("hw.nic.name", "eth0")).build();
        KERNELS.add(k);
        k.posix().netctl("ifconfig eth0 " + address + " up");
        return k;
    }

    @BeforeAll
    static void boot() {
        a = kernel("net-a", "sw-conformance", "10.1.0.1/24").posix();
        b = kernel("net-b", "sw-conformance", "10.1.0.2/24").posix();
    }

    @AfterAll
    static void shutdown() {
        KERNELS.forEach(LibraryKernel::close);
        NICS.forEach(SimHardware::powerOff);
    }

    @TestFactory
    Stream<DynamicTest> socketConformance() {
        SocketConformance suite = new SocketConformance(a, "10.1.0.1", b, "10.1.0.2",
                (n, c) -> KERNELS.get(0).spawn(n, c));
        return SocketConformance.cases().stream().map(c -> DynamicTest.dynamicTest(c, () -> suite.run(c)));
    }

    /** Two kernels on a switch whose wires lose, duplicate and reorder 1% of the frames each. */
    private static Posix[] lossyPair(String tag, long seed) {
        return pair(tag, Map.of("faults", "drop=0.01,duplicate=0.01,reorder=0.01,seed=" + seed));
    }

    /** Two kernels on a switch of their own, their NICs configured with {@code nicProperties} too. */
    private static Posix[] pair(String tag, Map<String, Object> nicProperties) {
        Posix[] out = new Posix[2];
        for (int i = 0; i < 2; i++) {
            Map<String, Object> props = new java.util.HashMap<>(nicProperties);
            props.put("backend", "switch:sw-" + tag);
            NicController nic = SimHardware.nic(tag + i, props);
            NICS.add(nic);
            LibraryKernel k = Standalone.builder(tag + i).drivers("nic-sim", "net-inet")
                    .hardware(nic, Map.of("hw.nic.name", "eth0")).build();
            KERNELS.add(k);
            k.posix().netctl("ifconfig eth0 10.5.0." + (i + 1) + "/24 up");
            out[i] = k.posix();
        }
        return out;
    }

    /**
     * A TCP connection from {@code k[0]} to {@code k[1]} (10.5.0.2) on {@code port}, both ends with a receive timeout
     * of {@code seconds}: the listener, the client and the accepted socket.
     */
    private static int[] connection(Posix[] k, int port, int seconds) {
        int l = k[1].socket(org.anykernel.net.api.Net.AF_INET, org.anykernel.net.api.Net.SOCK_STREAM, 0);
        k[1].bind(l, SocketConformance.sa("0.0.0.0", port));
        k[1].listen(l, 1);
        int c = k[0].socket(org.anykernel.net.api.Net.AF_INET, org.anykernel.net.api.Net.SOCK_STREAM, 0);
        k[0].connect(c, SocketConformance.sa("10.5.0.2", port));
        int sv = k[1].accept(l, null);
        SocketConformance.timeout(k[0], c, seconds);
        SocketConformance.timeout(k[1], sv, seconds);
        return new int[] {l, c, sv};
    }

    @Test
    void tcpMovesMegabytesIntactOverALossyWire() throws Exception {
        Posix[] k = lossyPair("lossy-tcp", 7);
        int[] conn = connection(k, 6000, 60);
        int l = conn[0];
        int c = conn[1];
        int sv = conn[2];
        byte[] up = SocketConformance.pattern(4 << 20, 21);
        byte[] down = SocketConformance.pattern(3 << 20, 22);
        java.util.concurrent.CompletableFuture<byte[]> gotUp = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> SocketConformance.recvAll(k[1], sv, up.length), POOL);
        java.util.concurrent.CompletableFuture<byte[]> gotDown = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> SocketConformance.recvAll(k[0], c, down.length), POOL);
        java.util.concurrent.CompletableFuture<Void> sendUp = java.util.concurrent.CompletableFuture.runAsync(
                () -> SocketConformance.sendAll(k[0], c, up), POOL);
        SocketConformance.sendAll(k[1], sv, down);
        sendUp.get(120, java.util.concurrent.TimeUnit.SECONDS);
        org.junit.jupiter.api.Assertions.assertArrayEquals(up, gotUp.get(120, java.util.concurrent.TimeUnit.SECONDS));
        org.junit.jupiter.api.Assertions.assertArrayEquals(down, gotDown.get(120, java.util.concurrent.TimeUnit.SECONDS));
        String stats = k[0].netctl("netstat -s");
        assertTrue(stats.contains("retransmits="), stats);
        k[0].close(c);
        k[1].close(sv);
        k[1].close(l);
    }

    /**
     * {@code SO_BUSY_POLL} on both receiving sockets of a TCP connection over a lossy wire: the application threads
     * take frames off the NICs themselves, in turn with the receive threads, and the bytes still arrive in order.
     */
    @Test
    void busyPollingReceiversGetMegabytesIntactAndInOrder() throws Exception {
        Posix[] k = lossyPair("busy-tcp", 11);
        int[] conn = connection(k, 6100, 60);
        for (int i = 0; i < 2; i++) {
            int fd = conn[1 + i];
            k[i].setsockopt(fd, Net.SOL_SOCKET, Net.SO_BUSY_POLL, 300);
            assertEquals(300, k[i].getsockopt(fd, Net.SOL_SOCKET, Net.SO_BUSY_POLL));
        }
        byte[] up = SocketConformance.pattern(3 << 20, 31);
        byte[] down = SocketConformance.pattern(2 << 20, 32);
        java.util.concurrent.CompletableFuture<byte[]> gotUp = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> SocketConformance.recvAll(k[1], conn[2], up.length), POOL);
        java.util.concurrent.CompletableFuture<byte[]> gotDown = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> SocketConformance.recvAll(k[0], conn[1], down.length), POOL);
        java.util.concurrent.CompletableFuture<Void> sendUp = java.util.concurrent.CompletableFuture.runAsync(
                () -> SocketConformance.sendAll(k[0], conn[1], up), POOL);
        SocketConformance.sendAll(k[1], conn[2], down);
        sendUp.get(120, java.util.concurrent.TimeUnit.SECONDS);
        org.junit.jupiter.api.Assertions.assertArrayEquals(up, gotUp.get(120, java.util.concurrent.TimeUnit.SECONDS));
        org.junit.jupiter.api.Assertions.assertArrayEquals(down, gotDown.get(120, java.util.concurrent.TimeUnit.SECONDS));
        for (Posix px : k) {
            String stats = px.netctl("netstat -s");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("eth0 .* busy_poll_rx=(\\d+)").matcher(stats);
            assertTrue(m.find() && Long.parseLong(m.group(1)) > 0, "no frame came in by busy polling:\n" + stats);
        }
        for (int bad : new int[] {-1, 1_000_001}) {
            KernelException e = org.junit.jupiter.api.Assertions.assertThrows(KernelException.class,
                    () -> k[0].setsockopt(conn[1], Net.SOL_SOCKET, Net.SO_BUSY_POLL, bad));
            assertEquals(Errno.EINVAL, e.errno());
            assertTrue(e.getMessage().contains("SO_BUSY_POLL"), e.getMessage());
        }
        assertEquals(300, k[0].getsockopt(conn[1], Net.SOL_SOCKET, Net.SO_BUSY_POLL), "a refused value changes nothing");
        k[0].close(conn[1]);
        k[1].close(conn[2]);
        k[1].close(conn[0]);
    }

    /** Both ends at MTU 65000 (jumbo frames, as Linux loopback's 65536): segments of 64 KiB are framed in place. */
    @Test
    void jumboFramesCarryTcpAndUdpIntact() throws Exception {
        Posix[] k = pair("jumbo", Map.of("mtu", 65000));
        assertTrue(k[0].netctl("ifconfig eth0").contains("mtu 65000"), k[0].netctl("ifconfig eth0"));
        int[] conn = connection(k, 6001, 30);
        int l = conn[0];
        int c = conn[1];
        int sv = conn[2];
        assertEquals(64960, k[0].getsockopt(c, org.anykernel.net.api.Net.IPPROTO_TCP,
                org.anykernel.net.api.Net.TCP_MAXSEG), "the MSS follows the MTU");
        assertEquals(64 * 64960, k[0].getsockopt(c, org.anykernel.net.api.Net.SOL_SOCKET,
                org.anykernel.net.api.Net.SO_SNDBUF), "buffers not sized by the application hold 64 segments");
        assertEquals(64 * 64960, k[1].getsockopt(sv, org.anykernel.net.api.Net.SOL_SOCKET,
                org.anykernel.net.api.Net.SO_RCVBUF), "the accepted side's too");
        int sized = k[0].socket(org.anykernel.net.api.Net.AF_INET, org.anykernel.net.api.Net.SOCK_STREAM, 0);
        k[0].setsockopt(sized, org.anykernel.net.api.Net.SOL_SOCKET, org.anykernel.net.api.Net.SO_RCVBUF, 100_000);
        k[0].connect(sized, SocketConformance.sa("10.5.0.2", 6001));
        assertEquals(100_000, k[0].getsockopt(sized, org.anykernel.net.api.Net.SOL_SOCKET,
                org.anykernel.net.api.Net.SO_RCVBUF), "a size the application set stays");
        k[0].close(sized);
        k[1].close(k[1].accept(l, null));
        byte[] up = SocketConformance.pattern(8 << 20, 31);
        java.util.concurrent.CompletableFuture<byte[]> gotUp = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> SocketConformance.recvAll(k[1], sv, up.length), POOL);
        SocketConformance.sendAll(k[0], c, up);
        org.junit.jupiter.api.Assertions.assertArrayEquals(up, gotUp.get(60, java.util.concurrent.TimeUnit.SECONDS));
        k[0].close(c);
        k[1].close(sv);
        k[1].close(l);
        int u0 = k[0].socket(org.anykernel.net.api.Net.AF_INET, org.anykernel.net.api.Net.SOCK_DGRAM, 0);
        int u1 = k[1].socket(org.anykernel.net.api.Net.AF_INET, org.anykernel.net.api.Net.SOCK_DGRAM, 0);
        k[1].bind(u1, SocketConformance.sa("0.0.0.0", 6002));
        SocketConformance.timeout(k[1], u1, 10);
        byte[] dgram = SocketConformance.pattern(60000, 32);
        assertEquals(dgram.length, k[0].sendto(u0, dgram, 0, dgram.length, 0, SocketConformance.sa("10.5.0.2", 6002)));
        byte[] got = new byte[65536];
        assertEquals(dgram.length, k[1].recvfrom(u1, got, 0, got.length, 0, null));
        org.junit.jupiter.api.Assertions.assertArrayEquals(dgram, java.util.Arrays.copyOf(got, dgram.length));
        k[0].close(u0);
        k[1].close(u1);
    }

    @Test
    void udpAndPingOverALossyWire() {
        Posix[] k = lossyPair("lossy-udp", 8);
        org.anykernel.net.api.Ping.Result r = org.anykernel.net.api.Ping.run(k[0], "10.5.0.2", 50, 0, 500, l -> { });
        assertTrue(r.received() >= 40 && r.received() <= 50, r.summary());
        // 2 MiB by stop-and-wait over UDP: every datagram numbered and acknowledged, resent on a timeout, so loss,
        // duplicates and reordering on the wire cost time, never bytes
        int s = k[0].socket(org.anykernel.net.api.Net.AF_INET, org.anykernel.net.api.Net.SOCK_DGRAM, 0);
        int rcv = k[1].socket(org.anykernel.net.api.Net.AF_INET, org.anykernel.net.api.Net.SOCK_DGRAM, 0);
        k[1].bind(rcv, SocketConformance.sa("0.0.0.0", 6001));
        byte[] tv = new byte[16]; // struct timeval {0 s, 20 000 us}, little-endian
        tv[8] = 0x20;
        tv[9] = 0x4E;
        k[0].syscall(org.anykernel.base.api.Sys.SETSOCKOPT, s, 1, org.anykernel.net.api.Net.SO_RCVTIMEO, tv);
        byte[] data = SocketConformance.pattern(2 << 20, 23);
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        Thread receiver = Thread.ofPlatform().start(() -> {
            byte[] buf = new byte[2048];
            byte[] from = new byte[16];
            int expect = 0;
            while (got.size() < data.length) {
                int n = k[1].recvfrom(rcv, buf, 0, buf.length, 0, from);
                int seq = (buf[0] & 0xFF) << 24 | (buf[1] & 0xFF) << 16 | (buf[2] & 0xFF) << 8 | (buf[3] & 0xFF);
                if (seq == expect) {
                    got.write(buf, 4, n - 4);
                    expect++;
                }
                k[1].sendto(rcv, buf, 0, 4, 0, from);
            }
        });
        int chunk = 1400;
        byte[] pkt = new byte[chunk + 4];
        byte[] ack = new byte[16];
        for (int seq = 0, off = 0; off < data.length; seq++, off += chunk) {
            int n = Math.min(chunk, data.length - off);
            pkt[0] = (byte) (seq >>> 24);
            pkt[1] = (byte) (seq >>> 16);
            pkt[2] = (byte) (seq >>> 8);
            pkt[3] = (byte) seq;
            System.arraycopy(data, off, pkt, 4, n);
            while (true) {
                k[0].sendto(s, pkt, 0, n + 4, 0, SocketConformance.sa("10.5.0.2", 6001));
                try {
                    int a = k[0].recv(s, ack, 0, ack.length, 0);
                    if (a == 4 && java.util.Arrays.equals(java.util.Arrays.copyOf(ack, 4), java.util.Arrays.copyOf(pkt, 4))) {
                        break;
                    }
                } catch (org.anykernel.base.api.KernelException e) {
                    assertEquals(org.anykernel.base.api.Errno.EAGAIN, e.errno(), e.getMessage());
                }
            }
        }
        try {
            receiver.join(30_000);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(data, got.toByteArray());
        k[0].close(s);
        k[1].close(rcv);
    }

    @Test
    void threeKernelsOnOneSwitchReachEachOther() {
        Posix c = kernel("net-c", "sw-conformance", "10.1.0.3/24").posix();
        for (String host : List.of("10.1.0.1", "10.1.0.2")) {
            assertEquals(2, org.anykernel.net.api.Ping.run(c, host, 2, 0, 2000, l -> { }).received(), host);
        }
        assertEquals(1, org.anykernel.net.api.Ping.run(a, "10.1.0.3", 1, 0, 2000, l -> { }).received());
    }

    @Test
    void badNetctlCommandsFailWithAnErrnoAndChangeNothing() {
        String routes = a.netctl("route");
        String ifc = a.netctl("ifconfig eth0");
        VfsConformance.fails(org.anykernel.base.api.Errno.ENODEV, () -> a.netctl("ifconfig eth9 10.9.9.9/24"));
        VfsConformance.fails(org.anykernel.base.api.Errno.EINVAL, () -> a.netctl("route add 10.9.0.0/33 10.1.0.2"));
        VfsConformance.fails(org.anykernel.base.api.Errno.ENETUNREACH,
                () -> a.netctl("route add 172.30.0.0/16 192.168.99.1"));
        VfsConformance.fails(org.anykernel.base.api.Errno.EINVAL, () -> a.netctl("ifconfig eth0 mtu 10"));
        VfsConformance.fails(org.anykernel.base.api.Errno.EINVAL, () -> a.netctl("ifconfig eth0 10.1.0.1"));
        VfsConformance.fails(org.anykernel.base.api.Errno.EINVAL, () -> a.netctl("frobnicate"));
        VfsConformance.fails(org.anykernel.base.api.Errno.ESRCH, () -> a.netctl("route del 192.168.0.0/16"));
        Posix user = KERNELS.get(0).spawn("user", new org.anykernel.base.api.Credentials(1000, 1000, List.of()));
        VfsConformance.fails(org.anykernel.base.api.Errno.EPERM, () -> user.netctl("ifconfig eth0 down"));
        assertTrue(user.netctl("ifconfig").contains("eth0"), "reading needs no root");
        assertEquals(routes, a.netctl("route"));
        assertEquals(ifc.replaceAll("(?s)RX packets.*", ""), a.netctl("ifconfig eth0").replaceAll("(?s)RX packets.*", ""));
    }

    @Test
    void theShellViewsShowInterfacesRoutesAndArp() {
        String ifc = a.netctl("ifconfig");
        assertTrue(ifc.contains("eth0: flags=<UP,BROADCAST,RUNNING> mtu 1500"), ifc);
        assertTrue(ifc.contains("inet 10.1.0.1/24  broadcast 10.1.0.255"), ifc);
        assertTrue(ifc.contains("lo: flags=<UP,LOOPBACK,RUNNING> mtu 65536"), ifc);
        String routes = a.netctl("route");
        assertTrue(routes.contains("10.1.0.0/24"), routes);
        assertTrue(routes.contains("127.0.0.0/8"), routes);
        org.anykernel.net.api.Ping.run(a, "10.1.0.2", 1, 0, 2000, l -> { });
        String arp = a.netctl("arp");
        assertTrue(arp.contains("10.1.0.2"), arp);
        assertEquals("", a.netctl("route add 192.168.7.0/24 10.1.0.2"));
        assertTrue(a.netctl("route").contains("192.168.7.0/24     10.1.0.2"), a.netctl("route"));
        assertEquals("", a.netctl("route del 192.168.7.0/24"));
    }
}
