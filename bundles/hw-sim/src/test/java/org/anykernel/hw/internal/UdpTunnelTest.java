package org.anykernel.hw.internal;

import static org.anykernel.hw.internal.Frames.frame;
import static org.anykernel.hw.internal.Frames.next;
import static org.anykernel.hw.internal.Frames.send;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;

/** The UDP tunnel: one frame per datagram between two NICs on 127.0.0.1, and what it does with bad datagrams. */
class UdpTunnelTest {

    static int freePort() throws Exception {
        try (DatagramChannel c = DatagramChannel.open()) {
            c.bind(new InetSocketAddress("127.0.0.1", 0));
            return ((InetSocketAddress) c.getLocalAddress()).getPort();
        }
    }

    private static SimNic udp(String name, int local, int remote) {
        return SimNic.open(NicConfig.parse(name, Map.of("backend", "udp:127.0.0.1:" + local + ">127.0.0.1:" + remote)));
    }

    private static void await(LongSupplier value, long expected) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (value.getAsLong() != expected && System.nanoTime() < end) {
            Thread.sleep(1);
        }
        assertEquals(expected, value.getAsLong());
    }

    @Test
    void framesCrossTheTunnelBothWays() throws Exception {
        int pa = freePort();
        int pb = freePort();
        try (SimNic a = udp("a", pa, pb); SimNic b = udp("b", pb, pa)) {
            assertTrue(a.linkUp());
            for (int i = 0; i < 100; i++) {
                byte[] f = Frames.numbered(b.mac(), a.mac(), i);
                assertTrue(send(a, f));
                assertArrayEquals(f, next(b, 2000));
                byte[] r = frame(a.mac(), b.mac(), 1500, i);
                assertTrue(send(b, r));
                assertArrayEquals(r, next(a, 2000));
            }
            assertEquals(100, a.stats().txPackets());
            assertEquals(100, a.stats().rxPackets());
            assertEquals("udp:127.0.0.1:" + pa + ">127.0.0.1:" + pb, a.wire().describe());
        }
    }

    @Test
    void badDatagramsAreDroppedAndCounted() throws Exception {
        int pa = freePort();
        int pb = freePort();
        try (SimNic a = udp("a", pa, pb); DatagramChannel tap = DatagramChannel.open()) {
            tap.bind(new InetSocketAddress("127.0.0.1", pb));
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", pa);
            tap.send(ByteBuffer.allocate(10), to);
            tap.send(ByteBuffer.allocate(1515), to);
            UdpTunnel t = (UdpTunnel) a.wire();
            await(t::badDatagrams, 2);
            await(() -> a.stats().rxDropped(), 2);
            assertEquals(0, a.stats().rxPackets());
            // what a TAP bridge (socat) sends: a frame per datagram, from its own port
            byte[] f = frame(Frames.BROADCAST, new byte[] {2, 9, 9, 9, 9, 9}, 50, 1);
            tap.send(ByteBuffer.wrap(f), to);
            assertArrayEquals(f, next(a, 2000));
            // and what the NIC sends reaches it as one datagram
            byte[] out = frame(Frames.BROADCAST, a.mac(), 60, 2);
            send(a, out);
            ByteBuffer got = ByteBuffer.allocate(2000);
            tap.configureBlocking(false);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (tap.receive(got) == null && System.nanoTime() < end) {
                Thread.sleep(1);
            }
            got.flip();
            byte[] bytes = new byte[got.remaining()];
            got.get(bytes);
            assertArrayEquals(out, bytes);
        }
    }

    @Test
    void aPortInUseIsReported() throws Exception {
        int pa = freePort();
        try (SimNic a = udp("a", pa, freePort())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> udp("c", pa, 9));
            assertTrue(e.getMessage().startsWith("hw.nic~c: backend: udp: cannot bind /127.0.0.1:" + pa), e.getMessage());
            assertTrue(a.linkUp());
        }
    }

    @Test
    void closingStopsTheReceiver() throws Exception {
        int pa = freePort();
        SimNic a = udp("a", pa, freePort());
        a.close();
        assertFalse(a.linkUp());
        // the port is free again
        try (DatagramChannel c = DatagramChannel.open()) {
            c.bind(new InetSocketAddress("127.0.0.1", pa));
        }
    }
}
