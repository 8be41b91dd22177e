package org.anykernel.drivers.net.inet;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.net.api.InetAddr;
import org.anykernel.net.api.Net;

/**
 * What the datagram transports (UDP, ICMP echo sockets) share: sockets with a bounded receive queue of whole
 * datagrams, binding with port conflicts and ephemeral ports, a default peer, a pending error from ICMP, options and
 * poll. Subclasses add the packet formats ({@link #transmit}, {@link #input}, {@link #error}).
 */
abstract class DatagramTransport implements Transport {
    /** Default and largest receive buffer. */
    static final int DEFAULT_RCVBUF = 256 * 1024, MAX_RCVBUF = 16 * 1024 * 1024, MIN_RCVBUF = 256;
    /** What a queued datagram costs beyond its bytes (so that empty datagrams fill the buffer too). */
    static final int OVERHEAD = 64;
    static final int EPHEMERAL_LOW = 32768, EPHEMERAL_HIGH = 60999;

    final IpLayer ip;
    /** Sockets by handle, in creation order. */
    final Map<Long, Sock> sockets = new LinkedHashMap<>();
    /** Bound sockets by port. */
    final Map<Integer, List<Sock>> ports = new HashMap<>();

    DatagramTransport(IpLayer ip) {
        this.ip = ip;
    }

    /** Counter and report prefix ({@code udp}). */
    abstract String name();

    /** Whether ports below 1024 need uid 0. */
    abstract boolean privilegedPorts();

    /** The largest datagram payload a send takes. */
    abstract int maxPayload();

    /** Sends one datagram of {@code data[off..off+len)} from {@code s} (bound) to {@code to}. */
    abstract void transmit(Sock s, byte[] data, int off, int len, InetAddr to);

    @Override
    public TransportSocket open(long handle, int type, int uid) {
        if (type != Net.SOCK_DGRAM) {
            throw new KernelException(Errno.EPROTOTYPE, name(), "datagram sockets only");
        }
        Sock s = new Sock(handle, uid);
        sockets.put(handle, s);
        return s;
    }

    @Override
    public void tick(long nowNanos) {
        // Datagram sockets have no timers.
    }

    @Override
    public List<String> report(String what) {
        List<String> lines = new ArrayList<>();
        if ("sockets".equals(what)) {
            for (Sock s : sockets.values()) {
                lines.add(name() + " " + s.handle + " " + s.local() + " -> "
                        + (s.peer == null ? "*" : s.peer.toString()) + " rx_queue=" + s.queue.size() + "/"
                        + s.queued + "B rcvbuf=" + s.rcvbuf + " drops=" + s.drops
                        + (s.error == null ? "" : " error=" + s.error.name()));
            }
        }
        return lines;
    }

    /** The errno an ICMP error of {@code type}/{@code code} means to a socket (as Linux maps them). */
    static Errno errnoOf(int type, int code) {
        if (type != 3) {
            return Errno.EHOSTUNREACH;
        }
        return switch (code) {
            case 0 -> Errno.ENETUNREACH;
            case 2 -> Errno.ENOPROTOOPT;
            case 3 -> Errno.ECONNREFUSED;
            case 4 -> Errno.EMSGSIZE;
            default -> Errno.EHOSTUNREACH;
        };
    }

    /** Sets the pending error of {@code s} and wakes it. */
    void fail(Sock s, int type, int code) {
        s.error = errnoOf(type, code);
        ip.ready(s.handle);
    }

    /** Queues a datagram for {@code s}, unless its buffer is full (dropped and counted). */
    void deliver(Sock s, byte[] p, int off, int len, InetAddr from) {
        if (s.shutRd) {
            ip.count(name() + ".shutdown_drops");
            return;
        }
        long cost = (long) len + OVERHEAD;
        if (s.queued + cost > s.rcvbuf) {
            s.drops++;
            ip.count(name() + ".rcvbuf_drops");
            return;
        }
        byte[] data = new byte[len];
        System.arraycopy(p, off, data, 0, len);
        s.queue.addLast(new TransportSocket.Received(data, from));
        s.queued += cost;
        ip.ready(s.handle);
    }

    /** The sockets bound to {@code port} that take a datagram to {@code dst} from {@code src}:{@code sport}. */
    List<Sock> match(int port, int dst, int src, int sport, boolean usePort) {
        List<Sock> all = ports.get(port);
        if (all == null) {
            return List.of();
        }
        List<Sock> found = new ArrayList<>(2);
        for (Sock s : all) {
            if (s.address != 0 && s.address != dst) {
                continue;
            }
            if (s.peer != null && (s.peer.address() != src || usePort && s.peer.port() != sport)) {
                continue;
            }
            found.add(s);
        }
        return found;
    }

    /** The most specific of {@code candidates} (connected, then bound to an address; the first of equals). */
    static Sock best(List<Sock> candidates) {
        Sock best = null;
        int bestScore = -1;
        for (Sock s : candidates) {
            int score = (s.peer != null ? 2 : 0) + (s.address != 0 ? 1 : 0);
            if (score > bestScore) {
                best = s;
                bestScore = score;
            }
        }
        return best;
    }

