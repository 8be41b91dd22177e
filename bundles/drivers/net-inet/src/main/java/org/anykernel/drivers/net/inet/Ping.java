package org.anykernel.drivers.net.inet;

import java.util.List;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.net.api.InetAddr;

/**
 * ICMP echo sockets, as Linux's "ping sockets" ({@code socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)}): a send is an
 * echo request (type 8, code 0) whose identifier the stack sets to the socket's port (bound, or ephemeral) and whose
 * checksum it computes; a receive is a whole echo reply whose identifier is that port, from its sender. Protocol 1,
 * for sockets only: ICMP input is the {@link Stack}'s, which hands echo replies and errors about echo requests here.
 */
final class Ping extends DatagramTransport {
    static final int HEADER = 8;
    static final int MAX_PAYLOAD = 65535 - Stack.IP_HEADER;

    Ping(IpLayer ip) {
        super(ip);
    }

    @Override
    public int protocol() {
        return 1;
    }

    @Override
    String name() {
        return "icmp";
    }

    @Override
    boolean privilegedPorts() {
        return false;
    }

    @Override
    int maxPayload() {
        return MAX_PAYLOAD;
    }

    @Override
    void transmit(Sock s, byte[] data, int off, int len, InetAddr to) {
        if (len < HEADER || data[off] != 8 || data[off + 1] != 0) {
            throw new KernelException(Errno.EINVAL, "icmp socket", "only echo requests (type 8, code 0) are sent");
        }
        byte[] m = new byte[len];
        System.arraycopy(data, off, m, 0, len);
        Bytes.put16(m, 4, s.port);
        Bytes.put16(m, 2, 0);
        Bytes.put16(m, 2, Bytes.checksum(m, 0, len));
        ip.output(s.address, to.address(), 1, m, 0, len, s.ttl, false);
        ip.count("icmp.out");
        ip.count("icmp.ping_out");
    }

    /** An echo reply (checked by the stack: at least 8 bytes, checksum right). */
    @Override
    public void input(int src, int dst, byte[] p, int off, int len) {
        if (len < HEADER) {
            ip.count("icmp.bad");
            return;
        }
        int id = Bytes.u16(p, off + 4);
        List<Sock> found = match(id, dst, src, 0, false);
        if (found.isEmpty()) {
            ip.count("icmp.ping_unclaimed");
            return;
        }
        ip.count("icmp.ping_in");
        deliver(best(found), p, off, len, new InetAddr(src, 0));
    }

    /** An error about an echo request this host sent: the socket it came from gets it as its pending error. */
    @Override
    public void error(int type, int code, byte[] q, int off, int len) {
        if (len < Stack.IP_HEADER) {
            return;
        }
        int ihl = (q[off] & 0x0F) * 4;
        if (ihl < Stack.IP_HEADER || ihl + HEADER > len || q[off + ihl] != 8) {
            ip.count("icmp.error_unclaimed");
            return;
        }
        int dst = Bytes.i32(q, off + 16);
        int id = Bytes.u16(q, off + ihl + 4);
        for (Sock s : ports.getOrDefault(id, List.of())) {
            if (s.peer == null || s.peer.address() == dst) {
                fail(s, type, code);
                return;
            }
        }
        ip.count("icmp.error_unclaimed");
    }
}
