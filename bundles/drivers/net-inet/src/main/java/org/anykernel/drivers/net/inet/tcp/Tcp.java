package org.anykernel.drivers.net.inet.tcp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.drivers.net.inet.Bytes;
import org.anykernel.drivers.net.inet.Checksum;
import org.anykernel.drivers.net.inet.IpLayer;
import org.anykernel.drivers.net.inet.Transport;
import org.anykernel.drivers.net.inet.TransportSocket;
import org.anykernel.net.api.InetAddr;
import org.anykernel.net.api.Net;

/**
 * TCP after RFC 9293: the connection state machine, with MSS and window scaling (RFC 7323), retransmission timeouts
 * per RFC 6298 (Karn's rule, exponential backoff), slow start and congestion avoidance with fast retransmit and
 * NewReno fast recovery (RFC 5681, RFC 6582, initial window of RFC 6928), delayed acknowledgements, Nagle's
 * algorithm and {@code TCP_NODELAY}, keepalive, zero-window probes, TIME-WAIT, RST handling with RFC 5961's
 * challenge ACKs, initial sequence numbers after RFC 6528, and a bounded listen backlog and half-open queue.
 *
 * <p>Like the rest of the stack it never blocks and never runs on a thread of its own: the IP layer hands it segments
 * ({@link #input}), the faction's timer calls {@link #tick} every few milliseconds, and the socket operations run on
 * the callers' threads; all under the stack's lock. What would block throws {@code EAGAIN}; every change a waiter
 * may care about goes to {@link IpLayer#ready}. Memory is bounded by the sockets' buffers: the retransmission queue
 * is the unacknowledged part of the send buffer, out-of-order data is kept only within the receive window, and
 * listeners keep at most a bounded number of half-open and unaccepted connections.
 */
public final class Tcp implements Transport {
    static final int HEADER = 20;
    static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;
    /** Maximum segment lifetime; TIME-WAIT lasts twice this. */
    static final long MSL_NANOS = 30_000_000_000L;
    static final long MS = 1_000_000L;
    static final long RTO_MIN = 200 * MS, RTO_MAX = 60_000 * MS, RTO_INITIAL = 1_000 * MS;
    static final long DELACK = 40 * MS;
    /** Retransmissions of data before the connection is given up ({@code ETIMEDOUT}). */
    static final int MAX_RETRIES = 12;
    /** Retransmissions of a SYN before a connect fails. */
    static final int MAX_SYN_RETRIES = 6;
    static final int DEFAULT_BUFFER = 256 << 10;
    /**
     * Full segments a socket buffer the application did not size holds at least: 256 KiB covers them at Ethernet's
     * MTU; on a link with jumbo frames (an in-JVM switch at MTU 65000, like Linux loopback's 65536) the buffers grow
     * with the segments (4 MiB at 64 KiB), else a window of four segments would leave the link idle most of the time.
     */
    static final int BUFFER_SEGMENTS = 64;
    static final int MAX_BUFFER = 16 << 20;
    static final int MIN_BUFFER = 2048;
    static final int DEFAULT_MSS = 536;
    /** An orphaned connection in FIN-WAIT-2 is dropped after this (Linux's tcp_fin_timeout). */
    static final long FIN_WAIT_2_NANOS = 60_000 * MS;
    /** Connections of all kinds at most (a bound on memory whatever the peers do). */
    static final int MAX_CONNECTIONS = 65536;
    static final int EPHEMERAL_LOW = 49152, EPHEMERAL_HIGH = 65535;

    enum State {
        CLOSED, LISTEN, SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK,
        TIME_WAIT
    }

    private final IpLayer ip;
    private final byte[] secret = new byte[16];
    /** Connections with both ends known, by their four-tuple. */
    private final Map<Key, Conn> connections = new HashMap<>();
    /** Listeners by local port. */
    private final Map<Integer, List<Conn>> listeners = new HashMap<>();
    /** Every socket with a local port (bound, listening or connected), for port allocation. */
    private final Map<Integer, List<Conn>> bound = new HashMap<>();
    /** Every socket with timers, in creation order. */
    private final Map<Conn, Boolean> live = new LinkedHashMap<>();
    private final Map<String, Long> stats = new LinkedHashMap<>();
    private long now;

    /** A connection's four-tuple. */
    record Key(int localAddr, int localPort, int remoteAddr, int remotePort) {
    }

    public Tcp(IpLayer ip) {
        this.ip = ip;
        for (int i = 0; i < secret.length; i += 8) {
            long r = ip.random();
            for (int k = 0; k < 8; k++) {
                secret[i + k] = (byte) (r >>> (8 * k));
            }
        }
        now = ip.nowNanos();
        for (String s : new String[] {"segments_in", "segments_out", "retransmits", "fast_retransmits", "timeouts",
            "bad_checksum", "bad_header", "syn_dropped", "resets_in", "resets_out", "challenge_acks",
            "connections_opened", "connections_accepted", "connections_dropped", "ooo_segments"}) {
            stats.put(s, 0L);
        }
    }

    @Override
    public int protocol() {
        return Net.IPPROTO_TCP;
    }

    private void count(String s) {
        stats.merge(s, 1L, Long::sum);
        if (s.equals("bad_checksum") || s.equals("bad_header") || s.equals("syn_dropped")) {
            ip.count("tcp." + s);
        }
    }

    // ------------------------------------------------------------------ sockets

    @Override
    public TransportSocket open(long handle, int type, int uid) {
        if (type != Net.SOCK_STREAM) {
            throw new KernelException(Errno.EPROTOTYPE, "tcp", "type " + type + " is not SOCK_STREAM");
        }
        return new Conn(handle, uid);
    }

    /** One TCP socket: a listener, or one end of a connection. */
    final class Conn implements TransportSocket {
        final long handle;
        final int uid;
        State state = State.CLOSED;
        int localAddr;
        int localPort;
        int remoteAddr;
        int remotePort;
        boolean reuseAddr;
        boolean keepAlive;
        boolean noDelay;
        long lingerSeconds = -1;
        int rcvBufSize = DEFAULT_BUFFER;
        int sndBufSize = DEFAULT_BUFFER;
        /** The application set {@code SO_RCVBUF} / {@code SO_SNDBUF}: the size is not scaled to the segment size. */
        boolean rcvBufSet;
        boolean sndBufSet;
        long keepIdle = 7200_000 * MS;
        long keepIntvl = 75_000 * MS;
        int keepCnt = 9;
        /** The application closed it: it lives on only to finish the exchange. */
        boolean orphan;
        boolean shutRd;
        boolean finQueued;
        /** The sequence number our FIN takes (the end of the data queued when it was queued). */
        int finSeq;
        boolean finReceived;
        /** An error for the application ({@code SO_ERROR}, and the next operation). */
        Errno error;
        /** The connection was reset or timed out: reads end with that error, not end of stream. */
        boolean aborted;

        // send side
        Ring snd;
        int iss;
        int sndUna;
        int sndNxt;
        int sndMax;
        int sndWnd;
        int sndWl1;
        int sndWl2;
        int sndShift;
        int mss = DEFAULT_MSS;
        int peerMss = DEFAULT_MSS;
        int cwnd;
        int ssthresh = Integer.MAX_VALUE;
        int dupAcks;
        boolean recovering;
        int recover;
        // receive side
        Ring rcv;
        int irs;
        int rcvNxt;
        int rcvAdv;
        int rcvShift;
        boolean wantShift;
        /** Out-of-order segments by sequence number, within the receive window. */
        final java.util.TreeMap<Integer, byte[]> ooo = new java.util.TreeMap<>(Integer::compareUnsigned);
        int oooBytes;
        // timers (absolute nanos, 0 off)
        long rexmtAt;
        long persistAt;
        long delackAt;
        long keepAt;
        long closeAt;
        int retries;
        int keepProbes;
        boolean ackNow;
        int unackedSegments;
        // RTT
        long srtt = -1;
        long rttvar;
        long rto = RTO_INITIAL;
        boolean timing;
        int rtSeq;
        long rtStart;
        // listener
        Conn parent;
        int backlog;
        final java.util.ArrayDeque<Conn> acceptQueue = new java.util.ArrayDeque<>();
        int halfOpen;