    private boolean conflicts(Sock s, int address, int port, boolean ignoreReuse) {
        for (Sock o : ports.getOrDefault(port, List.of())) {
            if (o != s && (o.address == 0 || address == 0 || o.address == address)
                    && (ignoreReuse || !(o.reuse && s.reuse))) {
                return true;
            }
        }
        return false;
    }

    void bind(Sock s, int address, int port) {
        if (s.bound) {
            throw new KernelException(Errno.EINVAL, name() + " socket", "already bound to " + s.local());
        }
        if (address != 0 && !ip.isLocal(address)) {
            throw new KernelException(Errno.EADDRNOTAVAIL, InetAddr.format(address), "not an address of this host");
        }
        if (port == 0) {
            int range = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1;
            int start = (int) Math.floorMod(ip.random(), (long) range);
            for (int i = 0; i < range && port == 0; i++) {
                int candidate = EPHEMERAL_LOW + (start + i) % range;
                if (!conflicts(s, address, candidate, true)) {
                    port = candidate;
                }
            }
            if (port == 0) {
                throw new KernelException(Errno.EADDRINUSE, name(), "no ephemeral port is free");
            }
        } else {
            if (privilegedPorts() && port < Net.IPPORT_RESERVED && s.uid != 0) {
                throw new KernelException(Errno.EACCES, name() + " port " + port, "ports below 1024 need root");
            }
            if (conflicts(s, address, port, false)) {
                throw new KernelException(Errno.EADDRINUSE, InetAddr.format(address) + ":" + port,
                        "address already in use");
            }
        }
        s.address = address;
        s.port = port;
        s.bound = true;
        ports.computeIfAbsent(port, k -> new ArrayList<>(1)).add(s);
    }

    /** One datagram socket. */
    final class Sock implements TransportSocket {
        final long handle;
        final int uid;
        int address;
        int port;
        boolean bound;
        InetAddr peer;
        boolean reuse, broadcast, shutRd, shutWr;
        int rcvbuf = DEFAULT_RCVBUF, sndbuf = DEFAULT_RCVBUF, ttl = 64;
        long rcvtimeo, sndtimeo;
        Errno error;
        final ArrayDeque<Received> queue = new ArrayDeque<>();
        long queued;
        long drops;

        Sock(long handle, int uid) {
            this.handle = handle;
            this.uid = uid;
        }

        @Override
        public long handle() {
            return handle;
        }

        private void pending() {
            Errno e = error;
            if (e != null) {
                error = null;
                throw KernelException.of(e, name() + " socket");
            }
        }

        private void autobind() {
            if (!bound) {
                DatagramTransport.this.bind(this, 0, 0);
            }
        }

        @Override
        public void bind(InetAddr local) {
            DatagramTransport.this.bind(this, local.address(), local.port());
        }

        /** Connects to {@code remote}; null (an {@code AF_UNSPEC} address) dissolves the association. */
        @Override
        public void connect(InetAddr remote) {
            if (remote == null) {
                peer = null;
                return;
            }
            int dst = remote.address() == 0 ? InetAddr.LOOPBACK : remote.address();
            checkBroadcast(dst);
            int src = ip.sourceFor(dst);
            autobind();
            if (address == 0 && !Stack.isLoopbackNet(dst) && dst != InetAddr.BROADCAST) {
                address = src;
            }
            peer = new InetAddr(dst, remote.port());
            ip.ready(handle);
        }

        private void checkBroadcast(int dst) {
            if (dst == InetAddr.BROADCAST && !broadcast) {
                throw new KernelException(Errno.EACCES, InetAddr.format(dst), "broadcast needs SO_BROADCAST");
            }
        }

        @Override
        public void listen(int backlog) {
            throw new KernelException(Errno.EOPNOTSUPP, name() + " socket", "datagram sockets do not listen");
        }

        @Override
        public TransportSocket accept() {
            throw new KernelException(Errno.EOPNOTSUPP, name() + " socket", "datagram sockets do not accept");
        }

        @Override
        public int send(byte[] data, int off, int len, int flags, InetAddr to) {
            pending();
            if (shutWr) {
                throw new KernelException(Errno.EPIPE, name() + " socket", "shut down for writing");
            }
            InetAddr dest = to != null ? to : peer;
            if (dest == null) {
                throw new KernelException(Errno.EDESTADDRREQ, name() + " socket", "not connected and no address");
            }
            if (len > maxPayload()) {
                throw new KernelException(Errno.EMSGSIZE, name() + " socket",
                        len + " bytes exceed the largest datagram, " + maxPayload());
            }
            if (dest.address() == 0) {
                dest = new InetAddr(InetAddr.LOOPBACK, dest.port());
            }
            checkBroadcast(dest.address());
            autobind();
            transmit(this, data, off, len, dest);
            return len;
        }

