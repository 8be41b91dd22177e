package org.anykernel.drivers.net.inet;

import org.anykernel.net.api.InetAddr;

/**
 * A socket of one {@link Transport}. Every operation returns at once; one that would block throws
 * {@link org.anykernel.base.api.KernelException} with {@code EAGAIN} (or {@code EINPROGRESS} for a connect that has
 * started), and the socket's handle goes to {@link IpLayer#ready} when that may have changed. Errors are
 * {@code KernelException}s with the errno POSIX gives.
 */
public interface TransportSocket {
    /** What a receive got. */
    record Received(byte[] data, InetAddr from) {
    }

    /** Its handle. */
    long handle();

    void bind(InetAddr local);

    void connect(InetAddr remote);

    void listen(int backlog);

    /** A connection taken off the listen queue ({@code EAGAIN} when there is none); its handle is its own. */
    TransportSocket accept();

    /** Sends; returns the bytes taken ({@code to}: the destination of an unconnected datagram, else null). */
    int send(byte[] data, int off, int len, int flags, InetAddr to);

    /** Receives up to {@code max} bytes; empty data at end of stream. */
    Received recv(int max, int flags);

    void shutdown(int how);

    /** Closes: a stream socket goes on delivering what it holds (and closes) in the background. */
    void close();

    void setOption(int level, int name, long value);

    long option(int level, int name);

    /** The local address (0.0.0.0:0 before a bind). */
    InetAddr local();

    /** The peer ({@code ENOTCONN} when there is none). */
    InetAddr peer();

    /** The {@code POLL*} events it has now. */
    int poll();
}
