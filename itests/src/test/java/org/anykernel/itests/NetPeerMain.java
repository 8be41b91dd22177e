package org.anykernel.itests;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import org.anykernel.apps.httpd.HttpServer;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.LibraryKernel;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Standalone;
import org.anykernel.base.api.Sys;
import org.anykernel.hw.api.NicController;
import org.anykernel.hw.api.SimHardware;
import org.anykernel.net.api.InetAddr;
import org.anykernel.net.api.Net;

/**
 * A standalone kernel for {@link LinuxPeerTest}, run in a child JVM inside the test's network namespace: its NIC is a
 * UDP tunnel (what socat bridges to a TAP device), httpd serves {@code /srv} (with {@code hello.txt} and a 1 MiB
 * {@code file1m}), and the NIC's frames are captured to a pcap file. It prints {@code ready} and then runs commands
 * from standard input, one per line, answering one line each:
 * {@code echo HOST PORT BYTES} (connect out, send BYTES, read them back, check them), {@code quit}.
 *
 * <p>Arguments: {@code BACKEND ADDRESS/PREFIX PCAP}, the backend as a {@code hw.nic} configuration says it
 * ({@code udp:127.0.0.1:9000>127.0.0.1:9001}, {@code shm:/tmp/bus}).
 */
public final class NetPeerMain {
    private NetPeerMain() {
    }

    public static void main(String[] args) throws Exception {
        NicController nic = SimHardware.nic("peer-eth0", Map.of("backend", args[0]));
        AutoCloseable capture = nic.capture(Path.of(args[2]));
        try (LibraryKernel k = Standalone.builder("peer").drivers("nic-sim", "net-inet", "fs-tmpfs")
                .hardware(nic, Map.of("hw.nic.name", "eth0")).build()) {
            Posix px = k.posix();
            px.netctl("ifconfig eth0 " + args[1] + " up");
            px.mkdir("/srv", 0755);
            put(px, "/srv/hello.txt", "hello from anykernel\n".getBytes(StandardCharsets.UTF_8));
            put(px, "/srv/file1m", SocketConformance.pattern(1 << 20, 5));
            try (HttpServer httpd = new HttpServer(() -> px, "/srv", 8080)) {
                System.out.println("ready " + sha(SocketConformance.pattern(1 << 20, 5)));
                System.out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                for (String line; (line = in.readLine()) != null; ) {
                    String[] w = line.trim().split("\\s+");
                    if (w[0].equals("quit")) {
                        break;
                    }
                    try {
                        if (w[0].equals("echo")) {
                            System.out.println(echo(px, w[1], Integer.parseInt(w[2]), Integer.parseInt(w[3])));
                        } else {
                            System.out.println("error unknown command " + w[0]);
                        }
                    } catch (KernelException e) {
                        System.out.println("error " + e.getMessage());
                    }
                    System.out.flush();
                }
            }
        } finally {
            capture.close();
            SimHardware.powerOff(nic);
        }
    }

    private static String echo(Posix px, String host, int port, int n) throws Exception {
        int fd = px.socket(Net.AF_INET, Net.SOCK_STREAM, 0);
        try {
            byte[] tv = new byte[16];
            tv[0] = 20;
            px.syscall(Sys.SETSOCKOPT, fd, Net.SOL_SOCKET, Net.SO_RCVTIMEO, tv);
            px.connect(fd, InetAddr.of(host, port).toSockaddr());
            byte[] d = SocketConformance.pattern(n, 9);
            Thread sender = Thread.ofPlatform().start(() -> SocketConformance.sendAll(px, fd, d));
            byte[] back = SocketConformance.recvAll(px, fd, n);
            sender.join(30_000);
            return java.util.Arrays.equals(d, back) ? "ok " + n : "mismatch";
        } finally {
            px.close(fd);
        }
    }

    private static void put(Posix px, String path, byte[] data) {
        int fd = px.open(path, Sys.O_WRONLY | Sys.O_CREAT | Sys.O_TRUNC, 0644);
        try {
            for (int o = 0; o < data.length; ) {
                o += px.write(fd, data, o, data.length - o);
            }
        } finally {
            px.close(fd);
        }
    }

    static String sha(byte[] d) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(d));
    }
}