        @Override
        public Received recv(int max, int flags) {
            pending();
            if (max < 0) {
                throw new KernelException(Errno.EINVAL, name() + " socket", "negative length " + max);
            }
            Received head = queue.peekFirst();
            if (head == null) {
                if (shutRd) {
                    return new Received(new byte[0], null);
                }
                throw KernelException.of(Errno.EAGAIN, name() + " socket");
            }
            if ((flags & Net.MSG_PEEK) == 0) {
                queue.removeFirst();
                queued -= head.data().length + OVERHEAD;
            }
            byte[] d = head.data();
            if (d.length > max) {
                d = java.util.Arrays.copyOf(d, max);
            } else if ((flags & Net.MSG_PEEK) != 0) {
                d = d.clone();
            }
            return new Received(d, head.from());
        }

        @Override
        public void shutdown(int how) {
            if (how < Net.SHUT_RD || how > Net.SHUT_RDWR) {
                throw new KernelException(Errno.EINVAL, name() + " socket", "shutdown how " + how);
            }
            if (peer == null) {
                throw KernelException.of(Errno.ENOTCONN, name() + " socket");
            }
            shutRd |= how != Net.SHUT_WR;
            shutWr |= how != Net.SHUT_RD;
            ip.ready(handle);
        }

        @Override
        public void close() {
            sockets.remove(handle);
            if (bound) {
                List<Sock> l = ports.get(port);
                if (l != null) {
                    l.remove(this);
                    if (l.isEmpty()) {
                        ports.remove(port);
                    }
                }
                bound = false;
            }
            queue.clear();
            queued = 0;
        }

        @Override
        public void setOption(int level, int name, long value) {
            if (level == Net.SOL_SOCKET) {
                switch (name) {
                    case Net.SO_REUSEADDR -> reuse = value != 0;
                    case Net.SO_BROADCAST -> broadcast = value != 0;
                    case Net.SO_RCVBUF -> rcvbuf = (int) Math.max(MIN_RCVBUF, Math.min(MAX_RCVBUF, value));
                    case Net.SO_SNDBUF -> sndbuf = (int) Math.max(MIN_RCVBUF, Math.min(MAX_RCVBUF, value));
                    case Net.SO_RCVTIMEO -> rcvtimeo = value;
                    case Net.SO_SNDTIMEO -> sndtimeo = value;
                    case Net.SO_KEEPALIVE, Net.SO_LINGER -> {
                        // Accepted and meaningless for datagrams, as on Linux.
                    }
                    default -> throw new KernelException(Errno.ENOPROTOOPT, "SOL_SOCKET option " + name,
                            "not supported by " + name());
                }
            } else if (level == Net.IPPROTO_IP && name == Net.IP_TTL) {
                if (value < 1 || value > 255) {
                    throw new KernelException(Errno.EINVAL, "IP_TTL", "must be 1..255, not " + value);
                }
                ttl = (int) value;
            } else {
                throw new KernelException(Errno.ENOPROTOOPT, "option " + level + "/" + name,
                        "not supported by " + name());
            }
        }

        @Override
        public long option(int level, int name) {
            if (level == Net.SOL_SOCKET) {
                return switch (name) {
                    case Net.SO_REUSEADDR -> reuse ? 1 : 0;
                    case Net.SO_BROADCAST -> broadcast ? 1 : 0;
                    case Net.SO_RCVBUF -> rcvbuf;
                    case Net.SO_SNDBUF -> sndbuf;
                    case Net.SO_RCVTIMEO -> rcvtimeo;
                    case Net.SO_SNDTIMEO -> sndtimeo;
                    case Net.SO_TYPE -> Net.SOCK_DGRAM;
                    case Net.SO_ACCEPTCONN, Net.SO_KEEPALIVE -> 0;
                    case Net.SO_LINGER -> -1;
                    case Net.SO_ERROR -> {
                        Errno e = error;
                        error = null;
                        yield e == null ? 0 : e.number();
                    }
                    default -> throw new KernelException(Errno.ENOPROTOOPT, "SOL_SOCKET option " + name,
                            "not supported by " + name());
                };
            }
            if (level == Net.IPPROTO_IP && name == Net.IP_TTL) {
                return ttl;
            }
            throw new KernelException(Errno.ENOPROTOOPT, "option " + level + "/" + name, "not supported by " + name());
        }

        @Override
        public InetAddr local() {
            return new InetAddr(address, port);
        }

        @Override
        public InetAddr peer() {
            if (peer == null) {
                throw KernelException.of(Errno.ENOTCONN, name() + " socket");
            }
            return peer;
        }

        @Override
        public int poll() {
            int ev = 0;
            if (!queue.isEmpty() || shutRd) {
                ev |= Net.POLLIN;
            }
            if (!shutWr) {
                ev |= Net.POLLOUT;
            }
            if (error != null) {
                ev |= Net.POLLERR;
            }
            if (shutRd && shutWr) {
                ev |= Net.POLLHUP;
            }
            return ev;
        }
    }
}