        Conn(long handle, int uid) {
            this.handle = handle;
            this.uid = uid;
        }

        @Override
        public long handle() {
            return handle;
        }

        private String what() {
            return "tcp " + InetAddr.format(localAddr) + ":" + localPort
                    + (remotePort == 0 ? "" : " " + InetAddr.format(remoteAddr) + ":" + remotePort);
        }

        private void throwError() {
            if (error != null) {
                Errno e = error;
                error = null;
                throw new KernelException(e, what(), e.description());
            }
        }

        @Override
        public void bind(InetAddr a) {
            if (localPort != 0 || state != State.CLOSED) {
                throw new KernelException(Errno.EINVAL, what(), "already bound");
            }
            if (a.address() != 0 && !ip.isLocal(a.address())) {
                throw new KernelException(Errno.EADDRNOTAVAIL, "bind " + a, "not an address of this host");
            }
            if (a.port() != 0 && a.port() < Net.IPPORT_RESERVED && uid != 0) {
                throw new KernelException(Errno.EACCES, "bind " + a, "ports below 1024 need root");
            }
            int port = a.port() == 0 ? ephemeral(a.address(), 0, 0) : a.port();
            if (a.port() != 0 && inUse(a.address(), port, this)) {
                throw new KernelException(Errno.EADDRINUSE, "bind " + a, "address in use");
            }
            localAddr = a.address();
            localPort = port;
            bound.computeIfAbsent(port, p -> new ArrayList<>()).add(this);
        }

        @Override
        public void listen(int backlogWanted) {
            throwError();
            if (state == State.LISTEN) {
                backlog = Math.max(1, Math.min(backlogWanted, 4096));
                return;
            }
            if (state != State.CLOSED) {
                throw new KernelException(Errno.EINVAL, what(), "connected or connecting");
            }
            if (localPort == 0) {
                bind(new InetAddr(0, 0));
            }
            for (Conn l : listeners.getOrDefault(localPort, List.of())) {
                if (l.localAddr == 0 || localAddr == 0 || l.localAddr == localAddr) {
                    throw new KernelException(Errno.EADDRINUSE, what(), "another socket listens on this port");
                }
            }
            backlog = Math.max(1, Math.min(backlogWanted, 4096));
            state = State.LISTEN;
            listeners.computeIfAbsent(localPort, p -> new ArrayList<>()).add(this);
        }

        @Override
        public void connect(InetAddr remote) {
            if (remote == null) {
                throw new KernelException(Errno.EAFNOSUPPORT, what(), "AF_UNSPEC on a stream socket");
            }
            switch (state) {
                case SYN_SENT, SYN_RECEIVED -> throw new KernelException(Errno.EALREADY, what(), "connecting");
                case LISTEN -> throw new KernelException(Errno.EINVAL, what(), "listening");
                case CLOSED -> {
                }
                default -> throw new KernelException(Errno.EISCONN, what(), "already connected");
            }
            if (aborted || error != null) {
                Errno e = error != null ? error : Errno.ECONNRESET;
                error = null;
                throw new KernelException(e, "connect " + remote, e.description());
            }
            if (remote.address() == 0 || remote.port() == 0) {
                throw new KernelException(Errno.EINVAL, "connect " + remote, "no address or port");
            }
            int src = localAddr != 0 ? localAddr : ip.sourceFor(remote.address());
            if (localPort == 0) {
                localPort = ephemeral(src, remote.address(), remote.port());
                bound.computeIfAbsent(localPort, p -> new ArrayList<>()).add(this);
            } else if (connections.containsKey(new Key(src, localPort, remote.address(), remote.port()))) {
                throw new KernelException(Errno.EADDRINUSE, "connect " + remote, "that connection exists");
            }
            localAddr = src;
            remoteAddr = remote.address();
            remotePort = remote.port();
            if (connections.size() >= MAX_CONNECTIONS) {
                throw new KernelException(Errno.ENOBUFS, "connect " + remote, "too many connections");
            }
            connections.put(key(), this);
            live.put(this, Boolean.TRUE);
            scaleBuffers(mssFor(remoteAddr));
            snd = new Ring(sndBufSize);
            rcv = new Ring(rcvBufSize);
            rcvShift = shiftFor(rcvBufSize);
            iss = isn(localAddr, localPort, remoteAddr, remotePort);
            sndUna = iss;
            sndNxt = iss;
            sndMax = iss;
            mss = mssFor(remoteAddr);
            state = State.SYN_SENT;
            count("connections_opened");
            sendSyn(false);
            throw new KernelException(Errno.EINPROGRESS, "connect " + remote, "handshake started");
        }

        Key key() {
            return new Key(localAddr, localPort, remoteAddr, remotePort);
        }

        @Override
        public TransportSocket accept() {
            throwError();
            if (state != State.LISTEN) {
                throw new KernelException(Errno.EINVAL, what(), "not listening");
            }
            Conn c = acceptQueue.poll();
            if (c == null) {
                throw new KernelException(Errno.EAGAIN, what(), "no connection waiting");
            }
            c.parent = null;
            count("connections_accepted");
            return c;
        }

        @Override
        public int send(byte[] data, int off, int len, int flags, InetAddr to) {
            if (state == State.LISTEN) {
                throw new KernelException(Errno.ENOTCONN, what(), "listening");
            }
            if (error != null) {
                throwError();
            }
            if (aborted) {
                throw new KernelException(Errno.EPIPE, what(), "the connection is gone");
            }
            switch (state) {
                case CLOSED -> throw new KernelException(Errno.ENOTCONN, what(), "not connected");
                case SYN_SENT, SYN_RECEIVED -> throw new KernelException(Errno.EAGAIN, what(), "connecting");
                default -> {
                }
            }
            if (finQueued) {
                throw new KernelException(Errno.EPIPE, what(), "shut down for writing");
            }
            if (len == 0) {
                return 0;
            }
            int n = Math.min(len, snd.free());
            if (n == 0) {
                throw new KernelException(Errno.EAGAIN, what(), "send buffer full");
            }
            snd.write(data, off, n);
            output(false);
            return n;
        }

        @Override
        public Received recv(int max, int flags) {
            if (state == State.LISTEN) {
                throw new KernelException(Errno.ENOTCONN, what(), "listening");
            }
            if (rcv != null && rcv.size() > 0 && max > 0) {
                int n = Math.min(max, rcv.size());
                byte[] d = new byte[n];
                rcv.peek(0, d, 0, n);
                if ((flags & Net.MSG_PEEK) == 0) {
                    rcv.skip(n);
                    windowUpdate();
                }
                return new Received(d, null);
            }
            if (error != null) {
                throwError();
            }
            if (aborted) {
                return new Received(new byte[0], null);
            }
            if (finReceived || shutRd) {
                return new Received(new byte[0], null);
            }
            if (state == State.CLOSED) {
                throw new KernelException(Errno.ENOTCONN, what(), "not connected");
            }
            if (max == 0) {
                return new Received(new byte[0], null);
            }
            throw new KernelException(Errno.EAGAIN, what(), "no data yet");
        }

        @Override
        public void shutdown(int how) {
            if (state == State.CLOSED || state == State.LISTEN || state == State.SYN_SENT) {
                if (state == State.LISTEN && how != Net.SHUT_WR) {
                    return;
                }
                throw new KernelException(Errno.ENOTCONN, what(), "not connected");
            }
            if (how == Net.SHUT_RD || how == Net.SHUT_RDWR) {
                shutRd = true;
                ip.ready(handle);
            }
            if (how == Net.SHUT_WR || how == Net.SHUT_RDWR) {
                queueFin();
            }
        }

