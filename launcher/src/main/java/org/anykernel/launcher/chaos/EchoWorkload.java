package org.anykernel.launcher.chaos;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Sys;
import org.anykernel.launcher.embed.KernelHandle;

/**
 * Socket echo traffic under the faults, for a kernel with a network stack: an echo server and a client in the kernel,
 * over TCP to the kernel's own first non-loopback address (so through net-inet; over the loopback if it has none),
 * each message random (from the seed) and checked byte for byte when it comes back. A connection that net-inet's
 * crash resets is counted as a reset and opened again (connections do not survive the protocol driver, as documented);
 * bytes that come back different are mismatches. Bounded: every receive waits at most 10 s.
 */
final class EchoWorkload {
    private static final int PORT = 7007;

    private final Posix px;
    private final String host;
    private final SplittableRandom random;
    private final Stats stats;
    private final PrintStream err;
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();
    private volatile boolean stopped;
    private int listener = -1;
    private Thread server;
    private Thread client;

    private EchoWorkload(Posix px, String host, long seed, Stats stats, PrintStream err) {
        this.px = px;
        this.host = host;
        this.random = new SplittableRandom(seed ^ 0xEC40L);
        this.stats = stats;
        this.err = err;
    }

    /** Starts it if the kernel has sockets; null (and nothing started) if it has none. */
    static EchoWorkload start(KernelHandle kernel, long seed, Stats stats, PrintStream err) {
        Posix px = kernel.posix();
        int probe;
        try {
            probe = px.socket(2, 1, 0);
        } catch (KernelException e) {
            return null; // no network faction or no protocol driver: nothing to echo over
        }
        px.close(probe);
        String host = "127.0.0.1";
        for (String line : px.netctl("ifconfig").split("\n")) {
            String l = line.strip();
            if (l.startsWith("inet ") && !l.startsWith("inet 127.")) {
                host = l.substring(5, l.indexOf('/'));
                break;
            }
        }
        EchoWorkload w = new EchoWorkload(px, host, seed, stats, err);
        w.listener = px.socket(2, 1, 0);
        px.setsockopt(w.listener, 1, 2, 1);
        px.bind(w.listener, sockaddr("0.0.0.0", PORT));
        px.listen(w.listener, 16);
        w.server = Thread.ofPlatform().daemon().name("anyk-chaos-echo-server").start(w::serve);
        w.client = Thread.ofPlatform().daemon().name("anyk-chaos-echo-client").start(w::talk);
        return w;
    }

    static byte[] sockaddr(String host, int port) {
        byte[] b = new byte[16];
        b[0] = 2;
        b[2] = (byte) (port >>> 8);
        b[3] = (byte) port;
        String[] p = host.split("\\.");
        for (int i = 0; i < 4; i++) {
            b[4 + i] = (byte) Integer.parseInt(p[i]);
        }
        return b;
    }

    private static void timeout(Posix px, int fd) {
        byte[] tv = new byte[16];
        tv[0] = 10;
        px.syscall(Sys.SETSOCKOPT, fd, 1, 20, tv);
    }

    private void serve() {
        while (!stopped) {
            int c;
            try {
                c = px.accept(listener, null);
            } catch (KernelException e) {
                if (stopped) {
                    return;
                }
                // the listener went with a crashed net-inet: listen again
                if (!relisten()) {
                    pause(100);
                }
                continue;
            }
            Thread.ofPlatform().daemon().name("anyk-chaos-echo").start(() -> echo(c));
        }
    }

    private boolean relisten() {
        try {
            px.close(listener);
        } catch (KernelException alreadyGone) {
            // closed with the protocol driver's state
        }
        try {
            listener = px.socket(2, 1, 0);
            px.setsockopt(listener, 1, 2, 1);
            px.bind(listener, sockaddr("0.0.0.0", PORT));
            px.listen(listener, 16);
            return true;
        } catch (KernelException e) {
            return false;
        }
    }

    private void echo(int c) {
        byte[] buf = new byte[65536];
        try {
            timeout(px, c);
            for (int n; !stopped && (n = px.recv(c, buf, 0, buf.length, 0)) > 0; ) {
                for (int o = 0; o < n; ) {
                    o += px.send(c, buf, o, n - o, 0);
                }
            }
        } catch (KernelException e) {
            // the client counts what this costs it
        } finally {
            px.close(c);
        }
    }

    private void talk() {
        int fd = -1;
        while (!stopped) {
            try {
                if (fd < 0) {
                    fd = px.socket(2, 1, 0);
                    timeout(px, fd);
                    px.connect(fd, sockaddr(host, PORT));
                }
                byte[] msg = new byte[1 + random.nextInt(32768)];
                random.nextBytes(msg);
                for (int o = 0; o < msg.length; ) {
                    o += px.send(fd, msg, o, msg.length - o, 0);
                }
                byte[] back = new byte[msg.length];
                int at = 0;
                while (at < back.length) {
                    int n = px.recv(fd, back, at, back.length - at, 0);
                    if (n == 0) {
                        throw new KernelException(Errno.ECONNRESET, "echo", "closed by the server");
                    }
                    at += n;
                }
                stats.ops.incrementAndGet();
                messages.incrementAndGet();
                bytes.addAndGet(msg.length);
                if (!Arrays.equals(msg, back)) {
                    stats.mismatches.incrementAndGet();
                    err.println("anyk chaos: mismatch: echo of " + msg.length + " bytes came back different");
                }
            } catch (KernelException e) {
                stats.errno(e.errno().name());
                resets.incrementAndGet();
                if (fd >= 0) {
                    try {
                        px.close(fd);
                    } catch (KernelException alreadyGone) {
                        // gone with the protocol driver's state
                    }
                    fd = -1;
                }
                pause(50);
            }
        }
        if (fd >= 0) {
            px.close(fd);
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the client (after its message in flight, at most a receive timeout) and the server. */
    void stop() {
        stopped = true;
        try {
            client.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            px.close(listener);
        } catch (KernelException alreadyGone) {
            // gone with the protocol driver's state
        }
    }

    /** {@code N messages (B bytes) echoed to HOST, R connections reset}. */
    String summary() {
        return messages.get() + " messages (" + bytes.get() + " bytes) echoed to " + host + ":" + PORT + ", "
                + resets.get() + " connections reset or failed and opened again";
    }
}
