package org.anykernel.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.anykernel.base.api.LibraryKernel;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Standalone;
import org.anykernel.hw.api.NicController;
import org.anykernel.hw.api.SimHardware;
import org.anykernel.net.api.HttpGet;
import org.anykernel.net.api.InetAddr;
import org.anykernel.net.api.Net;
import org.anykernel.net.api.Ping;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two JVMs on one shared-memory bus file: this test's standalone kernel and {@link NetPeerMain}'s in a child JVM.
 * Ping, UDP, HTTP of several MiB both ways over TCP, byte for byte.
 */
class ShmBusNetTest {
    /** Threads for the parts of a test that run at once (the common pool may have a single worker here). */
    static final java.util.concurrent.ExecutorService POOL = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "net-test");
        t.setDaemon(true);
        return t;
    });
    private static Path dir;
    private static Process child;
    private static BufferedReader childOut;
    private static PrintStream childIn;
    private static NicController nic;
    private static LibraryKernel kernel;
    private static Posix px;
    private static String file1mSha;

    @BeforeAll
    static void boot() throws Exception {
        dir = Files.createTempDirectory("shm-net");
        Path bus = dir.resolve("bus0");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), NetPeerMain.class.getName(),
                "shm:" + bus, "10.6.0.2/24", dir.resolve("peer.pcap").toString())
                .redirectError(dir.resolve("child.err").toFile()).start();
        childOut = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        childIn = new PrintStream(child.getOutputStream(), true, StandardCharsets.UTF_8);
        String ready = line(30);
        assertTrue(ready.startsWith("ready "), ready + "\n" + Files.readString(dir.resolve("child.err")));
        file1mSha = ready.substring(6);
        nic = SimHardware.nic("shm-eth0", Map.of("backend", "shm:" + bus));
        kernel = Standalone.builder("shm-a").drivers("nic-sim", "net-inet").hardware(nic, Map.of("hw.nic.name", "eth0"))
                .build();
        px = kernel.posix();
        px.netctl("ifconfig eth0 10.6.0.1/24 up");
    }

    private static String line(int seconds) throws Exception {
        String l = CompletableFuture.supplyAsync(() -> {
            try {
                return childOut.readLine();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, POOL).get(seconds, TimeUnit.SECONDS);
        return l == null ? "(child exited)" : l;
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (childIn != null) {
            childIn.println("quit");
        }
        if (child != null && !child.waitFor(10, TimeUnit.SECONDS)) {
            child.destroyForcibly();
        }
        if (kernel != null) {
            kernel.close();
        }
        if (nic != null) {
            SimHardware.powerOff(nic);
        }
    }

    @Test
    void pingCrossesTheBus() {
        Ping.Result r = Ping.run(px, "10.6.0.2", 5, 0, 2000, l -> { });
        assertEquals(5, r.received(), r.summary());
    }

    @Test
    void httpOverTcpMovesMegabytesByteForByte() throws Exception {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        HttpGet.Response r = HttpGet.fetch(px, "http://10.6.0.2:8080/file1m", body::write, n -> { });
        assertEquals(200, r.status());
        assertEquals(1 << 20, r.bytes());
        assertEquals(file1mSha, r.sha256());
        r = HttpGet.fetch(px, "http://10.6.0.2:8080/bytes/6000000", (b, o, l) -> { }, n -> { });
        assertEquals(6000000, r.bytes());
        byte[] want = new byte[6000000];
        for (int i = 0; i < want.length; i++) {
            want[i] = (byte) (i % 251);
        }
        assertEquals(NetPeerMain.sha(want), r.sha256());
    }

    @Test
    void thePeerConnectsBackAndEchoesTwoMegabytes() throws Exception {
        peerEchoes(7300, 0);
    }

    /**
     * The peer connects to this kernel on {@code port} and sends 2 MiB, which this kernel echoes back (its accepted
     * socket with {@code SO_BUSY_POLL} = {@code busyPollUs} when not 0); the peer checks every byte ("ok").
     */
    private static void peerEchoes(int port, int busyPollUs) throws Exception {
        int l = px.socket(Net.AF_INET, Net.SOCK_STREAM, 0);
        px.bind(l, InetAddr.of("0.0.0.0", port).toSockaddr());
        px.listen(l, 1);
        CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> {
            int c = px.accept(l, null);
            SocketConformance.timeout(px, c, 60);
            if (busyPollUs > 0) {
                px.setsockopt(c, Net.SOL_SOCKET, Net.SO_BUSY_POLL, busyPollUs);
            }
            byte[] buf = new byte[65536];
            try {
                for (int n; (n = px.recv(c, buf, 0, buf.length, 0)) > 0; ) {
                    SocketConformance.sendAll(px, c, java.util.Arrays.copyOf(buf, n));
                }
            } finally {
                px.close(c);
            }
        }, POOL);
        childIn.println("echo 10.6.0.1 " + port + " 2097152");
        assertEquals("ok 2097152", line(60));
        px.close(l);
        echo.get(30, TimeUnit.SECONDS);
    }

    /**
     * {@code SO_BUSY_POLL} across two JVMs: 200 pings whose replies this thread takes off the bus itself, and a TCP
     * echo of 2 MiB (the peer checks every byte) whose receiving socket busy-polls.
     */
    @Test
    void busyPollingTakesRepliesOffTheBusOnTheCallersThread() throws Exception {
        long before = busyPolled();
        int fd = px.socket(Net.AF_INET, Net.SOCK_DGRAM, Net.IPPROTO_ICMP);
        try {
            SocketConformance.timeout(px, fd, 5);
            px.setsockopt(fd, Net.SOL_SOCKET, Net.SO_BUSY_POLL, 500);
            byte[] to = InetAddr.of("10.6.0.2", 0).toSockaddr();
            byte[] req = new byte[64];
            byte[] buf = new byte[2048];
            for (int seq = 1; seq <= 200; seq++) {
                req[0] = 8;
                req[6] = (byte) (seq >>> 8);
                req[7] = (byte) seq;
                px.sendto(fd, req, 0, req.length, 0, to);
                int n;
                do {
                    n = px.recvfrom(fd, buf, 0, buf.length, 0, null);
                } while (!(n >= 8 && buf[0] == 0 && buf[6] == req[6] && buf[7] == req[7]));
                assertEquals(req.length, n, "echo reply " + seq);
            }
        } finally {
            px.close(fd);
        }
        assertTrue(busyPolled() > before, "no reply came in by busy polling:\n" + px.netctl("netstat -s"));
        peerEchoes(7301, 200);
    }

    private static long busyPolled() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("eth0 .* busy_poll_rx=(\\d+)")
                .matcher(px.netctl("netstat -s"));
        assertTrue(m.find());
        return Long.parseLong(m.group(1));
    }

    @Test
    void udpDatagramsCrossTheBus() {
        int s = px.socket(Net.AF_INET, Net.SOCK_DGRAM, 0);
        try {
            // the peer answers no UDP port: its kernel says so with an ICMP port unreachable
            px.connect(s, InetAddr.of("10.6.0.2", 9999).toSockaddr());
            byte[] tv = new byte[16];
            tv[0] = 5;
            px.syscall(org.anykernel.base.api.Sys.SETSOCKOPT, s, Net.SOL_SOCKET, Net.SO_RCVTIMEO, tv);
            px.send(s, new byte[1000], 0, 1000, 0);
            VfsConformance.fails(org.anykernel.base.api.Errno.ECONNREFUSED, () -> px.recv(s, new byte[10], 0, 10, 0));
        } finally {
            px.close(s);
        }
    }
}
