package org.anykernel.drivers.net.inet;

/**
 * Big-endian field access and the Internet checksum (RFC 1071) over byte arrays. Callers check bounds before they
 * read: these helpers index the array directly.
 */
public final class Bytes {
    private Bytes() {
    }

    static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    public static int u16(byte[] b, int i) {
        return (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF);
    }

    public static int i32(byte[] b, int i) {
        return (b[i] & 0xFF) << 24 | (b[i + 1] & 0xFF) << 16 | (b[i + 2] & 0xFF) << 8 | (b[i + 3] & 0xFF);
    }

    public static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    public static void put32(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }

    /** The Internet checksum of {@code b[off..off+len)}. */
    static int checksum(byte[] b, int off, int len) {
        return Checksum.fold(Checksum.sum(b, off, len, 0));
    }

    /** The sum of the IPv4 pseudo-header of a transport segment (RFC 768, RFC 9293). */
    public static long pseudo(int src, int dst, int protocol, int len) {
        return (src >>> 16) + (src & 0xFFFF) + (dst >>> 16) + (dst & 0xFFFF) + protocol + len;
    }

    /** {@code 02:00:00:00:00:01}. */
    static String mac(byte[] m) {
        if (m == null) {
            return "(incomplete)";
        }
        StringBuilder s = new StringBuilder(17);
        for (int i = 0; i < m.length; i++) {
            if (i > 0) {
                s.append(':');
            }
            s.append(Character.forDigit((m[i] >> 4) & 0xF, 16)).append(Character.forDigit(m[i] & 0xF, 16));
        }
        return s.toString();
    }

    /** Whether {@code b[off..off+6)} equals {@code mac}. */
    static boolean macEquals(byte[] b, int off, byte[] mac) {
        if (mac == null || mac.length != 6) {
            return false;
        }
        for (int i = 0; i < 6; i++) {
            if (b[off + i] != mac[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code b[off..off+6)} is {@code ff:ff:ff:ff:ff:ff}. */
    static boolean isBroadcastMac(byte[] b, int off) {
        for (int i = 0; i < 6; i++) {
            if (b[off + i] != (byte) 0xFF) {
                return false;
            }
        }
        return true;
    }
}
