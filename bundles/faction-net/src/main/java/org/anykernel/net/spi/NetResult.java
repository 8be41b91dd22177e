package org.anykernel.net.spi;

import java.util.List;

/**
 * What a call into a protocol driver produced, besides its value: the frames to put on interfaces and the sockets
 * whose state changed. Since a driver never calls the faction back (it may run in another domain), everything it has
 * to send, and every waiter it has to wake, comes back here; the faction transmits the frames (in order) and wakes
 * the waiters of the sockets named.
 *
 * @param value  the call's result (a count, a handle, an event mask); meaningless when {@code errno != 0}
 * @param errno  0, or the error number of a failed call ({@code EAGAIN} for "would block")
 * @param data   bytes a receive returned (null otherwise)
 * @param addr   a socket address a receive or accept returned ({@code sockaddr_in}; null otherwise)
 * @param out    frames to transmit
 * @param ready  handles of the sockets whose readiness changed
 */
public record NetResult(long value, int errno, byte[] data, byte[] addr, List<Frame> out, List<Long> ready) {
    /** Nothing produced, value 0. */
    public static final NetResult NONE = new NetResult(0, 0, null, null, List.of(), List.of());

    /**
     * A frame for an interface: an Ethernet frame for an Ethernet interface, an IP packet for the loopback.
     *
     * @param ifindex the interface
     * @param bytes   the frame
     */
    public record Frame(int ifindex, byte[] bytes) {
    }

    /** Whether the call failed. */
    public boolean failed() {
        return errno != 0;
    }
}
