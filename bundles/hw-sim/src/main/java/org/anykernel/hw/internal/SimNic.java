package org.anykernel.hw.internal;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.anykernel.hw.api.NicController;
import org.anykernel.hw.api.NicStats;
import org.anykernel.hw.api.WireFaultPlan;

/**
 * The simulated NIC: a MAC address, an MTU, a bounded receive ring with a level-triggered interrupt line, frame
 * filtering, counters, a fault plan per direction ({@link FaultStage}) and a pcap capture, plugged into a
 * {@link Wire}.
 *
 * <p>Transmit copies the frame, counts it, captures it, passes it through the transmit fault stage and hands it to
 * the wire on the caller's thread (there is no transmit ring: the backends take a frame at once, so a frame is only
 * refused when the link is down or the NIC is closed). The wire delivers into {@link #fromWire(byte[])} on its
 * thread (the sender's, for the switch); the NIC filters by destination MAC, passes the frame through the receive
 * fault stage and puts it into the receive ring.
 *
 * <p>Latency: the receive ring is a lock-free queue bounded by a counter; {@link #awaitReceive(long)} first spins
 * ({@link Thread#onSpinWait()}) for up to {@link #SPIN_NANOS}, which covers a request/response between two
 * simulated kernels in one JVM without any thread being parked, then registers itself in a volatile waiter field and
 * parks; a delivery unparks that waiter (one volatile read when nobody waits). A second thread waiting at the same
 * time polls in short parks of {@link #SHARED_WAIT_SLICE_NANOS}.
 *
 * <p>Counting: frames a fault plan loses, in either direction, count in {@code rxDropped} ("lost on the wire"), as do
 * frames that find the receive ring full; {@code txDropped} counts frames refused at transmit (link down, closed)
 * and frames the backend failed to send (a UDP error). Usable without OSGi: {@link #open(NicConfig)} and
 * {@link #close()}.
 */
public final class SimNic implements NicController, AutoCloseable {

    /** How long {@link #awaitReceive(long)} spins before it parks. */
    static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(40);
    /** The park slice of a thread waiting while another one is the registered waiter. */
    static final long SHARED_WAIT_SLICE_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

    private final NicConfig cfg;
    private final String name;
    private final byte[] mac;
    private final long macBits;
    private final int mtu;
    private final int ringSlots;
    private final Wire wire;

    private final ConcurrentLinkedQueue<byte[]> ring = new ConcurrentLinkedQueue<>();
    private final AtomicInteger ringCount = new AtomicInteger();
    private final AtomicReference<Thread> waiter = new AtomicReference<>();
    private final AtomicReference<PcapWriter> capture = new AtomicReference<>();
    private final FaultStage txFaults;
    private final FaultStage rxFaults;

    private final LongAdder rxPackets = new LongAdder();
    private final LongAdder rxBytes = new LongAdder();
    private final LongAdder rxDropped = new LongAdder();
    private final LongAdder txPackets = new LongAdder();
    private final LongAdder txBytes = new LongAdder();
    private final LongAdder txDropped = new LongAdder();

    private volatile boolean promiscuous;
    private volatile boolean closed;

    /**
     * Opens a NIC: its wire (creating the switch, mapping the bus file or binding the UDP socket), its capture if
     * configured, and its fault plan.
     *
     * @throws IllegalArgumentException naming the NIC and the field ({@code backend} or {@code pcap}) when the wire
     *         or the capture file cannot be opened
     */
    public static SimNic open(NicConfig c) {
        String where = "hw.nic~" + c.name() + ": ";
        Wire w;
        try {
            w = switch (c.backend()) {
                case NicConfig.SwitchBackend s -> EthSwitch.named(s.name());
                case NicConfig.ShmBackend s -> ShmBus.open(s.file());
                case NicConfig.UdpBackend u -> UdpTunnel.open(c.name(), u.local(), u.remote(), c.mtu());
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + "backend: " + e.getMessage(), e);
        }
        SimNic nic = new SimNic(c, w);
        try {
            if (c.pcap() != null) {
                nic.capture(c.pcap());
            }
            nic.faults(c.faults());
            w.attach(nic);
        } catch (RuntimeException e) {
            nic.close();
            if (e instanceof IllegalArgumentException && !e.getMessage().startsWith(where)) {
                throw new IllegalArgumentException(where + e.getMessage(), e);
            }
            throw e;
        }
        return nic;
    }

