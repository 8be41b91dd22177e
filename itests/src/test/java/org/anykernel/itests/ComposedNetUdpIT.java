package org.anykernel.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;

import javax.inject.Inject;

import org.anykernel.base.api.Kernel;
import org.anykernel.testing.exam.KernelOptions;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * The net-udp profile composed by anyk compose and booted from the composed directory, with nic-sim and net-inet
 * isolated: its NIC is a UDP tunnel, and this test is the far end of it. An ARP request for the kernel's address,
 * sent as one Ethernet frame in one datagram, is answered with the kernel's MAC.
 */
@RunWith(PaxExam.class)
public class ComposedNetUdpIT {
    private static final byte[] PEER_MAC = {2, 0, 0, 0, 0, (byte) 0x99};

    @Inject
    private BundleContext context;
    @Inject
    private Kernel kernel;
    @Inject
    private CommandProcessor shell;

    @Configuration
    public Option[] config() throws Exception {
        int kernelPort;
        int peerPort;
        try (DatagramSocket a = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                DatagramSocket b = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            kernelPort = a.getLocalPort();
            peerPort = b.getLocalPort();
        }
        return options(KernelOptions.composed(List.of("net-udp"), "console.echo=false", "net.placement=isolated",
                        "udp.local=127.0.0.1:" + kernelPort, "udp.remote=127.0.0.1:" + peerPort, "ip.address=10.9.0.2/24",
                        "httpd.port=18080"),
                junitBundles(),
                frameworkProperty("anykernel.itest.kernel.port").value(String.valueOf(kernelPort)),
                frameworkProperty("anykernel.itest.peer.port").value(String.valueOf(peerPort)));
    }

    @Test
    public void theComposedKernelRunsIsolatedDriversFromItsDirectory() {
        Await.until("kernel settled", 10_000, kernel::settled);
        String dir = context.getProperty("anykernel.itest.composed");
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName().startsWith("org.anykernel.")) {
                assertEquals(b.getSymbolicName(), Bundle.ACTIVE, b.getState());
                assertTrue(b.getLocation(), b.getLocation().contains(dir + "/bundles/"));
            }
        }
        String domains = Shell.run(shell, "kernel:domains");
        assertTrue(domains, domains.lines().anyMatch(l -> l.startsWith("nic ") && l.contains(" isolated ")));
        assertTrue(domains, domains.lines().anyMatch(l -> l.startsWith("inet ") && l.contains(" isolated ")));
    }

    @Test
    public void anArpRequestOverTheTunnelIsAnswered() throws Exception {
        Await.until("kernel settled", 10_000, kernel::settled);
        int kernelPort = Integer.parseInt(context.getProperty("anykernel.itest.kernel.port"));
        int peerPort = Integer.parseInt(context.getProperty("anykernel.itest.peer.port"));
        byte[] request = new byte[42];
        Arrays.fill(request, 0, 6, (byte) 0xff);
        System.arraycopy(PEER_MAC, 0, request, 6, 6);
        request[12] = 0x08;
        request[13] = 0x06; // ARP
        byte[] arp = {0, 1, 8, 0, 6, 4, 0, 1};
        System.arraycopy(arp, 0, request, 14, 8);
        System.arraycopy(PEER_MAC, 0, request, 22, 6);
        System.arraycopy(new byte[] {10, 9, 0, 1}, 0, request, 28, 4);
        System.arraycopy(new byte[] {10, 9, 0, 2}, 0, request, 38, 4);
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), peerPort))) {
            peer.setSoTimeout(200);
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (true) {
                // the interface may still be coming up: ask again until answered (bounded)
                peer.send(new DatagramPacket(request, request.length, InetAddress.getLoopbackAddress(), kernelPort));
                try {
                    while (true) {
                        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
                        peer.receive(p);
                        byte[] f = Arrays.copyOf(p.getData(), p.getLength());
                        if (f.length >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[21] == 2) {
                            assertArrayEquals(PEER_MAC, Arrays.copyOfRange(f, 0, 6));
                            assertArrayEquals(new byte[] {10, 9, 0, 2}, Arrays.copyOfRange(f, 28, 32));
                            assertArrayEquals(Arrays.copyOfRange(f, 6, 12), Arrays.copyOfRange(f, 22, 28));
                            return;
                        }
                    }
                } catch (SocketTimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("no ARP reply from the composed net-udp kernel within 15 s");
                    }
                }
            }
        }
    }
}