        @Override
        public void close() {
            orphan = true;
            switch (state) {
                case CLOSED -> release();
                case LISTEN -> {
                    for (Conn c : acceptQueue) {
                        c.sendRst();
                        c.release();
                    }
                    acceptQueue.clear();
                    for (Conn c : List.copyOf(connections.values())) {
                        if (c.parent == this) {
                            c.sendRst();
                            c.release();
                        }
                    }
                    release();
                }
                case SYN_SENT -> release();
                case TIME_WAIT -> {
                    // finishes by itself
                }
                default -> {
                    if (lingerSeconds == 0 || (rcv != null && rcv.size() > 0)) {
                        // RFC 2525: data the application never read is a reason to reset; so is SO_LINGER 0
                        sendRst();
                        release();
                    } else {
                        queueFin();
                        if (state == State.FIN_WAIT_2) {
                            closeAt = now + FIN_WAIT_2_NANOS;
                        }
                    }
                }
            }
        }

        @Override
        public void setOption(int level, int name, long value) {
            if (level == Net.SOL_SOCKET) {
                switch (name) {
                    case Net.SO_REUSEADDR -> reuseAddr = value != 0;
                    case Net.SO_KEEPALIVE -> {
                        keepAlive = value != 0;
                        keepProbes = 0;
                        keepAt = keepAlive ? now + keepIdle : 0;
                    }
                    case Net.SO_LINGER -> lingerSeconds = value;
                    case Net.SO_RCVBUF -> {
                        rcvBufSet = true;
                        rcvBufSize = clampBuffer(value);
                        if (rcv != null && rcvBufSize > rcv.capacity()) {
                            rcv.grow(rcvBufSize);
                            windowUpdate();
                        }
                    }
                    case Net.SO_SNDBUF -> {
                        sndBufSet = true;
                        sndBufSize = clampBuffer(value);
                        if (snd != null && sndBufSize > snd.capacity()) {
                            snd.grow(sndBufSize);
                            ip.ready(handle);
                        }
                    }
                    case Net.SO_BROADCAST -> {
                    }
                    default -> throw new KernelException(Errno.ENOPROTOOPT, what(), "socket option " + name);
                }
                return;
            }
            if (level == Net.IPPROTO_TCP) {
                switch (name) {
                    case Net.TCP_NODELAY -> {
                        noDelay = value != 0;
                        if (noDelay && snd != null) {
                            output(false);
                        }
                    }
                    case Net.TCP_MAXSEG -> {
                        if (value < 64 || value > 65495) {
                            throw new KernelException(Errno.EINVAL, what(), "TCP_MAXSEG " + value);
                        }
                        mss = (int) Math.min(mss, value);
                    }
                    case Net.TCP_KEEPIDLE -> {
                        keepIdle = seconds(value);
                        if (keepAlive) {
                            keepAt = now + keepIdle;
                        }
                    }
                    case Net.TCP_KEEPINTVL -> keepIntvl = seconds(value);
                    case Net.TCP_KEEPCNT -> {
                        if (value < 1 || value > 127) {
                            throw new KernelException(Errno.EINVAL, what(), "TCP_KEEPCNT " + value);
                        }
                        keepCnt = (int) value;
                    }
                    default -> throw new KernelException(Errno.ENOPROTOOPT, what(), "TCP option " + name);
                }
                return;
            }
            throw new KernelException(Errno.ENOPROTOOPT, what(), "option level " + level);
        }

        private long seconds(long v) {
            if (v < 1 || v > 32767) {
                throw new KernelException(Errno.EINVAL, what(), "seconds " + v + " outside 1..32767");
            }
            return v * 1000 * MS;
        }

        @Override
        public long option(int level, int name) {
            if (level == Net.SOL_SOCKET) {
                return switch (name) {
                    case Net.SO_REUSEADDR -> reuseAddr ? 1 : 0;
                    case Net.SO_KEEPALIVE -> keepAlive ? 1 : 0;
                    case Net.SO_LINGER -> lingerSeconds;
                    case Net.SO_RCVBUF -> rcvBufSize;
                    case Net.SO_SNDBUF -> sndBufSize;
                    case Net.SO_ACCEPTCONN -> state == State.LISTEN ? 1 : 0;
                    case Net.SO_ERROR -> {
                        Errno e = error;
                        error = null;
                        yield e == null ? 0 : e.number();
                    }
                    default -> throw new KernelException(Errno.ENOPROTOOPT, what(), "socket option " + name);
                };
            }
            if (level == Net.IPPROTO_TCP) {
                return switch (name) {
                    case Net.TCP_NODELAY -> noDelay ? 1 : 0;
                    case Net.TCP_MAXSEG -> mss;
                    case Net.TCP_KEEPIDLE -> keepIdle / (1000 * MS);
                    case Net.TCP_KEEPINTVL -> keepIntvl / (1000 * MS);
                    case Net.TCP_KEEPCNT -> keepCnt;
                    default -> throw new KernelException(Errno.ENOPROTOOPT, what(), "TCP option " + name);
                };
            }
            throw new KernelException(Errno.ENOPROTOOPT, what(), "option level " + level);
        }

        @Override
        public InetAddr local() {
            return new InetAddr(localAddr, localPort);
        }

        @Override
        public InetAddr peer() {
            if (remotePort == 0 || state == State.CLOSED && !aborted && !finReceived) {
                throw new KernelException(Errno.ENOTCONN, what(), "not connected");
            }
            return new InetAddr(remoteAddr, remotePort);
        }

        @Override
        public int poll() {
            int ev = 0;
            if (state == State.LISTEN) {
                return acceptQueue.isEmpty() ? 0 : Net.POLLIN;
            }
            if (error != null) {
                ev |= Net.POLLERR;
            }
            if ((rcv != null && rcv.size() > 0) || finReceived || shutRd || aborted) {
                ev |= Net.POLLIN;
            }
            if (finReceived) {
                ev |= Net.POLLRDHUP;
            }
            if (writable()) {
                ev |= Net.POLLOUT;
            }
            if (aborted || (finReceived && finQueued) || (state == State.CLOSED && snd != null)) {
                ev |= Net.POLLHUP | Net.POLLOUT;
            }
            return ev;
        }

        /** The room that makes a socket writable: a third of its send buffer. */
        int writeSpace() {
            return Math.max(1, snd.capacity() / 3);
        }

        /** Whether a writer should be told it may write: connected, not shut down, a third of the buffer free. */
        boolean writable() {
            boolean connected = state == State.ESTABLISHED || state == State.CLOSE_WAIT;
            return connected && !finQueued && snd.free() >= writeSpace();
        }

        // ---- machinery

        /** Forgets the connection: no more timers, its tuple and port free. */
        void release() {
            if (state == State.LISTEN) {
                List<Conn> ls = listeners.get(localPort);
                if (ls != null) {
                    ls.remove(this);
                    if (ls.isEmpty()) {
                        listeners.remove(localPort);
                    }
                }
            }
            if (remotePort != 0) {
                connections.remove(key(), this);
            }
            if (parent != null) {
                parent.halfOpen = Math.max(0, parent.halfOpen - (state == State.SYN_RECEIVED ? 1 : 0));
                parent.acceptQueue.remove(this);
                parent = null;
            }
            List<Conn> b = bound.get(localPort);
            if (b != null) {
                b.remove(this);
                if (b.isEmpty()) {
                    bound.remove(localPort);
                }
            }
            live.remove(this);
            state = State.CLOSED;
            rexmtAt = persistAt = delackAt = keepAt = closeAt = 0;
            ooo.clear();
            oooBytes = 0;
            ip.ready(handle);
        }

        /** The connection failed: the application sees {@code e}. */
        void abort(Errno e) {
            error = e;
            aborted = true;
            if (snd != null) {
                snd.clear();
            }
            release();
        }

