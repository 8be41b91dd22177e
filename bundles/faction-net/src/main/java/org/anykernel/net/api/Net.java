package org.anykernel.net.api;

/**
 * Constants of the socket interface, as Linux x86_64 numbers them, for clients and drivers of the network faction.
 * Addresses travel as {@code struct sockaddr_in} bytes (see {@link InetAddr}).
 */
public final class Net {
    private Net() {
    }

    /** Address families. */
    public static final int AF_UNSPEC = 0, AF_INET = 2;

    /** Socket types, and flags that may be or'ed into the type. */
    public static final int SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_NONBLOCK = 04000;

    /** Protocols. */
    public static final int IPPROTO_IP = 0, IPPROTO_ICMP = 1, IPPROTO_TCP = 6, IPPROTO_UDP = 17;

    /** Option levels and names. */
    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4, SO_BROADCAST = 6, SO_SNDBUF = 7,
            SO_RCVBUF = 8, SO_KEEPALIVE = 9, SO_LINGER = 13, SO_RCVTIMEO = 20, SO_SNDTIMEO = 21,
            SO_ACCEPTCONN = 30, SO_BUSY_POLL = 46;
    public static final int TCP_NODELAY = 1, TCP_MAXSEG = 2, TCP_KEEPIDLE = 4, TCP_KEEPINTVL = 5, TCP_KEEPCNT = 6;
    public static final int IP_TTL = 2;

    /** Flags of send and receive. */
    public static final int MSG_OOB = 1, MSG_PEEK = 2, MSG_DONTWAIT = 0x40, MSG_WAITALL = 0x100,
            MSG_NOSIGNAL = 0x4000;

    /** How of shutdown. */
    public static final int SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;

    /** Poll events. */
    public static final int POLLIN = 1, POLLPRI = 2, POLLOUT = 4, POLLERR = 8, POLLHUP = 0x10, POLLNVAL = 0x20,
            POLLRDHUP = 0x2000;

    /** Ports below this need root to bind. */
    public static final int IPPORT_RESERVED = 1024;
}
