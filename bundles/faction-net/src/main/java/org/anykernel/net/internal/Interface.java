package org.anykernel.net.internal;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.anykernel.net.api.NetworkDriver;
import org.anykernel.net.spi.NetConfig;

/**
 * One network interface of a kernel (an {@code ifnet}): a NIC's driver, or the loopback; its addresses, flags and
 * counters. Addresses and flags change under the stack's configuration lock; counters are added to from any thread.
 */
final class Interface {
    /** The loopback's interface index. */
    static final int LOOPBACK = 1;
    /** The loopback's MTU, as Linux's. */
    static final int LOOPBACK_MTU = 65536;

    final int index;
    final String name;
    /** Null for the loopback. */
    final NetworkDriver driver;
    final byte[] mac;
    volatile int mtu;
    volatile boolean adminUp;
    volatile boolean linkUp = true;
    volatile List<NetConfig.IfAddr> addresses = List.of();
    /** Whether its receive thread (NICs only) should go on. */
    volatile boolean receiving;
    /**
     * Held by the thread taking frames from the driver and feeding them to the protocol (the receive thread, or an
     * application thread busy-polling), so that frames go in in the order they came.
     */
    final AtomicBoolean rxOwner = new AtomicBoolean();
    /** When an application thread last busy-polled the NIC ({@code nanoTime}), 0 if never. */
    volatile long lastBusyPoll;
    /** The receive thread, once it runs. */
    volatile Thread rxThread;

    final LongAdder rxPackets = new LongAdder();
    final LongAdder rxBytes = new LongAdder();
    final LongAdder txPackets = new LongAdder();
    final LongAdder txBytes = new LongAdder();
    final LongAdder txDropped = new LongAdder();
    final LongAdder errors = new LongAdder();
    /** Frames taken in by busy-polling application threads rather than the receive thread (Linux's BusyPollRxPackets). */
    final LongAdder busyPolled = new LongAdder();

    Interface(int index, String name, NetworkDriver driver, byte[] mac, int mtu) {
        this.index = index;
        this.name = name;
        this.driver = driver;
        this.mac = mac;
        this.mtu = mtu;
    }

    boolean loopback() {
        return driver == null;
    }

    boolean running() {
        return adminUp && linkUp;
    }

    NetConfig.Iface describe() {
        return new NetConfig.Iface(index, name, loopback() ? NetConfig.LOOPBACK : NetConfig.ETHERNET, mac.clone(), mtu,
                running(), addresses);
    }

    /** {@code 02:00:00:00:00:01}. */
    static String formatMac(byte[] mac) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < mac.length; i++) {
            sb.append(i == 0 ? "" : ":").append(String.format("%02x", mac[i] & 0xFF));
        }
        return sb.toString();
    }
}