        void queueFin() {
            if (finQueued) {
                return;
            }
            switch (state) {
                case ESTABLISHED, SYN_RECEIVED -> state = State.FIN_WAIT_1;
                case CLOSE_WAIT -> state = State.LAST_ACK;
                default -> {
                    return;
                }
            }
            finQueued = true;
            finSeq = sndUna + snd.size();
            output(false);
            ip.ready(handle);
        }

        /** Whether our FIN went out at least once. */
        boolean finSent() {
            return finQueued && Seq.gt(sndMax, finSeq);
        }

        /** Whether the peer acknowledged our FIN. */
        boolean finAcked() {
            return finQueued && Seq.gt(sndUna, finSeq);
        }

        /** Window we can advertise now (bytes). */
        int rcvWindow() {
            // out-of-order data waits beside the ring and lands inside this space: it does not shrink the window
            int w = rcv.free();
            return Math.max(0, Math.min(w, 0xFFFF << rcvShift));
        }

        /** After the application read: tell the peer the window opened if that is worth a segment (RFC 9293 3.8.6.2.2). */
        void windowUpdate() {
            if (state != State.ESTABLISHED && state != State.FIN_WAIT_1 && state != State.FIN_WAIT_2) {
                return;
            }
            int advertisedRight = rcvAdv;
            int right = rcvNxt + rcvWindow();
            int grow = right - advertisedRight;
            if (grow >= Math.min(rcv.capacity() / 2, 2 * mss)) {
                ackNow = true;
                output(false);
            }
        }

        void sendSyn(boolean withAck) {
            byte[] opts = new byte[8];
            opts[0] = 2;
            opts[1] = 4;
            int advMss = mssFor(remoteAddr);
            opts[2] = (byte) (advMss >>> 8);
            opts[3] = (byte) advMss;
            int optLen = 4;
            if (!withAck || wantShift) {
                opts[4] = 1; // NOP
                opts[5] = 3;
                opts[6] = 3;
                opts[7] = (byte) rcvShift;
                optLen = 8;
            }
            int win = Math.min(rcv.free(), 0xFFFF);
            segment(iss, withAck ? rcvNxt : 0, SYN | (withAck ? ACK : 0), win, opts, optLen, null, 0, 0);
            sndNxt = iss + 1;
            if (Seq.gt(sndNxt, sndMax)) {
                sndMax = sndNxt;
            }
            if (rexmtAt == 0) {
                rexmtAt = now + rto;
            }
        }

        void sendRst() {
            if (remotePort == 0 || state == State.CLOSED || state == State.LISTEN) {
                return;
            }
            segment(sndMax, rcvNxt, RST | ACK, 0, null, 0, null, 0, 0);
            count("resets_out");
        }

        /** Sends a pure acknowledgement now. */
        void sendAck() {
            ackNow = true;
            output(true);
        }

        /**
         * tcp_output: sends what the windows allow and the rules want (Nagle, silly window avoidance, FIN, pending
         * acknowledgements). {@code ackOnly}: at most one segment, for an acknowledgement that cannot wait.
         */
        void output(boolean ackOnly) {
            if (state == State.CLOSED || state == State.LISTEN || state == State.SYN_SENT
                    || state == State.SYN_RECEIVED || state == State.TIME_WAIT && !ackNow) {
                if (state == State.TIME_WAIT && ackNow) {
                    pureAck();
                }
                return;
            }
            boolean sent = false;
            while (true) {
                int inFlight = sndNxt - sndUna;
                int queued = snd.size();
                int unsent = Math.max(0, queued - inFlight);
                int wnd = Math.min(sndWnd, cwnd);
                int usable = wnd - inFlight;
                int len = Math.max(0, Math.min(Math.min(unsent, usable), mss));
                boolean finNow = finQueued && sndNxt + len == finSeq && unsent == len;
                boolean send = false;
                if (len > 0) {
                    if (len == mss) {
                        send = true;
                    } else if (len == unsent && (noDelay || inFlight == 0 || finQueued)) {
                        send = true; // Nagle: a small last segment only when nothing is outstanding
                    } else if (maxWindowSeen > 0 && len >= maxWindowSeen / 2) {
                        send = true;
                    } else if (Seq.lt(sndNxt, sndMax)) {
                        send = true; // retransmission after a timeout
                    }
                }
                if (!send && finNow) {
                    send = true;
                }
                if (!send && ackNow) {
                    send = true;
                    len = 0;
                    finNow = finQueued && sndNxt == finSeq;
                }
                if (!send) {
                    // nothing goes, with data waiting and nothing in flight (a closed window, or one too small for the
                    // silly-window rules): the persist timer probes it, so a lost window update cannot stall us
                    if (unsent > 0 && inFlight == 0 && rexmtAt == 0 && persistAt == 0) {
                        persistAt = now + Math.max(rto, RTO_MIN);
                    }
                    break;
                }
                int flags = ACK;
                if (finNow) {
                    flags |= FIN;
                }
                if (len > 0 && len == unsent) {
                    flags |= PSH;
                }
                // a pure acknowledgement carries the highest sequence number sent (as BSD's tcp_output does): after a
                // retransmission timeout sndNxt is back at sndUna, and a segment there would look like an old
                // duplicate to a peer that has everything, which drops it unread
                int seq = len == 0 && !finNow ? sndMax : sndNxt;
                if (len > 0 && !timing && !Seq.lt(seq, sndMax)) {
                    timing = true;
                    rtSeq = seq;
                    rtStart = now;
                }
                segmentFrom(seq, rcvNxt, flags, rcvWindow() >>> rcvShift, snd, inFlight, len);
                if (len > 0 && Seq.lt(seq, sndMax)) {
                    count("retransmits");
                }
                if (len > 0 || finNow) {
                    sndNxt = seq + len + (finNow ? 1 : 0);
                }
                if (Seq.gt(sndNxt, sndMax)) {
                    sndMax = sndNxt;
                }
                if (sndNxt != sndUna && rexmtAt == 0) {
                    rexmtAt = now + rto;
                    persistAt = 0;
                }
                sent = true;
                ackNow = false;
                if (ackOnly || (len == 0 && !finNow) || finNow) {
                    break;
                }
            }
            if (sent) {
                delackAt = 0;
                unackedSegments = 0;
            }
        }

        private void pureAck() {
            segment(sndMax, rcvNxt, ACK, rcvWindow() >>> rcvShift, null, 0, null, 0, 0);
            ackNow = false;
            delackAt = 0;
            unackedSegments = 0;
        }

        int maxWindowSeen;

        /** Builds and sends one segment with {@code len} bytes of the ring {@code src} from {@code at} (copied once). */
        void segmentFrom(int seq, int ack, int flags, int window, Ring src, int at, int len) {
            segment(seq, ack, flags, window, null, 0, null, 0, len, src, at);
        }

        /** Builds and sends one segment. */
        void segment(int seq, int ack, int flags, int window, byte[] opts, int optLen, byte[] data, int off, int len) {
            segment(seq, ack, flags, window, opts, optLen, data, off, len, null, 0);
        }

        private void segment(int seq, int ack, int flags, int window, byte[] opts, int optLen, byte[] data, int off,
                int len, Ring src, int at) {
            int hl = HEADER + ((optLen + 3) & ~3);
            // the segment after room for the IP and Ethernet headers: the IP layer frames it in place
            int o = IpLayer.HEADROOM;
            byte[] s = new byte[o + hl + len];
            Bytes.put16(s, o, localPort);
            Bytes.put16(s, o + 2, remotePort);
            Bytes.put32(s, o + 4, seq);
            Bytes.put32(s, o + 8, (flags & ACK) != 0 ? ack : 0);
            s[o + 12] = (byte) ((hl / 4) << 4);
            s[o + 13] = (byte) flags;
            Bytes.put16(s, o + 14, Math.min(window, 0xFFFF));
            if (optLen > 0) {
                System.arraycopy(opts, 0, s, o + HEADER, optLen);
            }
            if (len > 0) {
                if (src != null) {
                    src.peek(at, s, o + hl, len);
                } else {
                    System.arraycopy(data, off, s, o + hl, len);
                }
            }
            Bytes.put16(s, o + 16, checksum(localAddr, remoteAddr, s, o, hl + len));
            if ((flags & ACK) != 0) {
                rcvAdv = ack + (window << ((flags & SYN) != 0 ? 0 : rcvShift));
            }
            count("segments_out");
            try {
                ip.output(localAddr, remoteAddr, Net.IPPROTO_TCP, s, o, hl + len, 64, true);
            } catch (KernelException e) {
                // no route or the next hop does not answer: like a lost segment; the timers retry, and give up
                if (state == State.SYN_SENT && (e.errno() == Errno.ENETUNREACH || e.errno() == Errno.EHOSTUNREACH)) {
                    softError = e.errno();
                }
            }
        }

