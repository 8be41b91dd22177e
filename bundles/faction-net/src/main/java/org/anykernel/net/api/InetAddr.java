package org.anykernel.net.api;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;

/**
 * IPv4 addresses as {@code int}s (network order: {@code 10.0.0.1} is {@code 0x0A000001}) and socket addresses as the
 * 16 bytes of a Linux {@code struct sockaddr_in}: family (little-endian u16), port (big-endian u16), address
 * (big-endian), eight zero bytes.
 *
 * @param address the IPv4 address
 * @param port    the port, 0..65535
 */
public record InetAddr(int address, int port) {
    /** Length of a {@code sockaddr_in}. */
    public static final int SOCKADDR_LEN = 16;
    /** {@code 0.0.0.0}. */
    public static final int ANY = 0;
    /** {@code 127.0.0.1}. */
    public static final int LOOPBACK = 0x7F000001;
    /** {@code 255.255.255.255}. */
    public static final int BROADCAST = 0xFFFFFFFF;

    public InetAddr {
        if (port < 0 || port > 0xFFFF) {
            throw new KernelException(Errno.EINVAL, "socket address", "port " + port + " out of range");
        }
    }

    /** {@code a.b.c.d:port}. */
    public static InetAddr of(String address, int port) {
        return new InetAddr(parse(address), port);
    }

    /** The address {@code a.b.c.d}; {@code EINVAL} naming the text otherwise. */
    public static int parse(String s) {
        String[] parts = s.trim().split("\\.", -1);
        if (parts.length != 4) {
            throw new KernelException(Errno.EINVAL, "address '" + s + "'", "not an IPv4 address (a.b.c.d)");
        }
        int a = 0;
        for (String p : parts) {
            int v;
            try {
                v = p.isEmpty() || p.length() > 3 ? -1 : Integer.parseInt(p);
            } catch (NumberFormatException e) {
                v = -1;
            }
            if (v < 0 || v > 255) {
                throw new KernelException(Errno.EINVAL, "address '" + s + "'", "not an IPv4 address (a.b.c.d)");
            }
            a = a << 8 | v;
        }
        return a;
    }

    /** {@code a.b.c.d}. */
    public static String format(int a) {
        return (a >>> 24) + "." + (a >>> 16 & 0xFF) + "." + (a >>> 8 & 0xFF) + "." + (a & 0xFF);
    }

    /** The netmask of a prefix length ({@code 24} gives {@code 255.255.255.0}). */
    public static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    /** This address as a {@code sockaddr_in}. */
    public byte[] toSockaddr() {
        byte[] b = new byte[SOCKADDR_LEN];
        b[0] = Net.AF_INET;
        b[2] = (byte) (port >>> 8);
        b[3] = (byte) port;
        b[4] = (byte) (address >>> 24);
        b[5] = (byte) (address >>> 16);
        b[6] = (byte) (address >>> 8);
        b[7] = (byte) address;
        return b;
    }

    /**
     * Reads a {@code sockaddr_in}.
     *
     * @throws KernelException {@code EINVAL} when it is shorter than 16 bytes, {@code EAFNOSUPPORT} for a family
     *                         other than {@code AF_INET}
     */
    public static InetAddr fromSockaddr(byte[] b) {
        if (b == null || b.length < SOCKADDR_LEN) {
            throw new KernelException(Errno.EINVAL, "socket address",
                    "needs " + SOCKADDR_LEN + " bytes, got " + (b == null ? 0 : b.length));
        }
        int family = (b[0] & 0xFF) | (b[1] & 0xFF) << 8;
        if (family != Net.AF_INET) {
            throw new KernelException(Errno.EAFNOSUPPORT, "socket address", "family " + family + " is not AF_INET");
        }
        int port = (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
        int a = (b[4] & 0xFF) << 24 | (b[5] & 0xFF) << 16 | (b[6] & 0xFF) << 8 | (b[7] & 0xFF);
        return new InetAddr(a, port);
    }

    @Override
    public String toString() {
        return format(address) + ":" + port;
    }
}
