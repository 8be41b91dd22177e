package org.anykernel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.anykernel.base.api.Kernel;
import org.anykernel.testing.exam.KernelOptions;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;

/**
 * The {@code net:} and {@code hw:} shell commands in a kernel booted from the real {@code net-demo} profile: the global
 * kernel (10.0.0.1, httpd on 8080) and the library kernel {@code peer} (10.0.0.2) the profile makes on the same switch.
 */
@RunWith(PaxExam.class)
public class NetShellIT {
    @Inject
    private CommandProcessor shell;
    @Inject
    private Kernel kernel;

    @Configuration
    public Option[] config() {
        return options(KernelOptions.profile("net-demo", "console.echo=false"), junitBundles());
    }

    private String run(String command) {
        return Shell.run(shell, command);
    }

    @Test
    public void theNetworkShellCommandsWork() throws Exception {
        Await.until("kernel settled", 10_000, kernel::settled);
        String ifc = run("net:ifconfig");
        assertTrue(ifc, ifc.contains("inet 10.0.0.1/24"));
        // the peer kernel is made once its drivers are up: ping until it answers, bounded
        Await.until("the peer kernel answers", 15_000,
                () -> run("net:ping -c 1 -W 300 10.0.0.2").contains("1 received"));
        String ping = run("net:ping -c 3 -i 50 10.0.0.2");
        assertTrue(ping, ping.contains("3 packets transmitted, 3 received"));
        assertTrue(ping, ping.contains("bytes from 10.0.0.2: icmp_seq=1"));
        String arp = run("net:arp");
        assertTrue(arp, arp.contains("10.0.0.2 at "));
        String route = run("net:route");
        assertTrue(route, route.contains("10.0.0.0/24"));

        byte[] want = new byte[100_000];
        for (int i = 0; i < want.length; i++) {
            want[i] = (byte) (i % 251);
        }
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(want));
        Await.until("httpd listens", 15_000, () -> {
            try {
                return run("net:get http://10.0.0.1:8080/bytes/100000").contains("100000 bytes, sha256 " + sha);
            } catch (AssertionError notYet) {
                return false;
            }
        });
        String saved = run("net:get http://10.0.0.1:8080/hello.txt /tmp/hello.txt");
        assertTrue(saved, saved.contains("saved to /tmp/hello.txt"));
        String hello = run("vfs:cat /tmp/hello.txt");
        assertTrue(hello, hello.contains("hello from anykernel httpd"));

        CompletableFuture<String> listener = CompletableFuture.supplyAsync(() -> run("net:nc -l -w 10 -s pong 7400"),
                SocketConformance.POOL);
        String reply = "";
        for (int i = 0; i < 100 && !reply.contains("pong"); i++) {
            try {
                reply = run("net:nc -w 10 -s ping 10.0.0.1 7400");
            } catch (AssertionError notListeningYet) {
                Thread.sleep(50);
            }
        }
        assertEquals("pong", reply.strip());
        assertEquals("ping", listener.get(20, TimeUnit.SECONDS).strip());

        String netstat = run("net:netstat -s");
        assertTrue(netstat, netstat.contains("tcp segments_in="));
        assertTrue(netstat, netstat.contains("eth0 rx_packets="));

        String nics = run("hw:nics");
        assertTrue(nics, nics.contains("peer0"));
        Path pcap = Files.createTempFile("shell", ".pcap");
        try {
            String started = run("hw:pcap eth0 " + pcap);
            assertTrue(started, started.contains("capturing to"));
            run("net:ping -c 2 -i 10 10.0.0.2");
            String stopped = run("hw:pcap eth0 stop");
            assertTrue(stopped, stopped.contains("capture stopped"));
            byte[] b = Files.readAllBytes(pcap);
            assertTrue("a pcap header and the 4 ping frames: " + b.length, b.length >= 24 + 4 * (16 + 98));
            assertEquals((byte) 0xd4, b[0]); // 0xa1b2c3d4, little-endian
        } finally {
            Files.deleteIfExists(pcap);
        }
    }
}
