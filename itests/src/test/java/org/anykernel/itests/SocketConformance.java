package org.anykernel.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import org.anykernel.base.api.Credentials;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Sys;
import org.anykernel.net.api.InetAddr;
import org.anykernel.net.api.Net;
import org.anykernel.net.api.Ping;

/**
 * The socket conformance suite: BSD socket semantics and the errno of each failure, between two kernels on one
 * Ethernet (kernel A, whose network drivers are under test, and a peer B) and over A's loopback. Each public method is
 * one case and uses ports of its own, so the cases run in any order. It runs as plain JUnit on standalone kernels and
 * in Pax Exam with net-inet and nic-sim colocated, isolated and in a library kernel: the same cases, whatever the
 * placement.
 */
final class SocketConformance {
    /** Threads for the parts of a test that run at once (the common pool may have a single worker here). */
    static final java.util.concurrent.ExecutorService POOL = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "net-test");
        t.setDaemon(true);
        return t;
    });
    private static final Credentials USER = new Credentials(1000, 1000, List.of());
    private static final AtomicInteger PORTS = new AtomicInteger(20000);

    private final Posix a;
    private final String addrA;
    private final Posix b;
    private final String addrB;
    private final BiFunction<String, Credentials, Posix> spawnA;

    /**
     * @param a      a root process of the kernel under test
     * @param addrA  its address on the shared Ethernet
     * @param b      a root process of the peer kernel
     * @param addrB  the peer's address
     * @param spawnA makes another process of kernel A with the given credentials
     */
    SocketConformance(Posix a, String addrA, Posix b, String addrB, BiFunction<String, Credentials, Posix> spawnA) {
        this.a = a;
        this.addrA = addrA;
        this.b = b;
        this.addrB = addrB;
        this.spawnA = spawnA;
    }

    /** The names of the cases, for runners that make one test per case. */
    static List<String> cases() {
        return Cases.of(SocketConformance.class);
    }

    /** Runs one case by name. */
    void run(String name) throws Throwable {
        Cases.run(this, name);
    }

    /** Runs every case; returns the failures, one line each. */
    List<String> runAll() {
        return Cases.runAll(this);
    }

    private static int port() {
        return PORTS.incrementAndGet();
    }

    static byte[] sa(String host, int port) {
        return InetAddr.of(host, port).toSockaddr();
    }

    static void fails(Errno want, Runnable r) {
        VfsConformance.fails(want, r);
    }

    /** Bounds every receive and send of {@code fd}: a stalled connection fails the test with EAGAIN, never hangs it. */
    static void timeout(Posix px, int fd, int seconds) {
        byte[] tv = new byte[16];
        tv[0] = (byte) seconds;
        px.syscall(Sys.SETSOCKOPT, fd, Net.SOL_SOCKET, Net.SO_RCVTIMEO, tv);
        px.syscall(Sys.SETSOCKOPT, fd, Net.SOL_SOCKET, Net.SO_SNDTIMEO, tv);
    }

    static byte[] pattern(int n, int seed) {
        byte[] d = new byte[n];
        for (int i = 0; i < n; i++) {
            d[i] = (byte) (i * 31 + seed + (i >>> 11));
        }
        return d;
    }

    static void sendAll(Posix px, int fd, byte[] d) {
        for (int o = 0; o < d.length; ) {
            o += px.send(fd, d, o, Math.min(d.length - o, 65536), 0);
        }
    }

    static byte[] recvAll(Posix px, int fd, int n) {
        byte[] d = new byte[n];
        int at = 0;
        while (at < n) {
            int k = px.recv(fd, d, at, n - at, 0);
            if (k == 0) {
                throw new AssertionError("end of stream after " + at + " of " + n + " bytes");
            }
            at += k;
        }
        return d;
    }

    /** A connected pair: client in {@code cli} (kernel {@code c}) to a listener in {@code s} at {@code host}. */
    private record Pair(int client, int server, int listener) {
    }

    private Pair connect(Posix c, Posix s, String host) {
        int port = port();
        int l = s.socket(Net.AF_INET, Net.SOCK_STREAM, 0);
        s.bind(l, sa("0.0.0.0", port));
        s.listen(l, 8);
        int cl = c.socket(Net.AF_INET, Net.SOCK_STREAM, 0);
        timeout(c, cl, 20);
        c.connect(cl, sa(host, port));
        byte[] peer = new byte[16];
        int sv = s.accept(l, peer);
        timeout(s, sv, 20);
        assertEquals("the accepted peer is the client's address", InetAddr.fromSockaddr(c.getsockname(cl)),
                InetAddr.fromSockaddr(peer));
        return new Pair(cl, sv, l);
    }

    private void close(Posix c, Posix s, Pair p) {
        c.close(p.client);
        s.close(p.server);
        s.close(p.listener);
    }

    // ---- cases

    public void udpDatagramsBetweenKernels() {
        int port = port();
        int rb = b.socket(Net.AF_INET, Net.SOCK_DGRAM, 0);
        int sa = a.socket(Net.AF_INET, Net.SOCK_DGRAM, 0);
        try {
            b.bind(rb, sa("0.0.0.0", port));
            timeout(b, rb, 10);
            timeout(a, sa, 10);
            byte[] msg = "hello over udp".getBytes(StandardCharsets.UTF_8);
            assertEquals(msg.length, a.sendto(sa, msg, 0, msg.length, 0, sa(addrB, port)));
            byte[] buf = new byte[100];
            byte[] from = new byte[16];
            int n = b.recvfrom(rb, buf, 0, buf.length, 0, from);
            assertEquals("hello over udp", new String(buf, 0, n, StandardCharsets.UTF_8));
            InetAddr f = InetAddr.fromSockaddr(from);
            assertEquals(addrA, InetAddr.format(f.address()));
            // the reply goes back to the sender's ephemeral port
            byte[] reply = "pong".getBytes(StandardCharsets.UTF_8);
            b.sendto(rb, reply, 0, reply.length, 0, from);
            n = a.recvfrom(sa, buf, 0, buf.length, 0, null);
            assertEquals("pong", new String(buf, 0, n, StandardCharsets.UTF_8));
            // datagram boundaries hold, and a short buffer truncates
            for (int i = 1; i <= 3; i++) {
                byte[] d = pattern(i * 100, i);
                a.sendto(sa, d, 0, d.length, 0, sa(addrB, port));
            }
            for (int i = 1; i <= 3; i++) {
                n = b.recvfrom(rb, buf, 0, 50, 0, null);
                assertEquals(50, n);
                byte[] want = new byte[50];
                System.arraycopy(pattern(i * 100, i), 0, want, 0, 50);
                assertArrayEquals(want, java.util.Arrays.copyOf(buf, 50));
            }
        } finally {
            a.close(sa);
            b.close(rb);
        }
    }

    public void udpFragmentedDatagram() {
        int port = port();
        int rb = b.socket(Net.AF_INET, Net.SOCK_DGRAM, 0);
        int sa = a.socket(Net.AF_INET, Net.SOCK_DGRAM, 0);
        try {
            b.bind(rb, sa("0.0.0.0", port));
            timeout(b, rb, 10);
            byte[] big = pattern(20000, 7);
            assertEquals(big.length, a.sendto(sa, big, 0, big.length, 0, sa(addrB, port)));
            byte[] buf = new byte[65536];
            int n = b.recvfrom(rb, buf, 0, buf.length, 0, null);
            assertEquals(big.length, n);
            assertArrayEquals(big, java.util.Arrays.copyOf(buf, n));
            fails(Errno.EMSGSIZE, () -> a.sendto(sa, new byte[70000], 0, 70000, 0, sa(addrB, port)));
        } finally {
            a.close(sa);
            b.close(rb);
        }
    }

    public void udpToAClosedPortIsRefused() {
        int sa = a.socket(Net.AF_INET, Net.SOCK_DGRAM, 0);
        try {
            timeout(a, sa, 5);
            a.connect(sa, sa(addrB, port()));
            a.send(sa, new byte[] {1, 2, 3}, 0, 3, 0);
            // the ICMP port unreachable comes back and the connected socket reports it
            fails(Errno.ECONNREFUSED, () -> a.recv(sa, new byte[10], 0, 10, 0));
        } finally {
            a.close(sa);
        }
    }

    public void tcpTransferBothWaysBetweenKernels() throws Exception {
        Pair p = connect(a, b, addrB);
        ExecutorService ex = Executors.newFixedThreadPool(2);
        try {
            byte[] up = pattern(3 << 20, 1);
            byte[] down = pattern(2 << 20, 2);
            CompletableFuture<byte[]> gotDown = CompletableFuture.supplyAsync(() -> recvAll(a, p.client, down.length), ex);
            CompletableFuture<byte[]> gotUp = CompletableFuture.supplyAsync(() -> recvAll(b, p.server, up.length), ex);
            CompletableFuture<Void> sendUp = CompletableFuture.runAsync(() -> sendAll(a, p.client, up), POOL);
            sendAll(b, p.server, down);
            sendUp.get(60, TimeUnit.SECONDS);
            assertArrayEquals("client to server", up, gotUp.get(60, TimeUnit.SECONDS));
            assertArrayEquals("server to client", down, gotDown.get(60, TimeUnit.SECONDS));
            // orderly close: the other side reads the end of the stream
            a.shutdown(p.client, Net.SHUT_WR);
            assertEquals(0, b.recv(p.server, new byte[10], 0, 10, 0));
            byte[] last = "after half-close".getBytes(StandardCharsets.UTF_8);
            sendAll(b, p.server, last);
            b.shutdown(p.server, Net.SHUT_WR);
            assertArrayEquals(last, recvAll(a, p.client, last.length));
            assertEquals(0, a.recv(p.client, new byte[10], 0, 10, 0));
        } finally {
            ex.shutdownNow();
            close(a, b, p);
        }
    }

    public void tcpOverTheLoopback() {
        Pair p = connect(a, a, "127.0.0.1");
        try {
            byte[] d = pattern(1 << 20, 3);
            CompletableFuture<Void> s = CompletableFuture.runAsync(() -> sendAll(a, p.client, d), POOL);
            assertArrayEquals(d, recvAll(a, p.server, d.length));
            s.join();
            assertEquals("127.0.0.1", InetAddr.format(InetAddr.fromSockaddr(a.getpeername(p.server)).address()));
        } finally {
            close(a, a, p);
        }
    }

    public void tcpConnectToAClosedPortIsRefused() {
        int s = a.socket(Net.AF_INET, Net.SOCK_STREAM, 0);
        try {
            fails(Errno.ECONNREFUSED, () -> a.connect(s, sa(addrB, port())));
        } finally {
            a.close(s);
        }
        int l = a.socket(Net.AF_INET, Net.SOCK_STREAM, 0);
        try {
            fails(Errno.ECONNREFUSED, () -> a.connect(l, sa("127.0.0.1", port())));
        } finally {
            a.close(l);
        }
    }

    public void nonBlockingSockets() {
        int port = port();
        int l = b.socket(Net.AF_INET, Net.SOCK_STREAM, 0);
        int c = a.socket(Net.AF_INET, Net.SOCK_STREAM | Net.SOCK_NONBLOCK, 0);
        int sv = -1;
        try {
            b.bind(l, sa("0.0.0.0", port));
            b.listen(l, 4);
            assertEquals(Sys.O_NONBLOCK, a.fcntl(c, Sys.F_GETFL, 0) & Sys.O_NONBLOCK);
            fails(Errno.EINPROGRESS, () -> a.connect(c, sa(addrB, port)));
            int[] ev = a.poll(new int[] {c}, new int[] {Net.POLLOUT}, 10_000);
            assertEquals("writable once connected", Net.POLLOUT, ev[0] & Net.POLLOUT);
            assertEquals(0, a.getsockopt(c, Net.SOL_SOCKET, Net.SO_ERROR));
            fails(Errno.EAGAIN, () -> a.recv(c, new byte[10], 0, 10, 0));
            sv = b.accept(l, null);
            b.send(sv, new byte[] {42}, 0, 1, 0);
            ev = a.poll(new int[] {c}, new int[] {Net.POLLIN}, 10_000);
            assertEquals(Net.POLLIN, ev[0] & Net.POLLIN);
            byte[] one = new byte[4];
            assertEquals(1, a.recv(c, one, 0, 4, 0));
            assertEquals(42, one[0]);
            // MSG_DONTWAIT on a blocking socket, and O_NONBLOCK set by fcntl
            int blocking = b.socket(Net.AF_INET, Net.SOCK_DGRAM, 0);
            try {
                b.bind(blocking, sa("0.0.0.0", port()));
                fails(Errno.EAGAIN, () -> b.recv(blocking, new byte[4], 0, 4, Net.MSG_DONTWAIT));
                b.fcntl(blocking, Sys.F_SETFL, Sys.O_NONBLOCK);
                fails(Errno.EAGAIN, () -> b.recv(blocking, new byte[4], 0, 4, 0));
            } finally {
                b.close(blocking);
            }
            // poll with nothing ready waits its timeout and reports none
            long t0 = System.nanoTime();
            ev = a.poll(new int[] {c}, new int[] {Net.POLLIN}, 100);
            assertEquals(0, ev[0]);
            assertTrue("poll waited", System.nanoTime() - t0 >= 90_000_000L);
        } finally {
            a.close(c);
            if (sv >= 0) {
                b.close(sv);
            }
            b.close(l);
        }
    }

    public void bindErrors() {
        int port = port();
        int s1 = a.socket(Net.AF_INET, Net.SOCK_STREAM, 0);
        int s2 = a.socket(Net.AF_INET, Net.SOCK_STREAM, 0);
        int u = a.socket(Net.AF_INET, Net.SOCK_DGRAM, 0);
        Posix user = spawnA.apply("user", USER);
        int us = user.socket(Net.AF_INET, Net.SOCK_STREAM, 0);
        try {
            a.bind(s1, sa("0.0.0.0", port));
            a.listen(s1, 1);
            fails(Errno.EADDRINUSE, () -> a.bind(s2, sa("0.0.0.0", port)));
            fails(Errno.EINVAL, () -> a.bind(s1, sa("0.0.0.0", port())));
            fails(Errno.EADDRNOTAVAIL, () -> a.bind(u, sa("192.0.2.77", port())));
            fails(Errno.EACCES, () -> user.bind(us, sa("0.0.0.0", 80)));
            fails(Errno.EINVAL, () -> a.bind(u, new byte[] {2, 0, 1}));
            byte[] inet6 = new byte[16];
            inet6[0] = 10;
            fails(Errno.EAFNOSUPPORT, () -> a.bind(u, inet6));
            fails(Errno.EAFNOSUPPORT, () -> a.socket(10, Net.SOCK_STREAM, 0));
            fails(Errno.ESOCKTNOSUPPORT, () -> a.socket(Net.AF_INET, 99, 0));
            fails(Errno.EBADF, () -> a.bind(999, sa("0.0.0.0", port())));
            fails(Errno.ENOTCONN, () -> a.getpeername(s1));
            fails(Errno.EDESTADDRREQ, () -> a.send(u, new byte[1], 0, 1, 0));
            fails(Errno.EFAULT, () -> a.sendto(u, new byte[4], 2, 4, 0, sa(addrB, 9)));
        } finally {
            a.close(s1);
            a.close(s2);
            a.close(u);
            user.close(us);
        }
    }

    public void socketOptions() {
        int s = a.socket(Net.AF_INET, Net.SOCK_STREAM, 0);
        try {
            assertEquals(Net.SOCK_STREAM, a.getsockopt(s, Net.SOL_SOCKET, Net.SO_TYPE));
            a.setsockopt(s, Net.SOL_SOCKET, Net.SO_REUSEADDR, 1);
            assertNotEquals(0, a.getsockopt(s, Net.SOL_SOCKET, Net.SO_REUSEADDR));
            a.setsockopt(s, Net.SOL_SOCKET, Net.SO_KEEPALIVE, 1);
            assertNotEquals(0, a.getsockopt(s, Net.SOL_SOCKET, Net.SO_KEEPALIVE));
            a.setsockopt(s, Net.IPPROTO_TCP, Net.TCP_NODELAY, 1);
            assertNotEquals(0, a.getsockopt(s, Net.IPPROTO_TCP, Net.TCP_NODELAY));
            a.setsockopt(s, Net.SOL_SOCKET, Net.SO_RCVBUF, 128 << 10);
            assertTrue(a.getsockopt(s, Net.SOL_SOCKET, Net.SO_RCVBUF) >= 128 << 10);
            a.setsockopt(s, Net.SOL_SOCKET, Net.SO_SNDBUF, 64 << 10);
            assertTrue(a.getsockopt(s, Net.SOL_SOCKET, Net.SO_SNDBUF) >= 64 << 10);
            byte[] linger = {1, 0, 0, 0, 5, 0, 0, 0};
            a.syscall(Sys.SETSOCKOPT, s, Net.SOL_SOCKET, Net.SO_LINGER, linger);
            byte[] got = new byte[8];
            assertEquals(8L, a.syscall(Sys.GETSOCKOPT, s, Net.SOL_SOCKET, Net.SO_LINGER, got));
            assertArrayEquals(linger, got);
            fails(Errno.EINVAL, () -> a.syscall(Sys.SETSOCKOPT, s, Net.SOL_SOCKET, Net.SO_REUSEADDR, new byte[2]));
            fails(Errno.ENOPROTOOPT, () -> a.setsockopt(s, Net.SOL_SOCKET, 12345, 1));
        } finally {
            a.close(s);
        }
    }

    public void pingBetweenKernelsAndOnTheLoopback() {
        List<String> lines = new ArrayList<>();
        Ping.Result r = Ping.run(a, addrB, 3, 0, 2000, lines::add);
        assertEquals(r.summary(), 3, r.received());
        assertEquals(3, lines.size());
        assertTrue(lines.get(0), lines.get(0).contains("from " + addrB));
        r = Ping.run(a, "127.0.0.1", 2, 0, 2000, l -> { });
        assertEquals(r.summary(), 2, r.received());
        r = Ping.run(a, addrA, 1, 0, 2000, l -> { });
        assertEquals("its own address answers: " + r.summary(), 1, r.received());
    }

    public void readAndWriteWorkOnConnectedSockets() {
        Pair p = connect(a, b, addrB);
        try {
            byte[] d = "through read and write".getBytes(StandardCharsets.UTF_8);
            assertEquals(d.length, a.write(p.client, d));
            byte[] got = new byte[d.length];
            int at = 0;
            while (at < d.length) {
                at += b.read(p.server, got, at, d.length - at);
            }
            assertArrayEquals(d, got);
            assertEquals(Sys.S_IFSOCK, a.fstat(p.client).mode() & Sys.S_IFMT);
        } finally {
            close(a, b, p);
        }
    }

    public void manyConnectionsAtOnce() throws Exception {
        int port = port();
        int l = b.socket(Net.AF_INET, Net.SOCK_STREAM, 0);
        b.bind(l, sa("0.0.0.0", port));
        b.listen(l, 32);
        ExecutorService ex = Executors.newFixedThreadPool(8);
        try {
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 16; i++) {
                    int c = b.accept(l, null);
                    timeout(b, c, 20);
                    ex.submit(() -> {
                        try {
                            byte[] d = recvAll(b, c, 4096);
                            sendAll(b, c, d);
                        } finally {
                            b.close(c);
                        }
                        return null;
                    });
                }
            }, POOL);
            List<CompletableFuture<Void>> clients = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int seed = i;
                clients.add(CompletableFuture.runAsync(() -> {
                    int c = a.socket(Net.AF_INET, Net.SOCK_STREAM, 0);
                    try {
                        timeout(a, c, 20);
                        a.connect(c, sa(addrB, port));
                        byte[] d = pattern(4096, seed);
                        sendAll(a, c, d);
                        assertArrayEquals(d, recvAll(a, c, d.length));
                    } finally {
                        a.close(c);
                    }
                }, POOL));
            }
            for (CompletableFuture<Void> c : clients) {
                c.get(60, TimeUnit.SECONDS);
            }
            server.get(60, TimeUnit.SECONDS);
        } finally {
            ex.shutdownNow();
            b.close(l);
        }
    }
}
