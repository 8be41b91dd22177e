package org.anykernel.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.anykernel.base.api.LibraryKernel;
import org.anykernel.base.api.Posix;
import org.anykernel.net.api.InetAddr;
import org.anykernel.net.api.Net;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The network stack between standalone kernels ({@code nic-sim} and {@code net-inet} on hw-sim NICs), in one JVM:
 *
 * <ul>
 *   <li>ping round trip between two kernels on the in-JVM switch (an ICMP echo socket in kernel A, the echo answered
 *       by kernel B's stack), sampled, so the report has the median;</li>
 *   <li>TCP throughput of one connection between two kernels on the switch, 1 MiB per operation (the receiver
 *       drains on a thread of its own), against Linux loopback TCP between two {@code java.net.Socket}s in the same
 *       run, 1 MiB per operation the same way;</li>
 *   <li>255 kernels in a chain (kernel i and i+1 share switch i, every kernel forwards): boot, configure and one
 *       ping end to end with TTL 255, one shot per operation.</li>
 * </ul>
 * The ping between two JVMs on a shared-memory bus is {@link ShmPingBenchmark}.
 */
public class NetBenchmark {
    static final int MIB = 1 << 20;

    /** Two kernels on one switch, with a ping socket. */
    @State(Scope.Benchmark)
    public static class PingPair {
        NetKernels kernels;
        Posix a;
        int ping;
        byte[] to;
        final byte[] req = new byte[64];
        final byte[] buf = new byte[2048];
        int seq;

        @Setup(Level.Trial)
        public void up() {
            kernels = new NetKernels();
            a = kernels.onSwitch("ping-a", "ping-sw", "10.7.0.1/24").posix();
            kernels.onSwitch("ping-b", "ping-sw", "10.7.0.2/24");
            ping = NetKernels.pingSocket(a, 64);
            to = NetKernels.to("10.7.0.2");
        }

        @TearDown(Level.Trial)
        public void down() {
            a.close(ping);
            kernels.close();
        }
    }

    /** Two kernels on one switch with one TCP connection, drained by kernel B on a thread. */
    @State(Scope.Benchmark)
    public static class TcpPair {
        NetKernels kernels;
        Posix a;
        Posix b;
        int client;
        int server;
        Thread drainer;

        /** The MTU of both NICs. */
        int mtu() {
            return 1500;
        }

        @Setup(Level.Trial)
        public void up() {
            int mtu = mtu();
            kernels = new NetKernels();
            a = kernels.onSwitch("tcp-a", "tcp-sw", "10.7.1.1/24", mtu).posix();
            b = kernels.onSwitch("tcp-b", "tcp-sw", "10.7.1.2/24", mtu).posix();
            int l = b.socket(Net.AF_INET, Net.SOCK_STREAM, 0);
            b.bind(l, InetAddr.of("0.0.0.0", 5001).toSockaddr());
            b.listen(l, 1);
            client = a.socket(Net.AF_INET, Net.SOCK_STREAM, 0);
            a.connect(client, InetAddr.of("10.7.1.2", 5001).toSockaddr());
            server = b.accept(l, null);
            b.close(l);
            drainer = new Thread(() -> {
                byte[] d = new byte[256 << 10];
                while (b.recv(server, d, 0, d.length, 0) > 0) {
                    // drain until the client closes
                }
            }, "bench-drain");
            drainer.setDaemon(true);
            drainer.start();
        }

        @TearDown(Level.Trial)
        public void down() throws InterruptedException {
            a.close(client);
            drainer.join(5000);
            b.close(server);
            kernels.close();
        }
    }

    /** The same pair with jumbo frames: both NICs at MTU 65000, as Linux loopback's 65536. */
    @State(Scope.Benchmark)
    public static class JumboTcpPair extends TcpPair {
        @Override
        int mtu() {
            return 65000; // not a second @Setup: JMH would run the inherited one as well
        }
    }

    /** Linux loopback TCP between two java.net sockets, drained on a thread. */
    @State(Scope.Benchmark)
    public static class HostTcp {
        ServerSocket listener;
        Socket client;
        Socket server;
        OutputStream out;
        Thread drainer;

        @Setup(Level.Trial)
        public void up() throws IOException {
            listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
            server = listener.accept();
            out = client.getOutputStream();
            InputStream in = server.getInputStream();
            drainer = new Thread(() -> {
                byte[] d = new byte[256 << 10];
                try {
                    while (in.read(d) > 0) {
                        // drain
                    }
                } catch (IOException closed) {
                    // the trial is over
                }
            }, "host-drain");
            drainer.setDaemon(true);
            drainer.start();
        }

        @TearDown(Level.Trial)
        public void down() throws IOException, InterruptedException {
            client.close();
            drainer.join(5000);
            server.close();
            listener.close();
        }
    }

    static final byte[] MEGABYTE = new byte[MIB];

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int pingSwitch(PingPair p) {
        return NetKernels.ping(p.a, p.ping, p.to, p.req, p.buf, ++p.seq & 0xFFFF);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int tcpSwitch1MiB(TcpPair p) {
        int n = 0;
        while (n < MIB) {
            n += p.a.send(p.client, MEGABYTE, n, MIB - n, 0);
        }
        return n;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int tcpSwitchJumbo1MiB(JumboTcpPair p) {
        return tcpSwitch1MiB(p);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int tcpHostLoopback1MiB(HostTcp h) throws IOException {
        h.out.write(MEGABYTE);
        return MIB;
    }

    /**
     * 255 kernels in a chain: kernel i has eth0 on switch i-1 (172.16.x.2/30 of link i-1) and eth1 on switch i (.1 of
     * link i); a default route toward the far end and a route back to link 0; then one ping from kernel 0 to kernel
     * 254 with TTL 255. Returns the reply's length.
     */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int chain255() {
        return chain(255);
    }

    static int chain(int n) {
        try (NetKernels ks = new NetKernels()) {
            String run = "chain" + System.nanoTime() + "-";
            List<Posix> px = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                List<Map<String, ?>> nics = new ArrayList<>();
                if (i > 0) {
                    nics.add(Map.of("backend", "switch:" + run + (i - 1)));
                }
                if (i < n - 1) {
                    nics.add(Map.of("backend", "switch:" + run + i));
                }
                LibraryKernel k = ks.kernel(run + "k" + i, nics);
                Posix p = k.posix();
                int nic = 0;
                if (i > 0) {
                    p.netctl("ifconfig eth" + nic++ + " " + link(i - 1, 2) + "/30 up");
                }
                if (i < n - 1) {
                    p.netctl("ifconfig eth" + nic + " " + link(i, 1) + "/30 up");
                    p.netctl("route add default " + link(i, 2));
                } else {
                    p.netctl("route add default " + link(i - 1, 1));
                }
                if (i > 0 && i < n - 1) {
                    p.netctl("route add " + link(0, 0) + "/30 " + link(i - 1, 1));
                }
                p.netctl("forwarding on");
                px.add(p);
            }
            Posix first = px.get(0);
            int fd = NetKernels.pingSocket(first, 255);
            try {
                return NetKernels.ping(first, fd, NetKernels.to(link(n - 2, 2)), new byte[64], new byte[2048], 1);
            } finally {
                first.close(fd);
            }
        }
    }

    /** Address {@code host} of link {@code j}: 172.16.0.0 + 4j + host. */
    static String link(int j, int host) {
        return InetAddr.format(0xAC100000 + 4 * j + host);
    }
}
