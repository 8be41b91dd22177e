package org.anykernel.drivers.net.inet;

import java.util.SplittableRandom;

import org.anykernel.drivers.net.inet.tcp.Tcp;

/** Hand-made IPv4 TCP packets in Ethernet frames, well formed or hostile, for {@link TcpTest}. */
final class TcpFrames {
    private TcpFrames() {
    }

    /** An Ethernet frame from MAC {@code from} to MAC {@code to} (the wire's numbering) around an IPv4 packet. */
    static byte[] ether(byte[] ip, int from, int to) {
        byte[] f = new byte[14 + ip.length];
        System.arraycopy(Wire.mac(to), 0, f, 0, 6);
        System.arraycopy(Wire.mac(from), 0, f, 6, 6);
        f[12] = 0x08;
        System.arraycopy(ip, 0, f, 14, ip.length);
        return f;
    }

    /** An IPv4 packet (valid header) around a TCP segment. */
    static byte[] ip(int src, int dst, byte[] seg) {
        byte[] p = new byte[20 + seg.length];
        p[0] = 0x45;
        Bytes.put16(p, 2, p.length);
        p[8] = 64;
        p[9] = 6;
        Bytes.put32(p, 12, src);
        Bytes.put32(p, 16, dst);
        Bytes.put16(p, 10, Bytes.checksum(p, 0, 20));
        System.arraycopy(seg, 0, p, 20, seg.length);
        return p;
    }

    /** A SYN with an MSS option and a valid checksum. */
    static byte[] syn(int src, int dst, int sport, int dport, int seq) {
        byte[] s = new byte[24];
        Bytes.put16(s, 0, sport);
        Bytes.put16(s, 2, dport);
        Bytes.put32(s, 4, seq);
        s[12] = (byte) (6 << 4);
        s[13] = 0x02;
        Bytes.put16(s, 14, 65535);
        s[20] = 2;
        s[21] = 4;
        Bytes.put16(s, 22, 1460);
        Bytes.put16(s, 16, Tcp.checksumOf(src, dst, s));
        return ip(src, dst, s);
    }

    /**
     * A hostile segment to {@code port}: random flags, sequence numbers, data offsets (some beyond the segment),
     * option bytes (bogus kinds and lengths, zero lengths), lengths cut short; most with a correct checksum so they
     * get past it, some without.
     */
    static byte[] randomSegment(SplittableRandom r, int src, int dst, int port) {
        int len = r.nextInt(0, 80);
        byte[] s = new byte[len];
        r.nextBytes(s);
        if (len >= 4) {
            Bytes.put16(s, 0, 1024 + r.nextInt(1000));
            Bytes.put16(s, 2, r.nextInt(4) == 0 ? r.nextInt(65536) : port);
        }
        if (len >= 14 && r.nextBoolean()) {
            s[12] = (byte) ((r.nextInt(5, 16)) << 4);
        }
        if (len >= 18 && r.nextInt(10) != 0) {
            Bytes.put16(s, 16, 0);
            Bytes.put16(s, 16, Tcp.checksumOf(src, dst, s));
        }
        return ip(src, dst, s);
    }
}
