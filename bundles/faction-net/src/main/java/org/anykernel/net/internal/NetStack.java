package org.anykernel.net.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.spi.FactionInstance;
import org.anykernel.base.spi.KernelContext;
import org.anykernel.base.spi.KernelServiceRef;
import org.anykernel.base.spi.PollHub;
import org.anykernel.net.api.InetAddr;
import org.anykernel.net.api.NetworkDriver;
import org.anykernel.net.spi.NetConfig;
import org.anykernel.net.spi.NetResult;
import org.anykernel.net.spi.Protocol;

/**
 * The network faction in one kernel: its interfaces (the loopback and one per NIC driver), its routing table, the
 * protocol switch (protocol drivers by address family), its sockets, and the socket syscalls. The protocol drivers
 * never call back: each call's {@link NetResult} brings the frames to send, which this class puts on the interfaces
 * (feeding the loopback's straight back in, on the same thread), and the sockets to wake.
 *
 * <p>Threads: one receive thread per NIC (it pulls frames from the driver and hands them to the protocol), and the
 * JVM-wide {@link NetTimer} that runs the protocols' timers and hands them a new configuration when it changed (or
 * when a restarted driver lost it). Configuration changes take {@code this} as their lock.
 */
final class NetStack implements FactionInstance {
    private static final System.Logger LOG = System.getLogger(NetStack.class.getName());
    /** Frames taken from a NIC per call. */
    private static final int RX_BATCH = 64;
    /** How long one receive call waits for a frame, ms (also how fast a removed interface's thread notices). */
    private static final int RX_WAIT_MS = 200;
    /** After an application thread busy-polled a NIC, its receive thread leaves the NIC to such threads this long. */
    static final long BUSY_REST_NANOS = java.util.concurrent.TimeUnit.MICROSECONDS.toNanos(200);
    /** For this long after busy polling, the receive thread waits 1 ms per receive call instead of {@link #RX_WAIT_MS}. */
    static final long BUSY_RECENT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    /** {@link Interface#lastBusyPoll} after {@link #busyPollEnd}: busy polling happened lately, and is over. */
    private static final long BUSY_ENDED = Long.MIN_VALUE;

    private final KernelContext kernel;
    private final Runnable onClose;
    private final InterfaceConfigs configs;
    private final List<AutoCloseable> registrations = new ArrayList<>();
    private final List<Interface> interfaces = new CopyOnWriteArrayList<>();
    /** Routes the user added; connected routes come from the interfaces' addresses. */
    private final List<NetConfig.Route> staticRoutes = new CopyOnWriteArrayList<>();
    private final Map<Integer, Protocol> protocols = new ConcurrentHashMap<>();
    private final Map<Long, SocketFile> sockets = new ConcurrentHashMap<>();
    private volatile boolean forwarding;
    private volatile long version = 1;
    private volatile NetConfig config;
    private volatile boolean closed;
    private int nextIndex = Interface.LOOPBACK + 1;

    NetStack(KernelContext kernel, Runnable onClose, InterfaceConfigs configs) {
        this.kernel = kernel;
        this.onClose = onClose;
        this.configs = configs;
        Interface lo = new Interface(Interface.LOOPBACK, "lo", null, new byte[0], Interface.LOOPBACK_MTU);
        lo.adminUp = true;
        lo.addresses = List.of(new NetConfig.IfAddr(InetAddr.LOOPBACK, 8));
        interfaces.add(lo);
        rebuildConfig();
        registrations.add(NetSyscalls.register(this));
        NetTimer.add(this);
    }

    KernelContext kernel() {
        return kernel;
    }

    String name() {
        return kernel.name();
    }

    // ---- kernel services

    @Override
    public void bind(KernelServiceRef ref) {
        if (ref.service() instanceof NetworkDriver nic && ours(ref)) {
            attach(nic, ref.property(NetworkDriver.NAME, ""));
        }
        if (ref.service() instanceof Protocol p) {
            Protocol old = protocols.put(p.family(), p);
            if (old != null) {
                LOG.log(System.Logger.Level.WARNING, "kernel " + name() + ": protocol family " + p.family()
                        + " served by a second driver; the newer one takes over");
            }
            configure(p);
        }
    }

    @Override
    public void unbind(KernelServiceRef ref) {
        if (ref.service() instanceof NetworkDriver nic) {
            for (Interface i : interfaces) {
                if (i.driver == nic) {
                    detach(i);
                }
            }
        }
        if (ref.service() instanceof Protocol p) {
            protocols.remove(p.family(), p);
        }
    }

