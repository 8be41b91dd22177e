package org.anykernel.net.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.Kernel;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Sys;
import org.anykernel.net.api.HttpGet;
import org.anykernel.net.api.InetAddr;
import org.anykernel.net.api.Net;
import org.anykernel.net.api.Ping;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@code net:} shell commands, on the global kernel, as its first process (pid 1, root). */
@Component(service = NetCommands.class, property = {"osgi.command.scope=net", "osgi.command.function=ifconfig",
    "osgi.command.function=route", "osgi.command.function=arp", "osgi.command.function=netstat",
    "osgi.command.function=ping", "osgi.command.function=nc", "osgi.command.function=get",
    "osgi.command.function=forwarding"})
public final class NetCommands {
    @Reference
    private Kernel kernel;

    private Posix px() {
        return kernel.posix(1);
    }

    @Descriptor("interfaces; or configure one: ifconfig IF ADDR/PREFIX [up|down] [mtu N]")
    public String ifconfig(@Descriptor("[IF [ADDR/PREFIX] [up|down] [mtu N]]") String... args) {
        return px().netctl("ifconfig " + String.join(" ", args));
    }

    @Descriptor("the routing table; route add default|NET/PREFIX GATEWAY; route add NET/PREFIX dev IF; route del ...")
    public String route(@Descriptor("[add|del ...]") String... args) {
        return px().netctl("route " + String.join(" ", args));
    }

    @Descriptor("the ARP cache")
    public String arp() {
        return px().netctl("arp");
    }

    @Descriptor("sockets and their states; -s: protocol and interface counters")
    public String netstat(@Descriptor("[-s]") String... args) {
        return px().netctl("netstat " + String.join(" ", args));
    }

    @Descriptor("IPv4 forwarding between interfaces: forwarding [on|off]")
    public String forwarding(@Descriptor("[on|off]") String... args) {
        return px().netctl("forwarding " + String.join(" ", args));
    }

    @Descriptor("send ICMP echo requests: ping HOST [-c N] [-i MS] [-W MS]")
    public String ping(@Parameter(names = "-c", absentValue = "4") int count,
            @Parameter(names = "-i", absentValue = "1000") int intervalMs,
            @Parameter(names = "-W", absentValue = "1000") int timeoutMs, @Descriptor("IPv4 address") String host) {
        StringBuilder sb = new StringBuilder("PING " + host + "\n");
        Ping.Result r = Ping.run(px(), host, count, intervalMs, timeoutMs, l -> sb.append(l).append('\n'));
        return sb.append(r.summary()).append('\n').toString();
    }

    @Descriptor("HTTP/1.1 GET over the kernel's sockets; prints the byte count and the body's SHA-256; "
            + "saves the body to a kernel FILE if given")
    public String get(@Descriptor("http://A.B.C.D[:PORT]/PATH") String url) {
        return get(url, null);
    }

    @Descriptor("HTTP/1.1 GET into a kernel file")
    public String get(String url, @Descriptor("kernel file") String file) {
        Posix px = px();
        int fd = file == null ? -1 : px.open(file, Sys.O_WRONLY | Sys.O_CREAT | Sys.O_TRUNC, 0644);
        try {
            HttpGet.Response r = HttpGet.fetch(px, url, (b, off, len) -> {
                if (fd >= 0) {
                    byte[] c = off == 0 && len == b.length ? b : java.util.Arrays.copyOfRange(b, off, off + len);
                    for (int o = 0; o < c.length; ) {
                        o += px.write(fd, c, o, c.length - o);
                    }
                }
            }, n -> { });
            return "HTTP " + r.status() + ": " + r.bytes() + " bytes, sha256 " + r.sha256()
                    + (file == null ? "" : ", saved to " + file) + "\n";
        } finally {
            if (fd >= 0) {
                px.close(fd);
            }
        }
    }