        Errno softError;

        /** Before the handshake: buffers the application did not size hold {@link #BUFFER_SEGMENTS} segments. */
        void scaleBuffers(int routeMss) {
            int scaled = clampBuffer((long) BUFFER_SEGMENTS * routeMss);
            if (!rcvBufSet) {
                rcvBufSize = Math.max(rcvBufSize, scaled);
            }
            if (!sndBufSet) {
                sndBufSize = Math.max(sndBufSize, scaled);
            }
        }
    }

    // ------------------------------------------------------------------ input

    @Override
    public void input(int src, int dst, byte[] p, int off, int len) {
        now = ip.nowNanos();
        if (len < HEADER || off < 0 || off + len > p.length) {
            count("bad_header");
            return;
        }
        int hl = (p[off + 12] >>> 4 & 0xF) * 4;
        if (hl < HEADER || hl > len) {
            count("bad_header");
            return;
        }
        if (checksum(src, dst, p, off, len) != 0) {
            count("bad_checksum");
            return;
        }
        count("segments_in");
        int sport = Bytes.u16(p, off);
        int dport = Bytes.u16(p, off + 2);
        int seq = Bytes.i32(p, off + 4);
        int ack = Bytes.i32(p, off + 8);
        int flags = p[off + 13] & 0x3F;
        int window = Bytes.u16(p, off + 14);
        // options: MSS and window scale, only on SYNs
        int optMss = -1;
        int optShift = -1;
        for (int i = off + HEADER, end = off + hl; i < end; ) {
            int kind = p[i] & 0xFF;
            if (kind == 0) {
                break;
            }
            if (kind == 1) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                count("bad_header");
                return;
            }
            int ol = p[i + 1] & 0xFF;
            if (ol < 2 || i + ol > end) {
                count("bad_header");
                return;
            }
            if (kind == 2 && ol == 4) {
                optMss = Bytes.u16(p, i + 2);
            } else if (kind == 3 && ol == 3) {
                optShift = Math.min(14, p[i + 2] & 0xFF);
            }
            i += ol;
        }
        int dataOff = off + hl;
        int dataLen = len - hl;
        if (sport == 0 || dport == 0) {
            count("bad_header");
            return;
        }
        Conn c = connections.get(new Key(dst, dport, src, sport));
        if (c == null) {
            c = listener(dst, dport);
            if (c != null) {
                listenInput(c, src, dst, sport, dport, seq, ack, flags, window, optMss, optShift);
                return;
            }
            noSocket(src, dst, sport, dport, seq, ack, flags, dataLen);
            return;
        }
        if (c.state == State.SYN_SENT) {
            synSentInput(c, seq, ack, flags, window, optMss, optShift);
            return;
        }
        established(c, p, seq, ack, flags, window, dataOff, dataLen);
    }

    private Conn listener(int dst, int port) {
        List<Conn> ls = listeners.get(port);
        if (ls == null) {
            return null;
        }
        Conn any = null;
        for (Conn l : ls) {
            if (l.localAddr == dst) {
                return l;
            }
            if (l.localAddr == 0) {
                any = l;
            }
        }
        return any;
    }

    /** A segment for no socket: answered with a reset (never a reset for a reset). */
    private void noSocket(int src, int dst, int sport, int dport, int seq, int ack, int flags, int dataLen) {
        if ((flags & RST) != 0) {
            return;
        }
        Conn tmp = new Conn(0, 0);
        tmp.localAddr = dst;
        tmp.localPort = dport;
        tmp.remoteAddr = src;
        tmp.remotePort = sport;
        if ((flags & ACK) != 0) {
            tmp.segment(ack, 0, RST, 0, null, 0, null, 0, 0);
        } else {
            int segLen = dataLen + ((flags & SYN) != 0 ? 1 : 0) + ((flags & FIN) != 0 ? 1 : 0);
            tmp.segment(0, seq + segLen, RST | ACK, 0, null, 0, null, 0, 0);
        }
        count("resets_out");
    }

    private void listenInput(Conn l, int src, int dst, int sport, int dport, int seq, int ack, int flags, int window,
            int optMss, int optShift) {
        if ((flags & RST) != 0) {
            return;
        }
        if ((flags & ACK) != 0) {
            noSocket(src, dst, sport, dport, seq, ack, flags, 0);
            return;
        }
        if ((flags & SYN) == 0 || (flags & FIN) != 0) {
            return;
        }
        if (l.acceptQueue.size() >= l.backlog || l.halfOpen >= 2 * l.backlog + 16
                || connections.size() >= MAX_CONNECTIONS) {
            count("syn_dropped");
            return;
        }
        Conn c = new Conn(ip.newHandle(), l.uid);
        c.parent = l;
        c.localAddr = dst;
        c.localPort = dport;
        c.remoteAddr = src;
        c.remotePort = sport;
        c.reuseAddr = l.reuseAddr;
        c.noDelay = l.noDelay;
        c.keepAlive = l.keepAlive;
        c.keepIdle = l.keepIdle;
        c.keepIntvl = l.keepIntvl;
        c.keepCnt = l.keepCnt;
        c.lingerSeconds = l.lingerSeconds;
        c.rcvBufSize = l.rcvBufSize;
        c.sndBufSize = l.sndBufSize;
        c.rcvBufSet = l.rcvBufSet;
        c.sndBufSet = l.sndBufSet;
        c.scaleBuffers(mssFor(src));
        c.snd = new Ring(c.sndBufSize);
        c.rcv = new Ring(c.rcvBufSize);
        c.irs = seq;
        c.rcvNxt = seq + 1;
        c.iss = isn(dst, dport, src, sport);
        c.sndUna = c.iss;
        c.sndNxt = c.iss;
        c.sndMax = c.iss;
        c.sndWnd = window;
        c.sndWl1 = seq;
        c.sndWl2 = c.iss;
        c.peerMss = optMss > 0 ? optMss : DEFAULT_MSS;
        c.mss = Math.max(64, Math.min(c.peerMss, mssFor(src)));
        if (optShift >= 0) {
            c.wantShift = true;
            c.sndShift = optShift;
            c.rcvShift = shiftFor(c.rcvBufSize);
        }
        c.state = State.SYN_RECEIVED;
        l.halfOpen++;
        connections.put(c.key(), c);
        live.put(c, Boolean.TRUE);
        c.sendSyn(true);
    }

    private void synSentInput(Conn c, int seq, int ack, int flags, int window, int optMss, int optShift) {
        boolean ackOk = false;
        if ((flags & ACK) != 0) {
            if (Seq.le(ack, c.iss) || Seq.gt(ack, c.sndMax)) {
                if ((flags & RST) == 0) {
                    c.segment(ack, 0, RST, 0, null, 0, null, 0, 0);
                }
                return;
            }
            ackOk = true;
        }
        if ((flags & RST) != 0) {
            if (ackOk) {
                count("resets_in");
                c.abort(Errno.ECONNREFUSED);
            }
            return;
        }
        if ((flags & SYN) == 0) {
            return;
        }
        c.irs = seq;
        c.rcvNxt = seq + 1;
        c.peerMss = optMss > 0 ? optMss : DEFAULT_MSS;
        c.mss = Math.max(64, Math.min(c.peerMss, c.mss));
        if (optShift >= 0) {
            c.sndShift = optShift;
        } else {
            c.rcvShift = 0; // the peer does not scale: neither do we
        }
        if (ackOk) {
            c.sndUna = ack;
            c.sndWnd = window; // never scaled in a SYN (RFC 7323)
            c.maxWindowSeen = Math.max(c.maxWindowSeen, c.sndWnd);
            c.sndWl1 = seq;
            c.sndWl2 = ack;
            c.rexmtAt = 0;
            c.retries = 0;
            sampleRtt(c, ack);
            established(c);
            c.sendAck();
        } else {
            // simultaneous open
            c.state = State.SYN_RECEIVED;
            c.wantShift = optShift >= 0;
            c.sendSyn(true);
        }
    }

    private void established(Conn c) {
        c.state = State.ESTABLISHED;
        c.cwnd = Math.min(10 * c.mss, Math.max(2 * c.mss, 14600));
        c.keepAt = c.keepAlive ? now + c.keepIdle : 0;
        ip.ready(c.handle);
    }

    /** Segment arrival in a synchronized state (RFC 9293 3.10.7.4). */
    private void established(Conn c, byte[] p, int seq, int ack, int flags, int window, int dataOff, int dataLen) {
        int segLen = dataLen + ((flags & SYN) != 0 ? 1 : 0) + ((flags & FIN) != 0 ? 1 : 0);
        int rwnd = c.rcvWindow();
        // 1. sequence number acceptability
        boolean acceptable;
        if (segLen == 0) {
            acceptable = rwnd == 0 ? seq == c.rcvNxt : Seq.le(c.rcvNxt, seq) && Seq.lt(seq, c.rcvNxt + rwnd);
        } else {
            acceptable = rwnd > 0 && (Seq.le(c.rcvNxt, seq) && Seq.lt(seq, c.rcvNxt + rwnd)
                    || Seq.le(c.rcvNxt, seq + segLen - 1) && Seq.lt(seq + segLen - 1, c.rcvNxt + rwnd)
                    || Seq.lt(seq, c.rcvNxt) && Seq.gt(seq + segLen, c.rcvNxt));
        }
        if (!acceptable) {
            if ((flags & RST) == 0) {
                if (c.state == State.TIME_WAIT && (flags & SYN) != 0) {
                    // a new connection for the same tuple could be let in here; we answer as for any old duplicate
                    c.sendAck();
                } else {
                    c.sendAck();
                }
            }
            return;
        }
        c.keepProbes = 0;
        if (c.keepAlive) {
            c.keepAt = now + c.keepIdle;
        }
        // 2. RST (RFC 5961: only an exact match resets; others get a challenge ACK)
        if ((flags & RST) != 0) {
            if (seq != c.rcvNxt) {
                count("challenge_acks");
                c.sendAck();
                return;
            }
            count("resets_in");
            if (c.state == State.SYN_RECEIVED && c.parent != null) {
                c.release();
            } else if (c.state == State.CLOSING || c.state == State.LAST_ACK || c.state == State.TIME_WAIT) {
                c.release();
            } else {
                c.abort(c.state == State.SYN_RECEIVED ? Errno.ECONNREFUSED : Errno.ECONNRESET);
            }
            return;
        }
        // 3. SYN in a synchronized state: challenge ACK
        if ((flags & SYN) != 0) {
            if (c.state == State.SYN_RECEIVED && seq == c.irs) {
                c.sendSyn(true); // our SYN-ACK was lost: send it again
                return;
            }
            count("challenge_acks");
            c.sendAck();
            return;
        }
        // 4. ACK
        if ((flags & ACK) == 0) {
            return;
        }
        if (c.state == State.SYN_RECEIVED) {
            if (Seq.lt(c.sndUna, ack) && Seq.le(ack, c.sndMax)) {
                c.sndUna = ack;
                c.sndWnd = window << c.sndShift;
                c.maxWindowSeen = Math.max(c.maxWindowSeen, c.sndWnd);
                c.sndWl1 = seq;
                c.sndWl2 = ack;
                c.rexmtAt = 0;
                c.retries = 0;
                sampleRtt(c, ack);
                established(c);
                Conn l = c.parent;
                if (l != null) {
                    l.halfOpen = Math.max(0, l.halfOpen - 1);
                    if (l.state == State.LISTEN) {
                        l.acceptQueue.add(c);
                        ip.ready(l.handle);
                    }
                }
            } else {
                c.segment(ack, 0, RST, 0, null, 0, null, 0, 0);
                return;
            }
        }
        if (Seq.gt(ack, c.sndMax)) {
            c.sendAck();
            return;
        }
        processAck(c, seq, ack, window, segLen);
        if (c.state == State.CLOSED) {
            return;
        }
        // 5. data
        if (dataLen > 0 && (c.state == State.ESTABLISHED || c.state == State.FIN_WAIT_1
                || c.state == State.FIN_WAIT_2)) {
            receiveData(c, p, seq, dataOff, dataLen, (flags & FIN) != 0);
        } else if ((flags & FIN) != 0) {
            if (seq == c.rcvNxt) {
                receiveFin(c);
            } else if (Seq.gt(seq, c.rcvNxt)) {
                c.sendAck();
            }
        }
        if (c.state != State.CLOSED) {
            c.output(false);
            if (c.ackNow) {
                c.sendAck();
            }
        }
    }

    private void processAck(Conn c, int seq, int ack, int window, int segLen) {
        int wnd = window << c.sndShift;
        if (Seq.le(ack, c.sndUna)) {
            // a duplicate: fast retransmit on the third (RFC 5681), more inflate the window in recovery (RFC 6582)
            boolean dup = ack == c.sndUna && segLen == 0 && wnd == c.sndWnd && c.sndMax != c.sndUna;
            if (dup) {
                c.dupAcks++;
                if (c.recovering) {
                    c.cwnd += c.mss;
                } else if (c.dupAcks == 3) {
                    int flight = c.sndMax - c.sndUna;
                    c.ssthresh = Math.max(flight / 2, 2 * c.mss);
                    c.recover = c.sndMax;
                    c.recovering = true;
                    retransmitFirst(c);
                    count("fast_retransmits");
                    c.cwnd = c.ssthresh + 3 * c.mss;
                }
            } else {
                c.dupAcks = 0;
            }
            updateWindow(c, seq, ack, wnd);
            return;
        }
        // new data acknowledged
        int acked = ack - c.sndUna;
        int dataAcked = Math.min(acked, c.snd.size());
        c.snd.skip(dataAcked);
        c.sndUna = ack;
        if (Seq.lt(c.sndNxt, c.sndUna)) {
            c.sndNxt = c.sndUna;
        }
        c.dupAcks = 0;
        c.retries = 0;
        sampleRtt(c, ack);
        if (c.recovering) {
            if (Seq.ge(ack, c.recover)) {
                int flight = c.sndMax - c.sndUna;
                c.cwnd = Math.min(c.ssthresh, Math.max(flight, 0) + c.mss);
                c.recovering = false;
            } else {
                // partial acknowledgement: the next hole goes now; the window deflates by what was acknowledged
                retransmitFirst(c);
                c.cwnd = Math.max(c.mss, c.cwnd - acked + c.mss);
            }
        } else if (c.cwnd < c.ssthresh) {
            c.cwnd += Math.min(acked, c.mss);
        } else {
            c.cwnd += Math.max(1, (int) ((long) c.mss * c.mss / Math.max(1, c.cwnd)));
        }
        c.cwnd = Math.min(c.cwnd, 1 << 30);
        c.rexmtAt = c.sndUna == c.sndMax ? 0 : now + c.rto;
        updateWindow(c, seq, ack, wnd);
        if (dataAcked > 0 && c.writable() && (c.snd.free() - dataAcked < c.writeSpace() || c.snd.size() == 0)) {
            // a writer waits for a third of the buffer, not for every acknowledgement (as Linux's sk_stream_write_space)
            ip.ready(c.handle);
        }
        boolean finAcked = c.finAcked();
        switch (c.state) {
            case FIN_WAIT_1 -> {
                if (finAcked) {
                    c.state = State.FIN_WAIT_2;
                    if (c.orphan) {
                        c.closeAt = now + FIN_WAIT_2_NANOS;
                    }
                }
            }
            case CLOSING -> {
                if (finAcked) {
                    timeWait(c);
                }
            }
            case LAST_ACK -> {
                if (finAcked) {
                    c.release();
                }
            }
            default -> {
            }
        }
    }

    private void updateWindow(Conn c, int seq, int ack, int wnd) {
        if (Seq.lt(c.sndWl1, seq) || c.sndWl1 == seq && Seq.le(c.sndWl2, ack)) {
            boolean opened = c.sndWnd == 0 && wnd > 0;
            c.sndWnd = wnd;
            c.sndWl1 = seq;
            c.sndWl2 = ack;
            c.maxWindowSeen = Math.max(c.maxWindowSeen, wnd);
            if (opened) {
                c.persistAt = 0;
            }
        }
    }

    private void retransmitFirst(Conn c) {
        int outstanding = Math.min(c.snd.size(), c.sndMax - c.sndUna);
        int len = Math.min(c.mss, outstanding);
        boolean fin = c.finSent() && c.sndUna + len == c.finSeq;
        byte[] data = null;
        if (len > 0) {
            data = new byte[len];
            c.snd.peek(0, data, 0, len);
        } else if (!fin) {
            return;
        }
        c.timing = false; // Karn: no sample from a retransmitted segment
        c.segment(c.sndUna, c.rcvNxt, ACK | (fin ? FIN : 0), c.rcvWindow() >>> c.rcvShift, null, 0, data, 0, len);
        count("retransmits");
    }

    private void sampleRtt(Conn c, int ack) {
        if (!c.timing || !Seq.gt(ack, c.rtSeq)) {
            return;
        }
        c.timing = false;
        long r = Math.max(1, now - c.rtStart);
        if (c.srtt < 0) {
            c.srtt = r;
            c.rttvar = r / 2;
        } else {
            c.rttvar = (3 * c.rttvar + Math.abs(c.srtt - r)) / 4;
            c.srtt = (7 * c.srtt + r) / 8;
        }
        c.rto = Math.max(RTO_MIN, Math.min(RTO_MAX, c.srtt + Math.max(10 * MS, 4 * c.rttvar)));
    }

    private void receiveData(Conn c, byte[] p, int seq, int off, int len, boolean fin) {
        // trim what was received already
        if (Seq.lt(seq, c.rcvNxt)) {
            int skip = c.rcvNxt - seq;
            if (skip >= len) {
                if (fin && seq + len == c.rcvNxt) {
                    receiveFin(c);
                } else {
                    c.ackNow = true;
                }
                return;
            }
            off += skip;
            len -= skip;
            seq = c.rcvNxt;
        }
        // and what lies past the window
        int wnd = c.rcvWindow();
        if (len > wnd - (seq - c.rcvNxt)) {
            len = Math.max(0, wnd - (seq - c.rcvNxt));
            fin = false;
        }
        if (len == 0) {
            c.ackNow = true;
            return;
        }
        if (c.shutRd) {
            // data after SHUT_RD is acknowledged and dropped
            c.rcvNxt = seq + len;
            c.ackNow = true;
            return;
        }
        if (seq == c.rcvNxt) {
            c.rcv.write(p, off, len);
            c.rcvNxt += len;
            // what waited out of order may now follow
            while (!c.ooo.isEmpty()) {
                Map.Entry<Integer, byte[]> e = c.ooo.firstEntry();
                int s = e.getKey();
                byte[] d = e.getValue();
                if (Seq.gt(s, c.rcvNxt)) {
                    break;
                }
                c.ooo.pollFirstEntry();
                c.oooBytes -= d.length;
                int skip = c.rcvNxt - s;
                if (skip < d.length) {
                    int n = Math.min(d.length - skip, c.rcv.free());
                    c.rcv.write(d, skip, n);
                    c.rcvNxt += n;
                }
                c.ackNow = true;
            }
            if (fin && !c.ooo.isEmpty()) {
                fin = false;
            }
            ip.ready(c.handle);
            if (++c.unackedSegments >= 2 || c.ackNow) {
                c.ackNow = true;
            } else if (c.delackAt == 0) {
                c.delackAt = now + DELACK;
            }
            if (fin) {
                receiveFin(c);
            }
        } else {
            // out of order: keep it (within the window), and say at once what we miss
            count("ooo_segments");
            if (!c.ooo.containsKey(seq) && c.oooBytes + len <= c.rcv.free()) {
                byte[] d = new byte[len];
                System.arraycopy(p, off, d, 0, len);
                c.ooo.put(seq, d);
                c.oooBytes += len;
            }
            c.ackNow = true;
        }
    }

    private void receiveFin(Conn c) {
        if (c.finReceived) {
            c.ackNow = true;
            return;
        }
        c.finReceived = true;
        c.rcvNxt++;
        c.ackNow = true;
        switch (c.state) {
            case SYN_RECEIVED, ESTABLISHED -> c.state = State.CLOSE_WAIT;
            case FIN_WAIT_1 -> {
                if (c.finAcked()) {
                    c.sendAck();
                    timeWait(c);
                } else {
                    c.state = State.CLOSING;
                }
            }
            case FIN_WAIT_2 -> {
                c.sendAck();
                timeWait(c);
            }
            default -> {
            }
        }
        ip.ready(c.handle);
    }

    private void timeWait(Conn c) {
        c.state = State.TIME_WAIT;
        c.rexmtAt = c.persistAt = c.keepAt = c.delackAt = 0;
        c.closeAt = now + 2 * MSL_NANOS;
        ip.ready(c.handle);
    }

    // ------------------------------------------------------------------ timers

    @Override
    public void tick(long nowNanos) {
        now = nowNanos;
        for (Conn c : List.copyOf(live.keySet())) {
            if (c.state == State.CLOSED) {
                live.remove(c);
                continue;
            }
            if (c.closeAt != 0 && now - c.closeAt >= 0) {
                c.release();
                continue;
            }
            if (c.delackAt != 0 && now - c.delackAt >= 0) {
                c.delackAt = 0;
                c.sendAck();
            }
            if (c.rexmtAt != 0 && now - c.rexmtAt >= 0) {
                retransmitTimeout(c);
                if (c.state == State.CLOSED) {
                    continue;
                }
            }
            if (c.persistAt != 0 && now - c.persistAt >= 0) {
                persist(c);
            }
            if (c.keepAt != 0 && now - c.keepAt >= 0 && c.keepAlive) {
                keepalive(c);
            }
        }
    }

    private void retransmitTimeout(Conn c) {
        c.rexmtAt = 0;
        count("timeouts");
        c.retries++;
        int max = c.state == State.SYN_SENT || c.state == State.SYN_RECEIVED ? MAX_SYN_RETRIES : MAX_RETRIES;
        if (c.retries > max) {
            count("connections_dropped");
            if (c.state == State.SYN_RECEIVED && c.parent != null) {
                c.release();
            } else {
                Errno e = c.softError != null && c.state == State.SYN_SENT ? c.softError : Errno.ETIMEDOUT;
                c.abort(e);
            }
            return;
        }
        c.rto = Math.min(RTO_MAX, c.rto * 2);
        c.timing = false;
        if (c.state == State.SYN_SENT || c.state == State.SYN_RECEIVED) {
            c.sendSyn(c.state == State.SYN_RECEIVED);
            count("retransmits");
            return;
        }
        // go back to the first unacknowledged byte with a window of one segment (RFC 5681 3.1)
        int flight = c.sndMax - c.sndUna;
        c.ssthresh = Math.max(flight / 2, 2 * c.mss);
        c.cwnd = c.mss;
        c.recovering = false;
        c.dupAcks = 0;
        c.sndNxt = c.sndUna;
        c.output(false);
        if (c.sndNxt == c.sndUna && c.sndMax != c.sndUna) {
            // nothing could go (a closed window): probe it
            retransmitFirst(c);
        }
        if (c.rexmtAt == 0) {
            c.rexmtAt = now + c.rto;
        }
    }

    private void persist(Conn c) {
        c.persistAt = 0;
        int inFlight = c.sndNxt - c.sndUna;
        int unsent = c.snd.size() - inFlight;
        if (unsent <= 0 || inFlight > 0) {
            return;
        }
        // BSD's forced output: what the (small) window takes, or one byte past a closed one; it is sent for real
        // (sndNxt moves), so its acknowledgement counts, and the retransmission timer covers its loss
        int len = Math.max(1, Math.min(Math.min(c.sndWnd, c.mss), unsent));
        c.segmentFrom(c.sndNxt, c.rcvNxt, ACK, c.rcvWindow() >>> c.rcvShift, c.snd, inFlight, len);
        c.sndNxt += len;
        if (Seq.gt(c.sndNxt, c.sndMax)) {
            c.sndMax = c.sndNxt;
        }
        c.rexmtAt = now + c.rto;
    }

    private void keepalive(Conn c) {
        if (c.state != State.ESTABLISHED && c.state != State.CLOSE_WAIT) {
            c.keepAt = 0;
            return;
        }
        if (c.keepProbes >= c.keepCnt) {
            count("connections_dropped");
            c.abort(Errno.ETIMEDOUT);
            return;
        }
        c.keepProbes++;
        // sequence number one below what the peer expects: it must answer with an acknowledgement
        c.segment(c.sndUna - 1, c.rcvNxt, ACK, c.rcvWindow() >>> c.rcvShift, null, 0, null, 0, 0);
        c.keepAt = now + c.keepIntvl;
    }

    // ------------------------------------------------------------------ errors from ICMP

    @Override
    public void error(int type, int code, byte[] q, int off, int len) {
        if (len < 20 || off < 0 || off + len > q.length) {
            return;
        }
        int ihl = (q[off] & 0xF) * 4;
        if (ihl < 20 || len < ihl + 8) {
            return;
        }
        int src = Bytes.i32(q, off + 12);
        int dst = Bytes.i32(q, off + 16);
        int sport = Bytes.u16(q, off + ihl);
        int dport = Bytes.u16(q, off + ihl + 2);
        Conn c = connections.get(new Key(src, sport, dst, dport));
        if (c == null) {
            return;
        }
        if (type == 3 && (code == 2 || code == 3)) {
            // protocol or port unreachable: hard
            if (c.state == State.SYN_SENT) {
                c.abort(Errno.ECONNREFUSED);
            }
        } else if (type == 3 && code == 4 && len >= 8) {
            // fragmentation needed: the quoting router's MTU is in the ICMP header, which we do not get here; use
            // the minimum that always passes
            c.mss = Math.max(DEFAULT_MSS, Math.min(c.mss, 1200));
        } else if (type == 3 || type == 11) {
            c.softError = type == 3 && code == 1 ? Errno.EHOSTUNREACH : Errno.ENETUNREACH;
        }
    }

    // ------------------------------------------------------------------ reports

    @Override
    public List<String> report(String what) {
        List<String> out = new ArrayList<>();
        if (what.equals("sockets")) {
            for (List<Conn> ls : listeners.values()) {
                for (Conn l : ls) {
                    out.add(String.format("%-5s %-22s %-22s %s backlog=%d queued=%d", "tcp",
                            InetAddr.format(l.localAddr) + ":" + l.localPort, "*:*", "LISTEN", l.backlog,
                            l.acceptQueue.size()));
                }
            }
            for (Conn c : connections.values()) {
                out.add(String.format("%-5s %-22s %-22s %s rcvq=%d sndq=%d inflight=%d snd_wnd=%d cwnd=%d rto=%dms una=%d nxt=%d max=%d rcv_nxt=%d ooo=%d%s%s",
                        "tcp", InetAddr.format(c.localAddr) + ":" + c.localPort,
                        InetAddr.format(c.remoteAddr) + ":" + c.remotePort, c.state,
                        c.rcv == null ? 0 : c.rcv.size(), c.snd == null ? 0 : c.snd.size(), c.sndMax - c.sndUna,
                        c.sndWnd, c.cwnd, c.rto / MS, c.sndUna - c.iss, c.sndNxt - c.iss, c.sndMax - c.iss,
                        c.rcvNxt - c.irs, c.ooo.size(), c.rexmtAt != 0 ? " rexmt" : "", c.persistAt != 0 ? " persist" : ""));
            }
        } else if (what.equals("stats")) {
            StringBuilder sb = new StringBuilder("tcp");
            stats.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
            sb.append(" connections=").append(connections.size());
            out.add(sb.toString());
        }
        return out;
    }

    // ------------------------------------------------------------------ helpers

    /** A free ephemeral port, at random (RFC 6056, algorithm 1). */
    private int ephemeral(int localAddr, int remoteAddr, int remotePort) {
        int range = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1;
        int start = (int) Math.floorMod(ip.random(), (long) range);
        for (int i = 0; i < range; i++) {
            int port = EPHEMERAL_LOW + (start + i) % range;
            if (!bound.containsKey(port) && !listeners.containsKey(port)) {
                return port;
            }
        }
        throw new KernelException(Errno.EADDRNOTAVAIL, "tcp", "no free ephemeral port");
    }

    /** Whether {@code addr:port} is taken for a bind by {@code who}. */
    private boolean inUse(int addr, int port, Conn who) {
        for (Conn c : bound.getOrDefault(port, List.of())) {
            if (c == who) {
                continue;
            }
            boolean overlap = c.localAddr == 0 || addr == 0 || c.localAddr == addr;
            if (!overlap) {
                continue;
            }
            if (who.reuseAddr && c.reuseAddr && c.state != State.LISTEN) {
                continue;
            }
            if (who.reuseAddr && c.state == State.TIME_WAIT) {
                continue;
            }
            return true;
        }
        return false;
    }

    /** RFC 6528: a clock plus a keyed hash of the four-tuple. */
    private int isn(int la, int lp, int ra, int rp) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer b = ByteBuffer.allocate(12 + secret.length).order(ByteOrder.BIG_ENDIAN);
            b.putInt(la).putShort((short) lp).putInt(ra).putShort((short) rp).put(secret);
            byte[] h = md.digest(b.array());
            int f = (h[0] & 0xFF) << 24 | (h[1] & 0xFF) << 16 | (h[2] & 0xFF) << 8 | (h[3] & 0xFF);
            return (int) (ip.nowNanos() / 4000) + f;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The largest segment toward {@code addr}: the route's MTU less the headers, within an IPv4 datagram. */
    private int mssFor(int addr) {
        return Math.max(64, Math.min(ip.mtuFor(addr), 65535) - 40);
    }

    /** The window scale that lets a buffer of {@code bytes} be advertised whole. */
    static int shiftFor(int bytes) {
        int s = 0;
        while (s < 14 && (0xFFFF << s) < bytes) {
            s++;
        }
        return s;
    }

    private static int clampBuffer(long v) {
        return (int) Math.max(MIN_BUFFER, Math.min(MAX_BUFFER, v));
    }

    /** The TCP checksum over the pseudo-header and {@code b[off..off+len)}: 0 when a received segment checks. */
    static int checksum(int src, int dst, byte[] b, int off, int len) {
        return Checksum.fold(Checksum.sum(b, off, len, Bytes.pseudo(src, dst, Net.IPPROTO_TCP, len)));
    }

    /** The checksum field value for segment {@code s} (whose own field is zero) from {@code src} to {@code dst}. */
    public static int checksumOf(int src, int dst, byte[] s) {
        return checksum(src, dst, s, 0, s.length);
    }
}
