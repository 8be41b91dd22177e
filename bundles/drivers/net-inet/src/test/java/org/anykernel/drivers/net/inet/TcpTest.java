package org.anykernel.drivers.net.inet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.SplittableRandom;

import org.anykernel.base.api.Errno;
import org.anykernel.net.api.Net;
import org.anykernel.net.spi.NetResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TCP between two stacks on the test wire, on a clock the test moves: handshake, transfer, loss, timeouts, resets,
 * keepalive, TIME-WAIT, zero windows, and hostile segments.
 */
class TcpTest {
    Wire wire;
    Inet h1;
    Inet h2;

    @BeforeEach
    void setUp() {
        wire = new Wire();
        h1 = wire.host();
        h2 = wire.host();
        wire.configure(h1, InetTest.hostConfig("10.0.0.1", 1, 1500), "lan");
        wire.configure(h2, InetTest.hostConfig("10.0.0.2", 2, 1500), "lan");
    }

    NetResult p(Inet h, NetResult r) {
        return wire.pump(h, r);
    }

    long tcp(Inet h) {
        NetResult r = h.socket(Net.SOCK_STREAM, 0, 0);
        InetTest.ok(r);
        return r.value();
    }

    long listen(Inet h, int port, int backlog) {
        long l = tcp(h);
        InetTest.ok(h.bind(l, InetTest.sa("0.0.0.0", port)));
        InetTest.ok(h.listen(l, backlog));
        return l;
    }

    /** A connected pair: {client on h1, server on h2}. */
    long[] connect(int port) {
        return connect(port, 0);
    }

    /** As {@link #connect(int)}, the server's receive buffer {@code rcvbuf} bytes (0: the default). */
    long[] connect(int port, int rcvbuf) {
        long l = tcp(h2);
        if (rcvbuf > 0) {
            InetTest.ok(h2.setsockopt(l, Net.SOL_SOCKET, Net.SO_RCVBUF, rcvbuf));
        }
        InetTest.ok(h2.bind(l, InetTest.sa("0.0.0.0", port)));
        InetTest.ok(h2.listen(l, 4));
        long c = tcp(h1);
        InetTest.fails(Errno.EINPROGRESS, p(h1, h1.connect(c, InetTest.sa("10.0.0.2", port))));
        NetResult a = p(h2, h2.accept(l));
        InetTest.ok(a);
        InetTest.ok(h1.getsockopt(c, Net.SOL_SOCKET, Net.SO_ERROR));
        assertEquals(0, h1.getsockopt(c, Net.SOL_SOCKET, Net.SO_ERROR).value());
        return new long[] {c, a.value(), l};
    }