    /**
     * Whether a NIC belongs to this kernel: it names this kernel, or names none (a standalone kernel's own hardware;
     * under OSGi nic-sim always names one, {@code global} by default).
     */
    private boolean ours(KernelServiceRef ref) {
        String k = ref.property(NetworkDriver.KERNEL, null);
        return k == null || k.equals(kernel.name());
    }

    private synchronized void attach(NetworkDriver nic, String ifname) {
        String n = ifname.isEmpty() ? nic.name() : ifname;
        if (interfaceNamed(n) != null) {
            LOG.log(System.Logger.Level.WARNING, "kernel " + name() + ": a second interface named " + n + " ignored");
            return;
        }
        Interface i = new Interface(nextIndex++, n, nic, nic.hardwareAddress(), nic.mtu());
        i.adminUp = true;
        interfaces.add(i);
        changed();
        i.receiving = true;
        kernel.hypercalls().spawn("net-rx-" + name() + "-" + n, false, () -> receive(i));
        InterfaceConfigs.apply(this, configs.forKernel(name()).stream().filter(e -> e.ifname().equals(n)).toList());
    }

    private synchronized void detach(Interface i) {
        interfaces.remove(i);
        i.receiving = false;
        staticRoutes.removeIf(r -> r.ifindex() == i.index);
        changed();
    }

    /**
     * The receive loop of one NIC: frames from the driver to the protocol, until the interface goes. While
     * application threads busy-poll the NIC ({@link #busyPoll}) it rests, so that it does not take a core from them.
     */
    private void receive(Interface i) {
        i.rxThread = Thread.currentThread();
        int failures = 0;
        while (i.receiving && !closed) {
            long busy = i.lastBusyPoll;
            boolean polled = busy != 0 && busy != BUSY_ENDED;
            long since = System.nanoTime() - busy;
            if (polled && since < BUSY_REST_NANOS) {
                LockSupport.parkNanos(BUSY_REST_NANOS);
                continue;
            }
            if (!i.rxOwner.compareAndSet(false, true)) {
                LockSupport.parkNanos(BUSY_REST_NANOS / 4);
                continue;
            }
            try {
                // short waits while busy pollers were about lately: one may come back and find the NIC held
                pump(i, polled && since < BUSY_RECENT_NANOS ? 1 : RX_WAIT_MS);
                failures = 0;
            } catch (KernelException e) {
                // the driver is restarting or gone: its front answers EIO/ENXIO until it is back; back off
                i.errors.increment();
                if (failures++ == 0) {
                    LOG.log(System.Logger.Level.INFO, "kernel " + name() + ": " + i.name + ": receive: "
                            + e.getMessage());
                }
            } finally {
                i.rxOwner.set(false);
            }
            if (failures > 0) {
                sleepQuietly(Math.min(100, 5L << Math.min(failures, 4)));
            }
        }
    }

    /**
     * Takes the frames the driver has (waiting at most {@code waitMs} for the first) and feeds them to the protocol;
     * the caller holds the interface's {@link Interface#rxOwner}.
     *
     * @return how many frames went in
     */
    private int pump(Interface i, int waitMs) {
        List<byte[]> frames = i.driver.receive(RX_BATCH, waitMs);
        if (frames.isEmpty() || !i.adminUp) {
            return 0;
        }
        for (byte[] f : frames) {
            i.rxPackets.increment();
            i.rxBytes.add(f.length);
        }
        Protocol p = protocols.get(2);
        if (p != null) {
            call(p, q -> q.input(i.index, frames));
        }
        return frames.size();
    }

    /**
     * Busy polling ({@code SO_BUSY_POLL}, as Linux's): a thread waiting on a socket takes the frames the NICs have
     * and feeds them to the protocol itself, so that a reply reaches it without waking a receive thread and then
     * being woken. A NIC whose receive thread holds it is skipped; a driver error is counted in the interface's
     * errors (its receive thread reports it).
     *
     * @return whether any frame went in
     */
    boolean busyPoll() {
        boolean any = false;
        long now = System.nanoTime();
        for (Interface i : interfaces) {
            if (i.loopback() || !i.receiving) {
                continue;
            }
            i.lastBusyPoll = now;
            if (!i.rxOwner.compareAndSet(false, true)) {
                continue;
            }
            try {
                int n = pump(i, 0);
                if (n > 0) {
                    i.busyPolled.add(n);
                    any = true;
                }
            } catch (KernelException e) {
                i.errors.increment();
            } finally {
                i.rxOwner.set(false);
            }
        }
        return any;
    }

