package org.anykernel.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.anykernel.base.api.Credentials;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.FaultSpec;
import org.anykernel.base.api.KernelEvent;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.LibraryKernel;
import org.anykernel.base.api.Posix;
import org.anykernel.net.api.InetAddr;
import org.anykernel.net.api.Net;
import org.anykernel.net.api.Ping;
import org.junit.Test;

/**
 * The socket conformance suite with nic-sim and net-inet isolated, from the net-demo profile; and what isolation buys:
 * a NIC driver that crashes mid-transfer is restarted and the TCP connection carries on (retransmission covers the
 * gap), while a crash of net-inet itself fails its connections cleanly with ECONNRESET and the stack serves again.
 */
public class NetIsolatedIT extends NetMatrix {
    /** Threads for the parts of a test that run at once (the common pool may have a single worker here). */
    static final java.util.concurrent.ExecutorService POOL = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "net-test");
        t.setDaemon(true);
        return t;
    });
    public NetIsolatedIT() {
        super("isolated");
    }

    private record Conn(Posix a, int client, Posix b, int server) {
    }

    private Conn connect(LibraryKernel peer, int port) {
        pid = kernel.spawn("net-crash", Credentials.ROOT);
        Posix a = kernel.posix(pid);
        Posix b = peer.posix();
        int l = b.socket(Net.AF_INET, Net.SOCK_STREAM, 0);
        b.bind(l, InetAddr.of("0.0.0.0", port).toSockaddr());
        b.listen(l, 1);
        int c = a.socket(Net.AF_INET, Net.SOCK_STREAM, 0);
        a.connect(c, InetAddr.of("10.0.0.4", port).toSockaddr());
        int s = b.accept(l, null);
        b.close(l);
        SocketConformance.timeout(a, c, 60);
        SocketConformance.timeout(b, s, 60);
        return new Conn(a, c, b, s);
    }

    private boolean restarted(String driver) {
        String domain = driver.equals("nic-sim") ? "nic" : "inet";
        return kernel.events(200).stream().anyMatch(e -> e.topic().endsWith("RESTARTED") && e.domain().equals(domain));
    }

    @Test
    public void aNicDriverCrashLosesNoTcpConnection() throws Exception {
        LibraryKernel peer = libraryKernel("b-nic-crash", "tb", "10.0.0.4/24");
        Conn c = connect(peer, 7101);
        byte[] data = SocketConformance.pattern(4 << 20, 11);
        CompletableFuture<byte[]> got = CompletableFuture.supplyAsync(() -> SocketConformance.recvAll(c.b, c.server,
                data.length), POOL);
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> SocketConformance.sendAll(c.a, c.client, data), POOL);
        Thread.sleep(50);
        kernel.fault("nic-sim", new FaultSpec(FaultSpec.Kind.CRASH, 0, 0, "transmit"));
        sent.get(60, TimeUnit.SECONDS);
        assertArrayEquals("every byte arrived, in order", data, got.get(60, TimeUnit.SECONDS));
        Await.until("nic-sim restarted", 10_000, () -> restarted("nic-sim"));
        c.a.close(c.client);
        c.b.close(c.server);
    }

    @Test
    public void anInetCrashResetsItsConnectionsAndTheStackServesAgain() throws Exception {
        LibraryKernel peer = libraryKernel("b-inet-crash", "tb", "10.0.0.4/24");
        Conn c = connect(peer, 7102);
        kernel.fault("net-inet", new FaultSpec(FaultSpec.Kind.CRASH, 0, 0, "recv"));
        try {
            c.a.recv(c.client, new byte[10], 0, 10, Net.MSG_DONTWAIT);
            throw new AssertionError("the crashing call must fail");
        } catch (KernelException e) {
            assertTrue(e.toString(), e.errno() == Errno.EIO || e.errno() == Errno.ECONNRESET);
        }
        Await.until("net-inet restarted", 10_000, () -> restarted("net-inet"));
        // the restarted driver knows nothing of the old connection: it says so, it does not hang or mix data
        try {
            c.a.send(c.client, new byte[] {1}, 0, 1, 0);
            throw new AssertionError("a connection of the crashed net-inet must be reset");
        } catch (KernelException e) {
            assertEquals(e.toString(), Errno.ECONNRESET, e.errno());
        }
        c.a.close(c.client);
        // new sockets work: the faction gave the new instance the configuration again
        // (until the timer hands the new instance its configuration, there is no route: ENETUNREACH)
        Await.until("ping after the restart", 10_000, () -> {
            try {
                return Ping.run(c.a, "10.0.0.4", 1, 0, 500, l -> { }).received() == 1;
            } catch (KernelException notYet) {
                return false;
            }
        });
        c.b.close(c.server);
        for (KernelEvent e : kernel.events(50)) {
            if (e.topic().endsWith("FAULT") && e.domain().equals("inet")) {
                return;
            }
        }
        throw new AssertionError("no FAULT event for the crash: " + kernel.events(50));
    }
}
