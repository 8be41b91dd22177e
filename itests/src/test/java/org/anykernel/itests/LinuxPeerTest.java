package org.anykernel.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.anykernel.itests.StandaloneVfsTest.Host;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Linux peer: in a network namespace this test makes (and deletes), socat bridges a TAP device
 * ({@code 10.9.0.1/24}) to the UDP tunnel of a kernel ({@code 10.9.0.2}, {@link NetPeerMain}, a child JVM in the same
 * namespace, so no packet leaves it). Linux's ping, curl and a socat echo server talk to our stack; tshark decodes
 * the kernel's capture with no malformed packet.
 */
class LinuxPeerTest {
    private static final String NS = "anyk-peer-" + ProcessHandle.current().pid();
    private static final List<Process> PROCESSES = new ArrayList<>();
    private static Path dir;
    private static Path pcap;
    private static Process kernel;
    private static BufferedReader kernelOut;
    private static PrintStream kernelIn;
    private static String file1mSha;

    static List<String> inNs(String... cmd) {
        List<String> out = new ArrayList<>(List.of(Host.tool("ip"), "netns", "exec", NS));
        out.addAll(List.of(cmd));
        return out;
    }

    private static Process start(List<String> cmd, Path log) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PROCESSES.add(p);
        return p;
    }

    @BeforeAll
    static void namespace() throws Exception {
        dir = Files.createTempDirectory("linux-peer");
        pcap = dir.resolve("eth0.pcap");
        Host.run("ip", "netns", "add", NS);
        Host.run(inNs("ip", "link", "set", "lo", "up"), true);
        start(inNs("socat", "TUN:10.9.0.1/24,tun-type=tap,iff-up,iff-no-pi",
                "UDP-DATAGRAM:127.0.0.1:9000,bind=127.0.0.1:9001"), dir.resolve("socat.log"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = inNs(java, "-cp", System.getProperty("java.class.path"), NetPeerMain.class.getName(),
                "udp:127.0.0.1:9000>127.0.0.1:9001", "10.9.0.2/24", pcap.toString());
        kernel = new ProcessBuilder(cmd).redirectError(dir.resolve("kernel.err").toFile()).start();
        PROCESSES.add(kernel);
        kernelOut = new BufferedReader(new InputStreamReader(kernel.getInputStream(), StandardCharsets.UTF_8));
        kernelIn = new PrintStream(kernel.getOutputStream(), true, StandardCharsets.UTF_8);
        String ready = line(30);
        assertTrue(ready.startsWith("ready "), "kernel said: " + ready + "\n" + Files.readString(dir.resolve("kernel.err")));
        file1mSha = ready.substring(6);
        // the TAP device exists once socat runs: wait for it, bounded
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Host.run(inNs("ip", "addr", "show"), false).output().indexOf("10.9.0.1/24") < 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("socat made no TAP device with 10.9.0.1/24:\n"
                        + Files.readString(dir.resolve("socat.log")));
            }
            Thread.sleep(50);
        }
    }

    /** The kernel's next line of output, waiting at most {@code seconds}. */
    private static String line(int seconds) throws Exception {
        String l = CompletableFuture.supplyAsync(() -> {
            try {
                return kernelOut.readLine();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(seconds, TimeUnit.SECONDS);
        return l == null ? "(kernel exited)" : l;
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (kernelIn != null) {
            kernelIn.println("quit");
        }
        if (kernel != null && !kernel.waitFor(10, TimeUnit.SECONDS)) {
            kernel.destroyForcibly();
        }
        for (Process p : PROCESSES) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        Host.run(List.of("ip", "netns", "del", NS), false);
    }

    @Test
    void linuxPingGetsReplies() throws Exception {
        Host.Result r = Host.run(inNs("ping", "-c", "3", "-W", "2", "10.9.0.2"), false);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("3 packets transmitted, 3 received"), r.output());
    }

    @Test
    void curlFetchesFilesByteForByte() throws Exception {
        Host.Result r = Host.run(inNs("curl", "-sS", "--max-time", "30", "http://10.9.0.2:8080/hello.txt"), false);
        assertEquals(0, r.exit(), r.output());
        assertEquals("hello from anykernel\n", r.output());
        Path f = dir.resolve("file1m");
        r = Host.run(inNs("curl", "-sS", "--max-time", "60", "-o", f.toString(), "http://10.9.0.2:8080/file1m"), false);
        assertEquals(0, r.exit(), r.output());
        assertEquals(file1mSha, NetPeerMain.sha(Files.readAllBytes(f)));
        // 8 MiB of the /bytes/N pattern, over keep-alive with a second request on the same connection
        Path g = dir.resolve("bytes");
        r = Host.run(inNs("curl", "-sS", "--max-time", "60", "-o", g.toString(), "http://10.9.0.2:8080/bytes/8388608",
                "-o", dir.resolve("small").toString(), "http://10.9.0.2:8080/bytes/1000"), false);
        assertEquals(0, r.exit(), r.output());
        byte[] got = Files.readAllBytes(g);
        assertEquals(8388608, got.length);
        for (int i = 0; i < got.length; i++) {
            if (got[i] != (byte) (i % 251)) {
                throw new AssertionError("byte " + i + " is " + got[i] + ", not " + (i % 251));
            }
        }
        assertEquals(1000, Files.size(dir.resolve("small")));
        r = Host.run(inNs("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://10.9.0.2:8080/nothing"), false);
        assertEquals("404", r.output());
    }

    @Test
    void theKernelConnectsOutToALinuxListener() throws Exception {
        start(inNs("socat", "TCP-LISTEN:7000,bind=10.9.0.1,reuseaddr,fork", "EXEC:cat"), dir.resolve("echo.log"));
        // the listener is up once connecting to it works; the kernel retries until then, bounded
        String answer = "";
        for (int i = 0; i < 50 && !answer.startsWith("ok"); i++) {
            kernelIn.println("echo 10.9.0.1 7000 2097152");
            answer = line(60);
            if (!answer.startsWith("ok")) {
                Thread.sleep(100);
            }
        }
        assertEquals("ok 2097152", answer);
    }

    @Test
    void tsharkDecodesTheCaptureWithNoMalformedPacket() throws Exception {
        // traffic of every kind first: ARP, ICMP, TCP with HTTP
        Host.run(inNs("ping", "-c", "1", "-W", "2", "10.9.0.2"), false);
        Host.run(inNs("curl", "-sS", "--max-time", "30", "-o", "/dev/null", "http://10.9.0.2:8080/hello.txt"), false);
        Thread.sleep(200);
        Host.Result all = Host.run("tshark", "-n", "-r", pcap.toString());
        String[] lines = all.output().strip().split("\n");
        assertTrue(lines.length > 10, all.output());
        assertTrue(all.output().contains("ARP"), all.output());
        assertTrue(all.output().contains("ICMP"), all.output());
        assertTrue(all.output().contains("HTTP"), all.output());
        // a segment retransmitted after a loss on the tunnel (socat drops datagrams under bursts) overlaps what tshark
        // reassembled already, which it reports as a reassembly error: expected of a retransmission, not malformed
        // (tshark labels a retransmission sent within its out-of-order time "Out-Of-Order"); the bytes such segments
        // carry are checked end to end by the byte-for-byte transfers of the other tests, and an overlap whose bytes
        // differ from the first copy's (a conflict) is an error whatever the label
        Host.Result malformed = Host.run("tshark", "-n", "-r", pcap.toString(), "-Y",
                "((_ws.malformed || _ws.expert.severity == error) && !tcp.analysis.retransmission"
                        + " && !tcp.analysis.fast_retransmission && !tcp.analysis.out_of_order)"
                        + " || tcp.segment.overlap.conflict");
        // tshark warns on stderr when run as root; the packets are the other lines
        String bad = malformed.output().lines().filter(l -> !l.startsWith("Running as user"))
                .collect(java.util.stream.Collectors.joining("\n"));
        assertEquals("", bad.strip(), "malformed or erroneous packets:\n" + bad);
    }
}
