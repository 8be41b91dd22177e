package org.anykernel.drivers.net.inet;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.net.api.InetAddr;
import org.anykernel.net.api.Net;
import org.anykernel.net.spi.NetConfig;
import org.anykernel.net.spi.NetResult;
import org.anykernel.net.spi.Protocol;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * The Internet protocol family ({@code AF_INET}) as the network faction's {@link Protocol}: Ethernet, ARP, IPv4
 * (fragments, forwarding), ICMP, UDP and ICMP echo sockets ({@link Stack}, {@link Udp}, {@link Ping}), and TCP once its
 * transport is added in {@link #transports}. Prototype-scoped: each kernel has a stack of its own. Usable from plain
 * Java with {@code new Inet()}.
 *
 * <p>Everything runs under one lock, the stack lock: each call takes it, runs, and returns in its {@link NetResult}
 * the frames and woken sockets it produced (and any a {@link #configure} produced before it, since that returns
 * nothing). Socket errors come back as the result's errno; {@link #input} and {@link #tick} never throw: a fault while
 * handling a packet is counted ({@code ip.bug}) and kept for {@code report("stats")}.
 *
 * <p>Socket handles are a per-instance random base (the upper 32 bits, from a cryptographic source) plus a counter, so a restarted instance does not take an
 * old instance's handle for one of its own ({@code ECONNRESET}).
 */
@Component(service = Protocol.class, scope = ServiceScope.PROTOTYPE, property = Protocol.FAMILY + "=2")
public final class Inet implements Protocol {
    private final ReentrantLock lock = new ReentrantLock();
    private final Stack stack;
    private final Map<Long, TransportSocket> sockets = new HashMap<>();
    private long configVersion;
    private String lastBug;

    /** A stack on the system clock, with a cryptographic random source. */
    public Inet() {
        this(System::nanoTime, new SecureRandom());
    }

    /**
     * A stack on {@code clock} (monotonic nanoseconds; timers also run on what {@link #tick} is given).
     *
     * @param clock  the monotonic clock
     * @param random the source of handles, ephemeral ports and IP identifiers
     */
    public Inet(LongSupplier clock, RandomGenerator random) {
        stack = new Stack(clock, random);
        for (Transport t : transports(stack)) {
            stack.add(t);
        }
    }

    /** The transports above IPv4. */
    private static List<Transport> transports(IpLayer ip) {
        return List.of(new Udp(ip), new Ping(ip), new org.anykernel.drivers.net.inet.tcp.Tcp(ip));
    }

    @Override
    public int family() {
        return Net.AF_INET;
    }

    @Override
    public NetResult configure(NetConfig config) {
        lock.lock();
        try {
            stack.configure(config);
            configVersion = config.version();
            return result(0, 0, null, null);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long configVersion() {
        lock.lock();
        try {
            return configVersion;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public NetResult input(int ifindex, List<byte[]> frames) {
        lock.lock();
        try {
            if (frames != null) {
                for (byte[] f : frames) {
                    guarded(() -> stack.linkInput(ifindex, f));
                }
            }
            return result(0, 0, null, null);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public NetResult tick(long nowNanos) {
        lock.lock();
        try {
            guarded(() -> stack.tick(nowNanos));
            for (Transport t : stack.transports()) {
                guarded(() -> t.tick(nowNanos));
            }
            return result(0, 0, null, null);
        } finally {
            lock.unlock();
        }
    }

    /** Runs packet handling that must not throw: a fault is counted and remembered, and the packet dropped. */
    private void guarded(Runnable r) {
        try {
            r.run();
        } catch (KernelException e) {
            stack.count("ip.dropped_" + e.errno().name().toLowerCase());
        } catch (RuntimeException e) {
            stack.count("ip.bug");
            StackTraceElement[] st = e.getStackTrace();
            lastBug = e + (st.length > 0 ? " at " + st[0] : "");
        }
    }

    @FunctionalInterface
    private interface Op {
        NetResult run();
    }

    /** Runs a socket operation under the lock; a {@link KernelException} becomes the result's errno. */
    private NetResult call(Op op) {
        lock.lock();
        try {
            try {
                return op.run();
            } catch (KernelException e) {
                return result(0, e.errno().number(), null, null);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The result of the current call: its value, and everything sent and woken since the last result. */
    private NetResult result(long value, int errno, byte[] data, byte[] addr) {
        guarded(stack::drainLocal);
        if (stack.out.isEmpty() && stack.ready.isEmpty() && data == null && addr == null) {
            return value == 0 && errno == 0 ? NetResult.NONE
                    : new NetResult(value, errno, null, null, List.of(), List.of());
        }
        NetResult r = new NetResult(value, errno, data, addr, List.copyOf(stack.out), List.copyOf(stack.ready));
        stack.out.clear();
        stack.ready.clear();
        return r;
    }

    private NetResult ok(long value) {
        return result(value, 0, null, null);
    }

    private TransportSocket socket(long handle) {
        TransportSocket s = sockets.get(handle);
        if (s == null) {
            throw new KernelException(Errno.ECONNRESET, "socket " + Long.toHexString(handle),
                    "unknown to this stack (made by an instance that is gone)");
        }
        return s;
    }

    @Override
    public NetResult socket(int type, int protocol, int uid) {
        return call(() -> {
            int t = type & 0xF;
            int p;
            if (t == Net.SOCK_STREAM) {
                p = protocol == 0 ? Net.IPPROTO_TCP : protocol;
                if (p != Net.IPPROTO_TCP) {
                    throw new KernelException(Errno.EPROTONOSUPPORT, "protocol " + protocol, "not a stream protocol");
                }
            } else if (t == Net.SOCK_DGRAM) {
                p = protocol == 0 ? Net.IPPROTO_UDP : protocol;
                if (p != Net.IPPROTO_UDP && p != Net.IPPROTO_ICMP) {
                    throw new KernelException(Errno.EPROTONOSUPPORT, "protocol " + protocol,
                            "not a datagram protocol");
                }
            } else {
                throw new KernelException(Errno.ESOCKTNOSUPPORT, "socket type " + type, "not supported");
            }
            Transport tr = stack.transport(p);
            if (tr == null) {
                throw new KernelException(Errno.EPROTONOSUPPORT, "protocol " + p, "no transport in this stack");
            }
            long handle = stack.newHandle();
            sockets.put(handle, tr.open(handle, t, uid));
            return ok(handle);
        });
    }

    @Override
    public NetResult bind(long handle, byte[] addr) {
        return call(() -> {
            TransportSocket s = socket(handle);
            s.bind(InetAddr.fromSockaddr(addr));
            return ok(0);
        });
    }

    @Override
    public NetResult connect(long handle, byte[] addr) {
        return call(() -> {
            TransportSocket s = socket(handle);
            if (addr != null && addr.length >= 2 && (addr[0] | addr[1]) == Net.AF_UNSPEC) {
                s.connect(null);
            } else {
                s.connect(InetAddr.fromSockaddr(addr));
            }
            return ok(0);
        });
    }

    @Override
    public NetResult listen(long handle, int backlog) {
        return call(() -> {
            socket(handle).listen(backlog);
            return ok(0);
        });
    }

    @Override
    public NetResult accept(long handle) {
        return call(() -> {
            TransportSocket c = socket(handle).accept();
            sockets.put(c.handle(), c);
            InetAddr peer = c.peer();
            return result(c.handle(), 0, null, peer.toSockaddr());
        });
    }

    @Override
    public NetResult send(long handle, byte[] data, int off, int len, int flags, byte[] to) {
        return call(() -> {
            TransportSocket s = socket(handle);
            if (data == null || off < 0 || len < 0 || off > data.length - len) {
                throw new KernelException(Errno.EFAULT, "send buffer", "range outside the data");
            }
            return ok(s.send(data, off, len, flags, to == null ? null : InetAddr.fromSockaddr(to)));
        });
    }

    @Override
    public NetResult recv(long handle, int max, int flags) {
        return call(() -> {
            TransportSocket.Received r = socket(handle).recv(max, flags);
            return result(r.data().length, 0, r.data(), r.from() == null ? null : r.from().toSockaddr());
        });
    }

    @Override
    public NetResult shutdown(long handle, int how) {
        return call(() -> {
            socket(handle).shutdown(how);
            return ok(0);
        });
    }

    @Override
    public NetResult close(long handle) {
        return call(() -> {
            TransportSocket s = sockets.remove(handle);
            if (s != null) {
                s.close();
            }
            return ok(0);
        });
    }

    @Override
    public NetResult setsockopt(long handle, int level, int name, long value) {
        return call(() -> {
            socket(handle).setOption(level, name, value);
            return ok(0);
        });
    }

    @Override
    public NetResult getsockopt(long handle, int level, int name) {
        return call(() -> ok(socket(handle).option(level, name)));
    }

    @Override
    public NetResult address(long handle, boolean peer) {
        return call(() -> {
            TransportSocket s = socket(handle);
            InetAddr a = peer ? s.peer() : s.local();
            return result(0, 0, null, a.toSockaddr());
        });
    }

    @Override
    public NetResult poll(long handle) {
        return call(() -> ok(socket(handle).poll()));
    }

    @Override
    public List<String> report(String what) {
        lock.lock();
        try {
            List<String> lines = new ArrayList<>();
            switch (what == null ? "" : what) {
                case "arp" -> lines.addAll(stack.arpReport());
                case "sockets" -> {
                    for (Transport t : stack.transports()) {
                        lines.addAll(t.report("sockets"));
                    }
                }
                case "stats" -> {
                    lines.addAll(stack.counters.report());
                    long[] r = stack.reassemblyUse();
                    lines.add("reassembly datagrams=" + r[0] + " bytes=" + r[1]);
                    for (Transport t : stack.transports()) {
                        lines.addAll(t.report("stats"));
                    }
                    if (lastBug != null) {
                        lines.add("bug last=" + lastBug);
                    }
                }
                default -> lines.add("unknown report '" + what + "': arp, sockets, stats");
            }
            return lines;
        } finally {
            lock.unlock();
        }
    }

    /** A counter's value ({@code "ip.bad_checksum"}), for tests. */
    long counter(String name) {
        lock.lock();
        try {
            return stack.counters.get(name);
        } finally {
            lock.unlock();
        }
    }
}