    private SimNic(NicConfig c, Wire w) {
        this.cfg = c;
        this.name = c.name();
        this.mac = c.macBytes();
        this.macBits = c.mac();
        this.mtu = c.mtu();
        this.ringSlots = c.rxRing();
        this.wire = w;
        this.txFaults = new FaultStage(name + " transmit", this::toWire, rxDropped::increment);
        this.rxFaults = new FaultStage(name + " receive", this::intoRing, rxDropped::increment);
    }

    /** The configuration the NIC was opened with. */
    public NicConfig config() {
        return cfg;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public byte[] mac() {
        return mac.clone();
    }

    /** The MAC address in the low 48 bits. */
    long macBits() {
        return macBits;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public boolean linkUp() {
        return !closed && !txFaults.plan().linkDown();
    }

    @Override
    public boolean transmit(byte[] frame, int off, int len) {
        Objects.checkFromIndexSize(off, len, frame.length);
        return send(frame, off, len, false);
    }

    @Override
    public boolean transmitOwned(byte[] frame) {
        return send(frame, 0, frame.length, true);
    }

    private boolean send(byte[] frame, int off, int len, boolean owned) {
        if (len < HEADER || len > mtu + HEADER) {
            throw new IllegalArgumentException(name + ": frame of " + len + " bytes, not in [" + HEADER + ", "
                    + (mtu + HEADER) + "]");
        }
        if (!linkUp()) {
            txDropped.increment();
            return false;
        }
        byte[] copy = owned ? frame : Arrays.copyOfRange(frame, off, off + len);
        txPackets.increment();
        txBytes.add(len);
        PcapWriter pw = capture.get();
        if (pw != null) {
            pw.write(copy);
        }
        txFaults.accept(copy);
        return true;
    }

    private void toWire(byte[] f) {
        if (closed || !wire.send(this, f)) {
            txDropped.increment();
        }
    }

    /**
     * A frame from the wire (owned by the NIC from now on): filtered by destination, passed through the receive
     * fault plan, put into the receive ring.
     */
    void fromWire(byte[] f) {
        if (closed || !accepts(f)) {
            return;
        }
        rxFaults.accept(f);
    }

    /** Whether the NIC takes a frame: addressed to it, broadcast or multicast, or anything when promiscuous. */
    boolean accepts(byte[] f) {
        if (promiscuous || (f[0] & 1) != 0) {
            return true;
        }
        return f[0] == mac[0] && f[1] == mac[1] && f[2] == mac[2] && f[3] == mac[3] && f[4] == mac[4] && f[5] == mac[5];
    }

    private void intoRing(byte[] f) {
        if (closed) {
            return;
        }
        if (ringCount.incrementAndGet() > ringSlots) {
            ringCount.decrementAndGet();
            rxDropped.increment();
            return;
        }
        PcapWriter pw = capture.get();
        if (pw != null) {
            pw.write(f); // before the driver can take the frame (and change it)
        }
        ring.offer(f);
        rxPackets.increment();
        rxBytes.add(f.length);
        Thread w = waiter.get();
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /** Counts {@code n} frames the wire lost (a shared-memory bus reader that fell behind). */
    void lostOnWire(long n) {
        rxDropped.add(n);
    }

    @Override
    public byte[] receive() {
        byte[] f = ring.poll();
        if (f == null && wire.poll()) {
            f = ring.poll();
        }
        if (f != null) {
            ringCount.decrementAndGet();
        }
        return f;
    }

    @Override
    public boolean awaitReceive(long timeoutNanos) throws InterruptedException {
        if (!ring.isEmpty()) {
            return true;
        }
        if (closed || timeoutNanos <= 0) {
            return false;
        }
        long start = System.nanoTime();
        long spinEnd = Math.min(timeoutNanos, wire.spinNanos(SPIN_NANOS));
        int spins = 0;
        wire.spinStart();
        boolean got = false;
        try {
            // on a polled wire (the shared-memory bus) the waiter reads the wire itself: no hand-off from a poller
            while (System.nanoTime() - start < spinEnd) {
                if (!ring.isEmpty() || (wire.poll() && !ring.isEmpty())) {
                    got = true;
                    return true;
                }
                if ((++spins & ShmBus.YIELD_MASK) == 0) {
                    Thread.yield(); // let a sender or a poller on this core run
                } else {
                    Thread.onSpinWait();
                }
            }
        } finally {
            wire.spinEnd(!got);
        }
        if (Thread.interrupted()) {
            throw new InterruptedException(name + ": awaitReceive interrupted");
        }
        Thread me = Thread.currentThread();
        boolean registered = waiter.compareAndSet(null, me);
        try {
            while (true) {
                // registered before this check, so a delivery after it unparks us: no lost wake-up
                if (!ring.isEmpty()) {
                    return true;
                }
                if (closed) {
                    return false;
                }
                long left = timeoutNanos - (System.nanoTime() - start);
                if (left <= 0) {
                    return false;
                }
                LockSupport.parkNanos(this, registered ? left : Math.min(left, SHARED_WAIT_SLICE_NANOS));
                if (Thread.interrupted()) {
                    throw new InterruptedException(name + ": awaitReceive interrupted");
                }
                if (!registered) {
                    registered = waiter.compareAndSet(null, me);
                }
            }
        } finally {
            if (registered) {
                waiter.compareAndSet(me, null);
            }
        }
    }

    @Override
    public void promiscuous(boolean on) {
        promiscuous = on;
    }

    /** Whether the NIC is in promiscuous mode. */
    boolean isPromiscuous() {
        return promiscuous;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The plan applies to both directions; the receive side draws from the plan's seed XOR a constant, so that
     * the two directions meet independent faults (each repeatable).
     */
    @Override
    public void faults(WireFaultPlan plan) {
        Objects.requireNonNull(plan, "plan");
        txFaults.plan(plan);
        rxFaults.plan(new WireFaultPlan(plan.drop(), plan.corrupt(), plan.duplicate(), plan.reorder(),
                plan.delayNanos(), plan.jitterNanos(), plan.linkDown(), plan.seed() ^ 0x5DEECE66DL));
    }

    /** The fault plan in force. */
    public WireFaultPlan faults() {
        return txFaults.plan();
    }

    @Override
    public AutoCloseable capture(Path file) {
        PcapWriter pw = PcapWriter.open(file);
        PcapWriter old = capture.getAndSet(pw);
        if (old != null) {
            old.close();
        }
        if (closed) {
            capture.compareAndSet(pw, null);
            pw.close();
        }
        return () -> {
            capture.compareAndSet(pw, null);
            pw.close();
        };
    }

    @Override
    public NicStats stats() {
        return new NicStats(rxPackets.sum(), rxBytes.sum(), rxDropped.sum(), txPackets.sum(), txBytes.sum(),
                txDropped.sum());
    }

    /** Frames waiting in the receive ring. */
    int pending() {
        return ringCount.get();
    }

    /** The wire the NIC is plugged into. */
    Wire wire() {
        return wire;
    }

    /**
     * Unplugs the NIC from its wire (closing the wire if it was the last NIC on it), ends the capture and wakes a
     * waiter. Frames still in the receive ring stay readable. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            wire.detach(this);
        } finally {
            PcapWriter pw = capture.getAndSet(null);
            if (pw != null) {
                pw.close();
            }
            Thread w = waiter.get();
            if (w != null) {
                LockSupport.unpark(w);
            }
        }
    }

    /** Whether the NIC is closed. */
    boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "SimNic[" + name + " " + NicConfig.macText(macBits) + " " + wire.describe() + "]";
    }
}
