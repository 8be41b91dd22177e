package org.anykernel.net.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.LongConsumer;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Posix;

/**
 * An HTTP/1.1 GET over a kernel's sockets ({@code net:get}): the body goes to a sink as it arrives, and comes back
 * counted and hashed. Hosts are IPv4 addresses (the kernel has no resolver); bodies by {@code Content-Length},
 * chunked, or to the end of the connection.
 */
public final class HttpGet {
    private HttpGet() {
    }

    /** Where the body goes, chunk by chunk. */
    public interface Sink {
        void write(byte[] b, int off, int len);
    }

    /**
     * What came back.
     *
     * @param status the status code
     * @param bytes  the body's length
     * @param sha256 the body's SHA-256, hex
     */
    public record Response(int status, long bytes, String sha256) {
    }

    /**
     * Fetches {@code url} ({@code http://A.B.C.D[:PORT]/PATH}), giving the body to {@code sink} and the bytes so far
     * to {@code progress}.
     *
     * @throws KernelException {@code EINVAL} for a URL it cannot fetch, {@code EPROTO} for a malformed response,
     *                         or what the sockets report
     */
    public static Response fetch(Posix px, String url, Sink sink, LongConsumer progress) {
        if (!url.startsWith("http://")) {
            throw new KernelException(Errno.EINVAL, "get " + url, "only http:// URLs");
        }
        String rest = url.substring(7);
        int slash = rest.indexOf('/');
        String hostPort = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "/" : rest.substring(slash);
        int colon = hostPort.indexOf(':');
        String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
        int port;
        try {
            port = colon < 0 ? 80 : Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new KernelException(Errno.EINVAL, "get " + url, "bad port");
        }
        InetAddr dst = new InetAddr(InetAddr.parse(host), port);
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        int fd = px.socket(Net.AF_INET, Net.SOCK_STREAM, 0);
        try {
            px.connect(fd, dst.toSockaddr());
            byte[] req = ("GET " + path + " HTTP/1.1\r\nHost: " + hostPort + "\r\nConnection: close\r\n"
                    + "User-Agent: anykernel\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int off = 0; off < req.length; ) {
                off += px.send(fd, req, off, req.length - off, 0);
            }
            Reader in = new Reader(px, fd);
            String status = in.line();
            String[] sp = status.split(" ", 3);
            if (sp.length < 2 || !sp[0].startsWith("HTTP/1.")) {
                throw new KernelException(Errno.EPROTO, "get " + url, "not an HTTP response: '" + status + "'");
            }
            int code;
            try {
                code = Integer.parseInt(sp[1]);
            } catch (NumberFormatException e) {
                throw new KernelException(Errno.EPROTO, "get " + url, "bad status line '" + status + "'");
            }
            long length = -1;
            boolean chunked = false;
            for (String h; !(h = in.line()).isEmpty(); ) {
                int c = h.indexOf(':');
                if (c < 0) {
                    continue;
                }
                String name = h.substring(0, c).trim().toLowerCase();
                String value = h.substring(c + 1).trim();
                if (name.equals("content-length")) {
                    try {
                        length = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new KernelException(Errno.EPROTO, "get " + url, "bad Content-Length '" + value + "'");
                    }
                } else if (name.equals("transfer-encoding") && value.equalsIgnoreCase("chunked")) {
                    chunked = true;
                }
            }
            long[] total = {0};
            Sink counted = (b, off, len) -> {
                sha.update(b, off, len);
                sink.write(b, off, len);
                total[0] += len;
                progress.accept(total[0]);
            };
            if (chunked) {
                while (true) {
                    String sizeLine = in.line();
                    int semi = sizeLine.indexOf(';');
                    long size;
                    try {
                        size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                    } catch (NumberFormatException e) {
                        throw new KernelException(Errno.EPROTO, "get " + url, "bad chunk size '" + sizeLine + "'");
                    }
                    if (size == 0) {
                        break;
                    }
                    in.copy(size, counted, url);
                    in.line();
                }
            } else if (length >= 0) {
                in.copy(length, counted, url);
            } else {
                in.copy(Long.MAX_VALUE, counted, url);
            }
            return new Response(code, total[0], HexFormat.of().formatHex(sha.digest()));
        } finally {
            px.close(fd);
        }
    }

    /** Buffered reading from a socket. */
    private static final class Reader {
        private final Posix px;
        private final int fd;
        private final byte[] buf = new byte[65536];
        private int pos;
        private int end;
        private boolean eof;

        Reader(Posix px, int fd) {
            this.px = px;
            this.fd = fd;
        }

        private boolean fill() {
            if (eof) {
                return false;
            }
            pos = 0;
            end = px.recv(fd, buf, 0, buf.length, 0);
            if (end <= 0) {
                end = 0;
                eof = true;
                return false;
            }
            return true;
        }

        String line() {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                if (pos == end && !fill()) {
                    throw new KernelException(Errno.EPROTO, "http response", "connection closed in the header");
                }
                byte c = buf[pos++];
                if (c == '\n') {
                    break;
                }
                if (b.size() > 16384) {
                    throw new KernelException(Errno.EPROTO, "http response", "header line longer than 16 KiB");
                }
                b.write(c);
            }
            String s = b.toString(StandardCharsets.ISO_8859_1);
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }

        void copy(long n, Sink sink, String url) {
            long left = n;
            while (left > 0) {
                if (pos == end && !fill()) {
                    if (n != Long.MAX_VALUE) {
                        throw new KernelException(Errno.EPROTO, "get " + url, "connection closed "
                                + left + " bytes before the end of the body");
                    }
                    return;
                }
                int k = (int) Math.min(left, end - pos);
                sink.write(buf, pos, k);
                pos += k;
                left -= k;
            }
        }
    }
}