    /**
     * A busy-polling thread gives up (its time is over) and will park: the receive threads take the NICs back now
     * rather than after their rest.
     */
    void busyPollEnd() {
        for (Interface i : interfaces) {
            if (!i.loopback() && i.lastBusyPoll != 0) {
                i.lastBusyPoll = BUSY_ENDED;
                Thread t = i.rxThread;
                if (t != null) {
                    LockSupport.unpark(t);
                }
            }
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- calls into protocols

    /** The protocol of a family; {@code EAFNOSUPPORT} when no driver serves it. */
    Protocol protocol(int family) {
        Protocol p = protocols.get(family);
        if (p == null) {
            throw new KernelException(Errno.EAFNOSUPPORT, "kernel " + name(),
                    "no protocol driver for address family " + family + (family == 2 ? " (net-inet)" : ""));
        }
        return p;
    }

    /**
     * Calls the protocol and carries out what the result asks: frames sent, loopback frames fed back in (on this
     * thread, until none are left), sockets woken.
     */
    NetResult call(Protocol p, Function<Protocol, NetResult> op) {
        NetResult r = op.apply(p);
        NetResult first = r;
        ArrayDeque<byte[]> loop = null;
        int rounds = 0;
        while (true) {
            boolean woke = false;
            for (NetResult.Frame f : r.out()) {
                if (f.ifindex() == Interface.LOOPBACK) {
                    if (loop == null) {
                        loop = new ArrayDeque<>();
                    }
                    loop.add(f.bytes());
                } else {
                    transmit(f);
                }
            }
            for (Long h : r.ready()) {
                SocketFile s = sockets.get(h);
                if (s != null) {
                    s.wake();
                    woke = true;
                }
            }
            if (woke) {
                PollHub.changed();
            }
            if (loop == null || loop.isEmpty()) {
                return first;
            }
            if (++rounds > 10_000) {
                // a protocol answering its own loopback traffic forever: cut the loop rather than spin
                loopback().errors.add(loop.size());
                return first;
            }
            List<byte[]> batch = new ArrayList<>(loop);
            loop.clear();
            Interface lo = loopback();
            for (byte[] b : batch) {
                lo.rxPackets.increment();
                lo.rxBytes.add(b.length);
                lo.txPackets.increment();
                lo.txBytes.add(b.length);
            }
            r = p.input(Interface.LOOPBACK, batch);
        }
    }

    private void transmit(NetResult.Frame f) {
        Interface i = interfaceAt(f.ifindex());
        if (i == null || i.driver == null || !i.adminUp) {
            if (i != null) {
                i.txDropped.increment();
            }
            return;
        }
        byte[] b = f.bytes();
        boolean sent;
        try {
            sent = i.driver.transmit(b, b.length);
        } catch (KernelException e) {
            // the NIC driver is restarting: the frame is lost as on a wire; the protocols retransmit
            sent = false;
            i.errors.increment();
        }
        if (sent) {
            i.txPackets.increment();
            i.txBytes.add(b.length);
        } else {
            i.txDropped.increment();
        }
    }

    /** The timers: a new configuration to a protocol that lacks it, then its tick. Called by {@link NetTimer}. */
    void tick(long now, boolean slow) {
        if (slow) {
            refreshLinks();
        }
        for (Protocol p : protocols.values()) {
            try {
                if (p.configVersion() != config.version()) {
                    configure(p);
                }
                call(p, q -> q.tick(now));
            } catch (KernelException e) {
                // a protocol driver restarting: its front answers EIO until it is back; the next tick retries
                if (slow) {
                    LOG.log(System.Logger.Level.DEBUG, "kernel " + name() + ": protocol timer: " + e.getMessage());
                }
            }
        }
    }

    private void refreshLinks() {
        boolean change = false;
        for (Interface i : interfaces) {
            if (i.driver != null) {
                boolean up;
                try {
                    up = i.driver.linkUp();
                } catch (KernelException e) {
                    up = false;
                }
                if (up != i.linkUp) {
                    i.linkUp = up;
                    change = true;
                }
            }
        }
        if (change) {
            synchronized (this) {
                changed();
            }
        }
    }

    private void configure(Protocol p) {
        NetConfig c = config;
        call(p, q -> q.configure(c));
    }

    // ---- sockets

    void register(SocketFile s) {
        sockets.put(s.handle(), s);
    }

    void unregister(SocketFile s) {
        sockets.remove(s.handle(), s);
    }

    int socketCount() {
        return sockets.size();
    }

    // ---- configuration

    /** Rebuilds the configuration after a change and hands it to every protocol. Called holding {@code this}. */
    private void changed() {
        version++;
        rebuildConfig();
        for (Protocol p : protocols.values()) {
            try {
                configure(p);
            } catch (KernelException e) {
                // a restarting driver gets it from the next timer tick
                LOG.log(System.Logger.Level.DEBUG, "kernel " + name() + ": configure: " + e.getMessage());
            }
        }
    }

    private void rebuildConfig() {
        List<NetConfig.Iface> ifs = new ArrayList<>();
        List<NetConfig.Route> routes = new ArrayList<>();
        for (Interface i : interfaces) {
            ifs.add(i.describe());
            if (i.running()) {
                for (NetConfig.IfAddr a : i.addresses) {
                    routes.add(new NetConfig.Route(a.address() & InetAddr.mask(a.prefix()), a.prefix(), 0, i.index));
                }
            }
        }
        for (NetConfig.Route r : staticRoutes) {
            Interface i = interfaceAt(r.ifindex());
            if (i != null && i.running()) {
                routes.add(r);
            }
        }
        config = new NetConfig(version, ifs, routes, forwarding);
    }

    NetConfig config() {
        return config;
    }

    List<Interface> interfaces() {
        return List.copyOf(interfaces);
    }

    List<NetConfig.Route> staticRoutes() {
        return List.copyOf(staticRoutes);
    }

    Interface interfaceNamed(String n) {
        for (Interface i : interfaces) {
            if (i.name.equals(n)) {
                return i;
            }
        }
        return null;
    }

    Interface interfaceAt(int index) {
        for (Interface i : interfaces) {
            if (i.index == index) {
                return i;
            }
        }
        return null;
    }

    private Interface loopback() {
        return interfaces.get(0);
    }

    /** Sets an interface's addresses (replacing them), state and MTU; null leaves one as it is. */
    synchronized void setInterface(String ifname, List<NetConfig.IfAddr> addresses, Boolean up, Integer mtu) {
        Interface i = interfaceNamed(ifname);
        if (i == null) {
            throw new KernelException(Errno.ENODEV, "interface " + ifname, "no such interface (have: "
                    + String.join(", ", interfaces.stream().map(x -> x.name).toList()) + ")");
        }
        if (mtu != null) {
            int max = i.driver == null ? Interface.LOOPBACK_MTU : i.driver.mtu();
            if (mtu < 68 || mtu > max) {
                throw new KernelException(Errno.EINVAL, "interface " + ifname, "mtu " + mtu + " outside 68.." + max);
            }
            i.mtu = mtu;
        }
        if (addresses != null) {
            i.addresses = List.copyOf(addresses);
        }
        if (up != null) {
            i.adminUp = up;
        }
        changed();
    }

    /** Adds a route; the interface is the one whose subnet holds the gateway, unless named. */
    synchronized void addRoute(int dest, int prefix, int gateway, String ifname) {
        int index;
        if (ifname != null) {
            Interface i = interfaceNamed(ifname);
            if (i == null) {
                throw new KernelException(Errno.ENODEV, "route", "no interface " + ifname);
            }
            index = i.index;
        } else {
            NetConfig.Route via = NetConfig.Route.lookup(connectedRoutes(), gateway);
            if (via == null) {
                throw new KernelException(Errno.ENETUNREACH, "route to " + InetAddr.format(dest) + "/" + prefix,
                        "gateway " + InetAddr.format(gateway) + " is on no attached network");
            }
            index = via.ifindex();
        }
        int d = dest & InetAddr.mask(prefix);
        for (NetConfig.Route r : staticRoutes) {
            if (r.destination() == d && r.prefix() == prefix) {
                throw new KernelException(Errno.EEXIST, "route " + InetAddr.format(d) + "/" + prefix, "already there");
            }
        }
        staticRoutes.add(new NetConfig.Route(d, prefix, gateway, index));
        changed();
    }

    synchronized void deleteRoute(int dest, int prefix) {
        int d = dest & InetAddr.mask(prefix);
        if (!staticRoutes.removeIf(r -> r.destination() == d && r.prefix() == prefix)) {
            throw new KernelException(Errno.ESRCH, "route " + InetAddr.format(d) + "/" + prefix, "no such route");
        }
        changed();
    }

    private List<NetConfig.Route> connectedRoutes() {
        List<NetConfig.Route> out = new ArrayList<>();
        for (NetConfig.Route r : config.routes()) {
            if (r.gateway() == 0) {
                out.add(r);
            }
        }
        return out;
    }

    synchronized void setForwarding(boolean on) {
        forwarding = on;
        changed();
    }

    boolean forwarding() {
        return forwarding;
    }

    // ---- life

    @Override
    public void close() {
        closed = true;
        NetTimer.remove(this);
        for (SocketFile s : List.copyOf(sockets.values())) {
            s.abort();
        }
        for (Interface i : interfaces) {
            i.receiving = false;
        }
        for (AutoCloseable c : registrations) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "kernel " + name() + ": unregistering: " + e.getMessage());
            }
        }
        onClose.run();
    }

    boolean closed() {
        return closed;
    }
}
