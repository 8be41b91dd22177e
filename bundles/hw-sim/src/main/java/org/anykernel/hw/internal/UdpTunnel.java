package org.anykernel.hw.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A UDP tunnel: one Ethernet frame per datagram, from a socket bound to a local address to a remote address. This
 * is what {@code socat UDP-DATAGRAM:127.0.0.1:9000,bind=127.0.0.1:9001 TUN:10.0.0.1/24,tun-type=tap,iff-up} bridges
 * to a Linux TAP device (the NIC then binds {@code 127.0.0.1:9000} and sends to {@code 127.0.0.1:9001}), and what
 * QEMU's {@code -netdev dgram} speaks.
 *
 * <p>One tunnel per NIC: it binds its socket when opened and closes it when its NIC is detached. A receiver
 * (virtual) thread per tunnel blocks in {@code receive} and hands each datagram to the NIC; datagrams from any
 * sender are accepted. A datagram shorter than an Ethernet header or longer than {@code mtu + 14} is dropped and
 * counted ({@link #badDatagrams()} and the NIC's {@code rxDropped}).
 */
final class UdpTunnel implements Wire {

    private static final Logger LOG = Logger.getLogger(UdpTunnel.class.getName());
    private static final long JOIN_MILLIS = 5000;

    private final String nicName;
    private final InetSocketAddress local;
    private final InetSocketAddress remote;
    private final int maxFrame;
    private final DatagramChannel channel;
    private final LongAdder bad = new LongAdder();
    private final LongAdder sendErrors = new LongAdder();
    private final LongAdder receiveErrors = new LongAdder();
    private volatile SimNic nic;
    private Thread receiver; // guarded by this

    private UdpTunnel(String nicName, InetSocketAddress local, InetSocketAddress remote, int mtu, DatagramChannel ch) {
        this.nicName = nicName;
        this.local = local;
        this.remote = remote;
        this.maxFrame = mtu + SimNic.HEADER;
        this.channel = ch;
    }

    /**
     * Binds the local address.
     *
     * @throws IllegalArgumentException naming the address when it cannot be bound
     */
    static UdpTunnel open(String nicName, InetSocketAddress local, InetSocketAddress remote, int mtu) {
        DatagramChannel ch = null;
        try {
            ch = local.getAddress() != null && local.getAddress() instanceof java.net.Inet6Address
                    ? DatagramChannel.open(StandardProtocolFamily.INET6)
                    : DatagramChannel.open(StandardProtocolFamily.INET);
            ch.bind(local);
            return new UdpTunnel(nicName, (InetSocketAddress) ch.getLocalAddress(), remote, mtu, ch);
        } catch (IOException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new IllegalArgumentException("udp: cannot bind " + local + ": " + e, e);
        }
    }

    /** The bound local address (with the port chosen when 0 was asked for). */
    InetSocketAddress local() {
        return local;
    }

    /** Datagrams dropped for their length. */
    long badDatagrams() {
        return bad.sum();
    }

    /** Receive calls that failed (other than by closing). */
    long receiveErrors() {
        return receiveErrors.sum();
    }

    /** Datagrams the socket failed to send. */
    long sendErrors() {
        return sendErrors.sum();
    }

    @Override
    public synchronized void attach(SimNic n) {
        if (nic != null && nic != n) {
            throw new IllegalStateException("udp " + local + ": already attached to " + nic.name());
        }
        nic = n;
        if (receiver == null) {
            receiver = Thread.ofVirtual().name("hw-sim-udp-" + nicName).start(this::receiveLoop);
        }
    }

    @Override
    public void detach(SimNic n) {
        Thread t;
        synchronized (this) {
            if (nic != null && nic != n) {
                return; // not ours
            }
            nic = null;
            t = receiver;
            receiver = null;
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, nicName + ": closing udp " + local + " failed: " + e, e);
        }
        if (t != null) {
            try {
                if (!t.join(java.time.Duration.ofMillis(JOIN_MILLIS))) {
                    LOG.warning(nicName + ": udp receiver did not stop within " + JOIN_MILLIS + " ms");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean send(SimNic from, byte[] frame) {
        try {
            int sent = channel.send(ByteBuffer.wrap(frame), remote);
            if (sent == frame.length) {
                return true;
            }
            sendErrors.increment(); // no room in the socket buffer: the datagram was not sent
            return false;
        } catch (ClosedChannelException e) {
            return false;
        } catch (IOException e) {
            sendErrors.increment();
            if (sendErrors.sum() == 1) {
                LOG.log(Level.WARNING, nicName + ": udp send to " + remote + " failed (further failures only counted): " + e, e);
            }
            return false;
        }
    }

    private void receiveLoop() {
        ByteBuffer buf = ByteBuffer.allocateDirect(65536);
        long errors = 0;
        while (channel.isOpen()) {
            buf.clear();
            try {
                if (channel.receive(buf) == null) {
                    continue;
                }
            } catch (ClosedChannelException e) {
                return; // detached: AsynchronousCloseException is one of these
            } catch (IOException e) {
                if (!channel.isOpen()) {
                    return;
                }
                receiveErrors.increment();
                if (errors++ == 0) {
                    LOG.log(Level.WARNING, nicName + ": udp receive on " + local + " failed (further failures only counted): " + e, e);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // no hot loop on a persistent error
                continue;
            }
            buf.flip();
            SimNic n = nic;
            int len = buf.remaining();
            if (len < SimNic.HEADER || len > maxFrame) {
                bad.increment();
                if (n != null) {
                    n.lostOnWire(1);
                }
                continue;
            }
            if (n != null) {
                byte[] f = new byte[len];
                buf.get(f);
                n.fromWire(f);
            }
        }
    }

    @Override
    public String describe() {
        return "udp:" + local.getHostString() + ":" + local.getPort() + ">" + remote.getHostString() + ":" + remote.getPort();
    }

    @Override
    public String toString() {
        return describe();
    }
}
