package org.anykernel.net.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Stat;
import org.anykernel.base.api.Sys;
import org.anykernel.base.spi.OpenFile;
import org.anykernel.net.api.Net;
import org.anykernel.net.spi.NetResult;
import org.anykernel.net.spi.Protocol;

/**
 * A socket as the descriptor table holds it: a protocol driver's handle, and what the faction adds to it, blocking.
 * Every operation asks the driver, which never blocks; on {@code EAGAIN} a blocking socket waits until the driver
 * names the socket in a result ({@link #wake}), then asks again. The wait reads a change counter before asking, so
 * a wake-up between the answer and the wait is never lost; it spins a few microseconds first (a reply on the
 * switch often arrives that fast) and then parks, at most a second at a time, so nothing hangs on a lost wake-up.
 * With {@code SO_BUSY_POLL} (microseconds, as Linux's) the wait first polls the NICs itself for that long
 * ({@link NetStack#busyPoll}), taking its reply in on its own thread instead of being woken by a receive thread.
 */
final class SocketFile implements OpenFile {
    /** Spins before parking, in {@code Thread.onSpinWait} rounds (a few microseconds). */
    private static final int SPINS = 2000;
    /** The largest {@code SO_BUSY_POLL}, us (a second: a wait longer than that should sleep). */
    static final int MAX_BUSY_POLL_US = 1_000_000;
    /** {@code ioctl(FIONBIO)}. */
    static final long FIONBIO = 0x5421;

    private final NetStack stack;
    private final Protocol protocol;
    private final long handle;
    private final int type;
    private final AtomicLong changes = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile int waiters;
    private volatile boolean nonBlocking;
    private volatile boolean aborted;
    private volatile long receiveTimeoutNanos;
    private volatile long sendTimeoutNanos;
    /** {@code SO_BUSY_POLL}: how long a blocking wait polls the NICs itself before it parks, ns (0: it does not). */
    private volatile long busyPollNanos;

    SocketFile(NetStack stack, Protocol protocol, long handle, int type, boolean nonBlocking) {
        this.stack = stack;
        this.protocol = protocol;
        this.handle = handle;
        this.type = type;
        this.nonBlocking = nonBlocking;
    }

    long handle() {
        return handle;
    }

    int type() {
        return type;
    }

    Protocol protocol() {
        return protocol;
    }

    @Override
    public String name() {
        return "socket:[" + Long.toHexString(handle) + "]";
    }

    // ---- waiting