    @Descriptor("connect to HOST PORT (or listen on PORT with -l), send -s TEXT or the kernel file -i FILE, "
            + "then print what comes back (or save it to the kernel file -o FILE); -u for UDP; -w SECONDS bounds waits")
    public String nc(@Parameter(names = "-l", presentValue = "true", absentValue = "false") boolean listen,
            @Parameter(names = "-u", presentValue = "true", absentValue = "false") boolean udp,
            @Parameter(names = "-s", absentValue = "") String text,
            @Parameter(names = "-i", absentValue = "") String inFile,
            @Parameter(names = "-o", absentValue = "") String outFile,
            @Parameter(names = "-w", absentValue = "10") int waitSeconds,
            @Descriptor("HOST PORT, or PORT with -l") String... target) {
        Posix px = px();
        byte[] payload = !inFile.isEmpty() ? readFile(px, inFile) : text.getBytes(StandardCharsets.UTF_8);
        int fd = px.socket(Net.AF_INET, udp ? Net.SOCK_DGRAM : Net.SOCK_STREAM, 0);
        int conn = -1;
        try {
            setTimeout(px, fd, waitSeconds);
            byte[] peer = null;
            if (listen) {
                if (target.length != 1) {
                    throw new KernelException(Errno.EINVAL, "nc -l", "needs one PORT");
                }
                px.setsockopt(fd, Net.SOL_SOCKET, Net.SO_REUSEADDR, 1);
                px.bind(fd, new InetAddr(0, port(target[0])).toSockaddr());
                if (udp) {
                    conn = fd;
                } else {
                    px.listen(fd, 1);
                    conn = px.accept(fd, null);
                    setTimeout(px, conn, waitSeconds);
                }
            } else {
                if (target.length != 2) {
                    throw new KernelException(Errno.EINVAL, "nc", "needs HOST PORT");
                }
                peer = InetAddr.of(target[0], port(target[1])).toSockaddr();
                px.connect(fd, peer);
                conn = fd;
            }
            for (int o = 0; o < payload.length; ) {
                o += px.send(conn, payload, o, payload.length - o, 0);
            }
            if (!udp && payload.length > 0) {
                px.shutdown(conn, Net.SHUT_WR);
            }
            List<byte[]> got = new ArrayList<>();
            long total = 0;
            byte[] buf = new byte[65536];
            while (true) {
                int n;
                try {
                    n = px.recv(conn, buf, 0, buf.length, 0);
                } catch (KernelException e) {
                    if (e.errno() == Errno.EAGAIN) {
                        break; // the -w bound: nothing more came
                    }
                    throw e;
                }
                if (n == 0) {
                    break;
                }
                got.add(java.util.Arrays.copyOf(buf, n));
                total += n;
                if (udp) {
                    break;
                }
            }
            byte[] all = new byte[(int) Math.min(total, Integer.MAX_VALUE - 8)];
            int at = 0;
            for (byte[] g : got) {
                System.arraycopy(g, 0, all, at, g.length);
                at += g.length;
            }
            if (!outFile.isEmpty()) {
                int out = px.open(outFile, Sys.O_WRONLY | Sys.O_CREAT | Sys.O_TRUNC, 0644);
                try {
                    for (int o = 0; o < all.length; ) {
                        o += px.write(out, all, o, all.length - o);
                    }
                } finally {
                    px.close(out);
                }
                return "sent " + payload.length + " bytes, received " + total + " bytes into " + outFile + "\n";
            }
            return new String(all, StandardCharsets.UTF_8);
        } finally {
            if (conn >= 0 && conn != fd) {
                px.close(conn);
            }
            px.close(fd);
        }
    }

    private static void setTimeout(Posix px, int fd, int seconds) {
        byte[] tv = new byte[16];
        tv[0] = (byte) seconds;
        tv[1] = (byte) (seconds >>> 8);
        tv[2] = (byte) (seconds >>> 16);
        px.syscall(Sys.SETSOCKOPT, fd, Net.SOL_SOCKET, Net.SO_RCVTIMEO, tv);
    }

    private static int port(String s) {
        try {
            int p = Integer.parseInt(s);
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new KernelException(Errno.EINVAL, "port '" + s + "'", "not a port number (1..65535)");
        }
    }

    private static byte[] readFile(Posix px, String path) {
        int fd = px.open(path, Sys.O_RDONLY);
        try {
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[65536];
            for (int n; (n = px.read(fd, buf)) > 0; ) {
                b.write(buf, 0, n);
            }
            return b.toByteArray();
        } finally {
            px.close(fd);
        }
    }
}
