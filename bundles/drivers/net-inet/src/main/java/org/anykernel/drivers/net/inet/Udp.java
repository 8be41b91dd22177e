package org.anykernel.drivers.net.inet;

import java.util.List;

import org.anykernel.net.api.InetAddr;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;

/**
 * UDP (RFC 768): datagram sockets over {@link IpLayer}. Checksums are always computed on output and checked on input
 * when present; a datagram to a port nobody has bound is answered with ICMP port unreachable (not for broadcasts);
 * an ICMP error about a connected socket's datagram becomes that socket's pending error ({@code ECONNREFUSED} for a
 * port unreachable).
 */
final class Udp extends DatagramTransport {
    static final int HEADER = 8;
    /** 65535 - 20 (IP header) - 8 (UDP header). */
    static final int MAX_PAYLOAD = 65507;

    Udp(IpLayer ip) {
        super(ip);
    }

    @Override
    public int protocol() {
        return 17;
    }

    @Override
    String name() {
        return "udp";
    }

    @Override
    boolean privilegedPorts() {
        return true;
    }

    @Override
    int maxPayload() {
        return MAX_PAYLOAD;
    }

    @Override
    void transmit(Sock s, byte[] data, int off, int len, InetAddr to) {
        if (to.port() == 0) {
            throw new KernelException(Errno.EINVAL, "udp " + to, "port 0 is not a destination");
        }
        int src = s.address != 0 ? s.address : ip.sourceFor(to.address());
        // after room for the IP and Ethernet headers: the IP layer frames it in place when it fits one frame
        int o = IpLayer.HEADROOM;
        int n = HEADER + len;
        byte[] d = new byte[o + n];
        Bytes.put16(d, o, s.port);
        Bytes.put16(d, o + 2, to.port());
        Bytes.put16(d, o + 4, n);
        System.arraycopy(data, off, d, o + HEADER, len);
        int sum = Checksum.fold(Checksum.sum(d, o, n, Bytes.pseudo(src, to.address(), 17, n)));
        Bytes.put16(d, o + 6, sum == 0 ? 0xFFFF : sum);
        ip.output(src, to.address(), 17, d, o, n, s.ttl, false);
        ip.count("udp.out");
    }

    @Override
    public void input(int src, int dst, byte[] p, int off, int len) {
        ip.count("udp.in");
        if (len < HEADER) {
            ip.count("udp.bad_header");
            return;
        }
        int ulen = Bytes.u16(p, off + 4);
        int sport = Bytes.u16(p, off);
        int dport = Bytes.u16(p, off + 2);
        if (ulen < HEADER || ulen > len || dport == 0) {
            ip.count("udp.bad_header");
            return;
        }
        if (Bytes.u16(p, off + 6) != 0
                && Checksum.fold(Checksum.sum(p, off, ulen, Bytes.pseudo(src, dst, 17, ulen))) != 0) {
            ip.count("udp.bad_checksum");
            return;
        }
        boolean unicast = ip.isLocal(dst);
        List<Sock> found = match(dport, dst, src, sport, true);
        if (!unicast) {
            found.removeIf(s -> s.address != 0 && s.address != dst);
        }
        if (found.isEmpty()) {
            ip.count("udp.no_port");
            if (unicast) {
                ip.unreachable(3, p, off, len);
            }
            return;
        }
        InetAddr from = new InetAddr(src, sport);
        if (unicast) {
            deliver(best(found), p, off + HEADER, ulen - HEADER, from);
        } else {
            for (Sock s : found) {
                deliver(s, p, off + HEADER, ulen - HEADER, from);
            }
        }
    }

    @Override
    public void error(int type, int code, byte[] q, int off, int len) {
        if (len < Stack.IP_HEADER) {
            ip.count("udp.bad_error");
            return;
        }
        int ihl = (q[off] & 0x0F) * 4;
        if (ihl < Stack.IP_HEADER || ihl + HEADER > len) {
            ip.count("udp.bad_error");
            return;
        }
        int src = Bytes.i32(q, off + 12);
        int dst = Bytes.i32(q, off + 16);
        int sport = Bytes.u16(q, off + ihl);
        int dport = Bytes.u16(q, off + ihl + 2);
        for (Sock s : ports.getOrDefault(sport, List.of())) {
            if ((s.address == 0 || s.address == src) && s.peer != null && s.peer.address() == dst
                    && s.peer.port() == dport) {
                fail(s, type, code);
                ip.count("udp.icmp_errors");
                return;
            }
        }
        ip.count("udp.icmp_errors_ignored");
    }
}