    /** The driver says this socket's state changed. */
    void wake() {
        changes.incrementAndGet();
        if (waiters > 0) {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** The kernel is going away: waiters give up with {@code ECONNABORTED}. */
    void abort() {
        aborted = true;
        wake();
    }

    /**
     * Waits until the socket changed since {@code seen} was read, or the deadline.
     *
     * @return false at the deadline
     */
    private boolean await(long seen, long deadline) {
        long busy = busyPollNanos;
        if (busy > 0) {
            // SO_BUSY_POLL: take the reply off the NIC on this thread rather than wait to be woken
            long end = System.nanoTime() + busy;
            long now;
            do {
                if (changes.get() != seen) {
                    return true;
                }
                if (aborted) {
                    throw new KernelException(Errno.ECONNABORTED, name(), "the kernel is shutting down");
                }
                if (!stack.busyPoll()) {
                    Thread.onSpinWait();
                }
                now = System.nanoTime();
            } while (now - end < 0 && now - deadline < 0);
            stack.busyPollEnd();
        }
        for (int i = 0; i < SPINS; i++) {
            if (changes.get() != seen) {
                return true;
            }
            Thread.onSpinWait();
        }
        lock.lock();
        try {
            waiters++;
            while (changes.get() == seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(Math.min(left, 1_000_000_000L));
                if (aborted) {
                    throw new KernelException(Errno.ECONNABORTED, name(), "the kernel is shutting down");
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KernelException(Errno.EINTR, name(), "interrupted");
        } finally {
            waiters--;
            lock.unlock();
        }
    }

    private static long deadline(long timeoutNanos) {
        return timeoutNanos <= 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutNanos;
    }

    private interface Op {
        NetResult run(Protocol p);
    }

    /**
     * Runs {@code op} until it does not fail with {@code EAGAIN}, waiting between tries when {@code block}.
     *
     * @throws KernelException the driver's error, or {@code EAGAIN} at the timeout
     */
    private NetResult retry(String what, boolean block, long timeoutNanos, Op op) {
        long deadline = deadline(timeoutNanos);
        while (true) {
            if (aborted) {
                throw new KernelException(Errno.ECONNABORTED, name(), "the kernel is shutting down");
            }
            long seen = changes.get();
            NetResult r = stack.call(protocol, op::run);
            if (r.errno() != Errno.EAGAIN.number() || !block) {
                return check(what, r);
            }
            if (!await(seen, deadline)) {
                throw new KernelException(Errno.EAGAIN, what + " " + name(), "timed out");
            }
        }
    }

    private NetResult check(String what, NetResult r) {
        if (r.failed()) {
            throw error(what, r.errno());
        }
        return r;
    }

    private KernelException error(String what, int errno) {
        Errno e = Errno.ofNumber(errno);
        return new KernelException(e == null ? Errno.EIO : e, what + " " + name(),
                e == null ? "error " + errno : e.description());
    }

    private boolean blocking(int flags) {
        return !nonBlocking && (flags & Net.MSG_DONTWAIT) == 0;
    }

    // ---- socket operations

    void bind(byte[] addr) {
        check("bind", stack.call(protocol, p -> p.bind(handle, addr)));
    }

    void listen(int backlog) {
        check("listen", stack.call(protocol, p -> p.listen(handle, backlog)));
    }

    void connect(byte[] addr) {
        long seen = changes.get();
        NetResult r = stack.call(protocol, p -> p.connect(handle, addr));
        if (r.errno() != Errno.EINPROGRESS.number() || nonBlocking) {
            check("connect", r);
            return;
        }
        // the handshake runs: wait for it to complete or fail (the protocol bounds it with its retries)
        while (true) {
            int ev = (int) check("connect", stack.call(protocol, p -> p.poll(handle))).value();
            if ((ev & (Net.POLLOUT | Net.POLLERR | Net.POLLHUP)) != 0) {
                int err = (int) check("connect",
                        stack.call(protocol, p -> p.getsockopt(handle, Net.SOL_SOCKET, Net.SO_ERROR))).value();
                if (err != 0) {
                    throw error("connect", err);
                }
                return;
            }
            await(seen, Long.MAX_VALUE);
            seen = changes.get();
        }
    }

    /** Accepts a connection; returns the new socket (registered with the stack) and the peer in {@code peer}. */
    SocketFile accept(byte[] peer, boolean newNonBlocking) {
        NetResult r = retry("accept", blocking(0), receiveTimeoutNanos, p -> p.accept(handle));
        SocketFile s = new SocketFile(stack, protocol, r.value(), type, newNonBlocking);
        stack.register(s);
        if (peer != null && r.addr() != null) {
            System.arraycopy(r.addr(), 0, peer, 0, Math.min(peer.length, r.addr().length));
        }
        return s;
    }

    int send(byte[] buf, int off, int len, int flags, byte[] to) {
        boolean block = blocking(flags);
        if (type != Net.SOCK_STREAM || !block) {
            NetResult r = retry("send", block, sendTimeoutNanos, p -> p.send(handle, buf, off, len, flags, to));
            return (int) r.value();
        }
        // a blocking stream send takes everything, waiting for room as it goes
        int done = 0;
        while (done < len || len == 0) {
            int o = off + done;
            int n = len - done;
            NetResult r;
            try {
                r = retry("send", true, sendTimeoutNanos, p -> p.send(handle, buf, o, n, flags, to));
            } catch (KernelException e) {
                if (done > 0 && e.errno() == Errno.EAGAIN) {
                    return done; // the send timeout: report what went
                }
                throw e;
            }
            done += (int) r.value();
            if (len == 0) {
                break;
            }
        }
        return done;
    }

    int recv(byte[] buf, int off, int len, int flags, byte[] from) {
        boolean waitAll = (flags & Net.MSG_WAITALL) != 0 && type == Net.SOCK_STREAM && blocking(flags);
        int done = 0;
        do {
            int want = len - done;
            NetResult r = retry("recv", blocking(flags), receiveTimeoutNanos,
                    p -> p.recv(handle, want, flags & ~Net.MSG_WAITALL));
            byte[] d = r.data();
            int n = d == null ? 0 : Math.min(d.length, want);
            if (n > 0) {
                System.arraycopy(d, 0, buf, off + done, n);
            }
            if (from != null && r.addr() != null) {
                System.arraycopy(r.addr(), 0, from, 0, Math.min(from.length, r.addr().length));
            }
            if (n == 0) {
                break; // end of stream
            }
            done += n;
        } while (waitAll && done < len);
        return done;
    }

    void shutdown(int how) {
        check("shutdown", stack.call(protocol, p -> p.shutdown(handle, how)));
    }

    void setsockopt(int level, int name, byte[] value) {
        if (level == Net.SOL_SOCKET && name == Net.SO_BUSY_POLL) {
            if (value == null || value.length < 4) {
                throw new KernelException(Errno.EINVAL, "setsockopt SO_BUSY_POLL " + name(), "needs an int (4 bytes)");
            }
            int us = NetSyscalls.intAt(value, 0);
            if (us < 0 || us > MAX_BUSY_POLL_US) {
                throw new KernelException(Errno.EINVAL, "setsockopt SO_BUSY_POLL " + name(),
                        us + " us is not in [0, " + MAX_BUSY_POLL_US + "]");
            }
            busyPollNanos = us * 1000L;
            return;
        }
        if (level == Net.SOL_SOCKET && (name == Net.SO_RCVTIMEO || name == Net.SO_SNDTIMEO)) {
            long nanos = timeval(value);
            if (name == Net.SO_RCVTIMEO) {
                receiveTimeoutNanos = nanos;
            } else {
                sendTimeoutNanos = nanos;
            }
            return;
        }
        long v;
        if (level == Net.SOL_SOCKET && name == Net.SO_LINGER) {
            if (value == null || value.length < 8) {
                throw new KernelException(Errno.EINVAL, "setsockopt SO_LINGER " + name(), "needs a struct linger (8 bytes)");
            }
            v = NetSyscalls.intAt(value, 0) != 0 ? NetSyscalls.intAt(value, 4) : -1;
        } else {
            if (value == null || value.length < 4) {
                throw new KernelException(Errno.EINVAL, "setsockopt " + name(), "needs an int (4 bytes)");
            }
            v = NetSyscalls.intAt(value, 0);
        }
        check("setsockopt", stack.call(protocol, p -> p.setsockopt(handle, level, name, v)));
    }

    /** Writes the option into {@code out}; returns its length. */
    int getsockopt(int level, int name, byte[] out) {
        if (level == Net.SOL_SOCKET && name == Net.SO_BUSY_POLL) {
            return NetSyscalls.putInt(out, (int) (busyPollNanos / 1000));
        }
        if (level == Net.SOL_SOCKET && name == Net.SO_TYPE) {
            return NetSyscalls.putInt(out, type);
        }
        if (level == Net.SOL_SOCKET && (name == Net.SO_RCVTIMEO || name == Net.SO_SNDTIMEO)) {
            long ns = name == Net.SO_RCVTIMEO ? receiveTimeoutNanos : sendTimeoutNanos;
            if (out == null || out.length < 16) {
                throw new KernelException(Errno.EINVAL, "getsockopt " + name(), "needs a struct timeval (16 bytes)");
            }
            NetSyscalls.putLong(out, 0, ns / 1_000_000_000L);
            NetSyscalls.putLong(out, 8, ns % 1_000_000_000L / 1000);
            return 16;
        }
        long v = check("getsockopt", stack.call(protocol, p -> p.getsockopt(handle, level, name))).value();
        if (level == Net.SOL_SOCKET && name == Net.SO_LINGER) {
            if (out == null || out.length < 8) {
                throw new KernelException(Errno.EINVAL, "getsockopt SO_LINGER " + name(), "needs 8 bytes");
            }
            NetSyscalls.putInt(out, v >= 0 ? 1 : 0);
            NetSyscalls.putIntAt(out, 4, (int) Math.max(v, 0));
            return 8;
        }
        return NetSyscalls.putInt(out, (int) v);
    }

    private long timeval(byte[] v) {
        if (v == null || v.length < 16) {
            throw new KernelException(Errno.EINVAL, "setsockopt " + name(), "needs a struct timeval (16 bytes)");
        }
        long sec = NetSyscalls.longAt(v, 0);
        long usec = NetSyscalls.longAt(v, 8);
        if (sec < 0 || usec < 0 || usec >= 1_000_000) {
            throw new KernelException(Errno.EINVAL, "setsockopt " + name(), "bad timeval " + sec + "s " + usec + "us");
        }
        return sec * 1_000_000_000L + usec * 1000;
    }

    byte[] address(boolean peer) {
        NetResult r = check(peer ? "getpeername" : "getsockname", stack.call(protocol, p -> p.address(handle, peer)));
        return r.addr();
    }

    // ---- OpenFile

    @Override
    public int read(byte[] buf, int off, int len) {
        return recv(buf, off, len, 0, null);
    }

    @Override
    public int write(byte[] buf, int off, int len) {
        return send(buf, off, len, 0, null);
    }

    @Override
    public Stat fstat() {
        return new Stat(0, handle & 0x7FFFFFFFFFFFFFFFL, Sys.S_IFSOCK | 0777, 1, 0, 0, 0, 0, 4096, 0, 0, 0, 0);
    }

    @Override
    public int poll(int events) {
        if (aborted) {
            return Net.POLLHUP | Net.POLLERR;
        }
        NetResult r = stack.call(protocol, p -> p.poll(handle));
        if (r.failed()) {
            return Net.POLLERR | Net.POLLHUP;
        }
        return (int) r.value();
    }

    @Override
    public int statusFlags() {
        return Sys.O_RDWR | (nonBlocking ? Sys.O_NONBLOCK : 0);
    }

    @Override
    public void setStatusFlags(int flags) {
        nonBlocking = (flags & Sys.O_NONBLOCK) != 0;
    }

    @Override
    public long ioctl(long request, long arg) {
        if (request == FIONBIO) {
            nonBlocking = arg != 0;
            return 0;
        }
        throw KernelException.of(Errno.ENOTTY, name());
    }

    @Override
    public void release() {
        stack.unregister(this);
        if (!stack.closed()) {
            try {
                stack.call(protocol, p -> p.close(handle));
            } catch (KernelException e) {
                // the protocol driver is gone or restarting: its sockets went with it
                System.getLogger(SocketFile.class.getName()).log(System.Logger.Level.DEBUG,
                        name() + ": close: " + e.getMessage());
            }
        }
    }
}