    /** Moves {@code data} from (h, s) to (g, t), advancing the clock while nothing moves. */
    byte[] transfer(Inet h, long s, Inet g, long t, byte[] data) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int sent = 0;
        for (int rounds = 0; got.size() < data.length; rounds++) {
            assertTrue(rounds < 200_000, "transfer stalls at " + got.size() + " of " + data.length);
            boolean moved = false;
            if (sent < data.length) {
                NetResult r = p(h, h.send(s, data, sent, data.length - sent, 0, null));
                if (r.errno() == 0) {
                    sent += (int) r.value();
                    moved = r.value() > 0;
                } else {
                    assertEquals(Errno.EAGAIN.number(), r.errno());
                }
            }
            NetResult r = p(g, g.recv(t, 65536, 0));
            if (r.errno() == 0) {
                assertTrue(r.data().length > 0, "no end of stream in the middle");
                got.writeBytes(r.data());
                moved = true;
            } else {
                assertEquals(Errno.EAGAIN.number(), r.errno());
            }
            if (!moved) {
                wire.advance(10_000_000L);
            }
        }
        return got.toByteArray();
    }

    static byte[] data(int n, long seed) {
        byte[] d = new byte[n];
        new SplittableRandom(seed).nextBytes(d);
        return d;
    }

    String stats(Inet h) {
        return String.join("\n", h.report("stats"));
    }

    /** The number of TCP connections a stack has, from its statistics. */
    static int connections(Inet h) {
        for (String l : h.report("stats")) {
            if (l.startsWith("tcp ") && l.contains(" connections=")) {
                return Integer.parseInt(l.replaceAll(".*connections=(\\d+).*", "$1"));
            }
        }
        throw new AssertionError("no tcp statistics: " + h.report("stats"));
    }

    @Test
    void handshakeTransferAndOrderlyCloseWithTimeWait() {
        long[] x = connect(5000);
        byte[] d = data(1 << 20, 1);
        assertArrayEquals(d, transfer(h1, x[0], h2, x[1], d));
        assertArrayEquals(d, transfer(h2, x[1], h1, x[0], d));
        InetTest.ok(p(h1, h1.close(x[0])));
        NetResult eof = p(h2, h2.recv(x[1], 10, 0));
        InetTest.ok(eof);
        assertEquals(0, eof.data().length, "end of stream");
        InetTest.ok(p(h2, h2.close(x[1])));
        assertTrue(String.join("\n", h1.report("sockets")).contains("TIME_WAIT"), h1.report("sockets").toString());
        wire.advance(61_000_000_000L);
        assertTrue(h1.report("sockets").isEmpty(), "TIME-WAIT over after 2 MSL: " + h1.report("sockets"));
    }

    @Test
    void lossReorderingAndDuplicatesCostTimeNotBytes() {
        SplittableRandom r = new SplittableRandom(3);
        wire.drop = f -> r.nextInt(100) < 3;
        long[] x = connect(5001);
        byte[] d = data(2 << 20, 2);
        assertArrayEquals(d, transfer(h1, x[0], h2, x[1], d));
        String s = stats(h1);
        assertTrue(s.contains("fast_retransmits=") && !s.contains("fast_retransmits=0 "), s);
    }

    @Test
    void aClosedPortAnswersWithAResetAndConnectIsRefused() {
        long c = tcp(h1);
        InetTest.fails(Errno.EINPROGRESS, p(h1, h1.connect(c, InetTest.sa("10.0.0.2", 5999))));
        InetTest.fails(Errno.ECONNREFUSED, h1.connect(c, InetTest.sa("10.0.0.2", 5999)));
        assertTrue(stats(h2).contains("resets_out=1"), stats(h2));
    }

    @Test
    void aCutWireEndsInEtimedoutAfterBackedOffRetransmissions() {
        long[] x = connect(5002);
        wire.drop = f -> true;
        InetTest.ok(p(h1, h1.send(x[0], new byte[1000], 0, 1000, 0, null)));
        for (int i = 0; i < 2000 && h1.poll(x[0]).value() == Net.POLLOUT; i++) {
            wire.advance(1_000_000_000L);
        }
        InetTest.fails(Errno.ETIMEDOUT, h1.recv(x[0], 10, 0));
        String s = stats(h1);
        assertTrue(s.contains("timeouts=13"), s);
    }

    @Test
    void keepaliveProbesThenGivesUp() {
        long[] x = connect(5003);
        InetTest.ok(h1.setsockopt(x[0], Net.SOL_SOCKET, Net.SO_KEEPALIVE, 1));
        InetTest.ok(h1.setsockopt(x[0], Net.IPPROTO_TCP, Net.TCP_KEEPIDLE, 10));
        InetTest.ok(h1.setsockopt(x[0], Net.IPPROTO_TCP, Net.TCP_KEEPINTVL, 1));
        InetTest.ok(h1.setsockopt(x[0], Net.IPPROTO_TCP, Net.TCP_KEEPCNT, 3));
        for (int i = 0; i < 30; i++) {
            wire.advance(1_000_000_000L);
        }
        InetTest.fails(Errno.EAGAIN, h1.recv(x[0], 10, 0)); // the peer answers the probes: the connection lives
        wire.drop = f -> true;
        for (int i = 0; i < 30; i++) {
            wire.advance(1_000_000_000L);
        }
        InetTest.fails(Errno.ETIMEDOUT, h1.recv(x[0], 10, 0));
    }

    @Test
    void aZeroWindowIsProbedAndReopens() {
        long[] x = connect(5004, 4096);
        byte[] d = data(2_000_000, 4); // more than the sender's buffer and the receiver's 4 KiB
        int sent = 0;
        for (int i = 0; i < 100; i++) {
            NetResult r = p(h1, h1.send(x[0], d, sent, d.length - sent, 0, null));
            if (r.errno() == 0) {
                sent += (int) r.value();
            }
            wire.advance(50_000_000L);
        }
        assertTrue(sent < d.length, "the receiver reads nothing: the sender fills its buffer and stops");
        // now read everything: the window opens again (by window updates and the persist probes)
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        for (int i = 0; i < 200_000 && got.size() < d.length; i++) {
            NetResult r = p(h2, h2.recv(x[1], 65536, 0));
            if (r.errno() == 0) {
                got.writeBytes(r.data());
            }
            if (sent < d.length) {
                NetResult s = p(h1, h1.send(x[0], d, sent, d.length - sent, 0, null));
                if (s.errno() == 0) {
                    sent += (int) s.value();
                }
            }
            wire.advance(5_000_000L);
        }
        assertArrayEquals(d, got.toByteArray());
    }

    @Test
    void theListenBacklogAndHalfOpenQueueAreBoundedUnderASynFlood() {
        long l = listen(h2, 5005, 2);
        // 10 000 SYNs from random ports, never completed: half-open connections stay within the bound
        SplittableRandom r = new SplittableRandom(5);
        wire.drop = f -> true; // the SYN-ACKs go nowhere
        for (int i = 0; i < 10_000; i++) {
            byte[] syn = TcpFrames.syn(InetTest.A, InetTest.B, 1024 + r.nextInt(60000), 5005, r.nextInt());
            p(h2, h2.input(2, List.of(TcpFrames.ether(syn, 1, 2))));
        }
        String s = stats(h2);
        assertTrue(s.contains("syn_dropped="), s);
        int conns = connections(h2);
        assertTrue(conns <= 2 * 2 + 16, "half-open connections bounded: " + conns);
        InetTest.fails(Errno.EAGAIN, h2.accept(l));
        for (int i = 0; i < 200; i++) {
            wire.advance(1_000_000_000L); // the SYN-ACKs are retransmitted, backed off, then given up
        }
        assertEquals(0, connections(h2), "all timed out: " + stats(h2));
    }

    @Test
    void hostileSegmentsAreDroppedAndCountedNeverThrown() {
        long[] x = connect(5006);
        SplittableRandom r = new SplittableRandom(6);
        for (int i = 0; i < 20_000; i++) {
            byte[] seg = TcpFrames.randomSegment(r, InetTest.A, InetTest.B, 5006);
            NetResult res = h2.input(2, List.of(TcpFrames.ether(seg, 1, 2)));
            assertTrue(res != null);
        }
        String ip = String.join("\n", h2.report("stats"));
        assertTrue(ip.contains("bad_checksum=") && !ip.contains("ip.bug"), ip);
        // and the real connection still works
        byte[] d = data(10_000, 7);
        assertArrayEquals(d, transfer(h1, x[0], h2, x[1], d));
    }

    @Test
    void lingerZeroResetsAndUnreadDataResetsOnClose() {
        long[] x = connect(5007);
        InetTest.ok(h1.setsockopt(x[0], Net.SOL_SOCKET, Net.SO_LINGER, 0));
        InetTest.ok(p(h1, h1.close(x[0])));
        InetTest.fails(Errno.ECONNRESET, h2.recv(x[1], 10, 0));
        assertTrue(stats(h1).contains("resets_out=1"), stats(h1));
    }

    @Test
    void nagleCoalescesSmallWritesUnlessNodelay() {
        // the results are not carried to the peer, so no acknowledgement comes back between the writes
        long[] y = connect(5009);
        InetTest.ok(h1.setsockopt(y[0], Net.IPPROTO_TCP, Net.TCP_NODELAY, 1));
        int segsWithNodelay = 0;
        int segsWithNagle = 0;
        for (int i = 0; i < 20; i++) {
            segsWithNodelay += h1.send(y[0], new byte[10], 0, 10, 0, null).out().size();
        }
        long[] z = connect(5010);
        for (int i = 0; i < 20; i++) {
            segsWithNagle += h1.send(z[0], new byte[10], 0, 10, 0, null).out().size();
        }
        assertEquals(20, segsWithNodelay, "TCP_NODELAY: every write goes at once");
        assertEquals(1, segsWithNagle, "Nagle: one small segment in flight, the rest wait for its ACK");
    }

    @Test
    void windowScalingIsNegotiated() {
        long[] x = connect(5011);
        // the client's 256 KiB buffer is advertised whole (scaled) in the handshake's last ACK: the server sees a
        // window above 64 KiB (the SYN-ACK's own window is never scaled, RFC 7323)
        String s = String.join("\n", h2.report("sockets"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("ESTABLISHED.* snd_wnd=(\\d+) ").matcher(s);
        assertTrue(m.find(), s);
        assertTrue(Integer.parseInt(m.group(1)) > 65535, s);
        assertEquals(Net.POLLOUT, h1.poll(x[0]).value() & Net.POLLOUT);
    }
}
