package org.anykernel.apps.httpd;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Stat;
import org.anykernel.base.api.Sys;
import org.anykernel.net.api.InetAddr;
import org.anykernel.net.api.Net;

/**
 * An HTTP/1.1 server on a kernel's sockets, like thttpd on a rump kernel: it serves the files below a directory of
 * the kernel's VFS ({@code GET} and {@code HEAD}, keep-alive, one thread per connection up to a bound), and answers
 * {@code GET /bytes/N} with N bytes where byte i is {@code i % 251}, for tests without a file system. Runs on any
 * {@link Posix}: the global kernel's, a library kernel's, a standalone one's.
 */
public final class HttpServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HttpServer.class.getName());
    /** Connections served at once; more wait in the listen queue. */
    static final int MAX_CONNECTIONS = 64;
    /** A keep-alive connection idle this long is closed, seconds. */
    static final int IDLE_SECONDS = 15;
    /** Largest {@code /bytes/N}. */
    static final long MAX_BYTES = 1L << 32;
    private static final int MAX_HEADER = 16384;

    private final Supplier<Posix> posix;
    private final String root;
    private final int port;
    private final Posix px;
    private final int listener;
    private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
    private final AtomicLong requests = new AtomicLong();
    private volatile boolean closed;
    private final Thread acceptor;

    /**
     * Starts serving {@code root} on {@code port} of all the kernel's addresses.
     *
     * @param posix a process's system calls; called once for the listener and once per connection thread
     * @throws KernelException what {@code bind} or {@code listen} report ({@code EADDRINUSE}...)
     */
    public HttpServer(Supplier<Posix> posix, String root, int port) {
        this.posix = posix;
        this.root = root.endsWith("/") && root.length() > 1 ? root.substring(0, root.length() - 1) : root;
        this.px = posix.get();
        int fd = px.socket(Net.AF_INET, Net.SOCK_STREAM, 0);
        try {
            px.setsockopt(fd, Net.SOL_SOCKET, Net.SO_REUSEADDR, 1);
            px.bind(fd, new InetAddr(0, port).toSockaddr());
            px.listen(fd, 128);
        } catch (KernelException e) {
            px.close(fd);
            throw e;
        }
        this.listener = fd;
        this.port = port;
        acceptor = Thread.ofPlatform().daemon().name("httpd-accept-" + port).start(this::acceptLoop);
    }

    /** The port it listens on. */
    public int port() {
        return port;
    }

    /** Requests answered so far. */
    public long requests() {
        return requests.get();
    }

    private void acceptLoop() {
        while (!closed) {
            int c;
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                return;
            }
            try {
                c = px.accept(listener, null);
            } catch (KernelException e) {
                slots.release();
                if (closed) {
                    return;
                }
                LOG.log(System.Logger.Level.WARNING, "httpd: accept: " + e.getMessage());
                sleep(100);
                continue;
            }
            int conn = c;
            Thread.ofVirtual().name("httpd-" + conn).start(() -> {
                try {
                    serve(conn);
                } catch (KernelException e) {
                    LOG.log(System.Logger.Level.DEBUG, "httpd: connection: " + e.getMessage());
                } finally {
                    px.close(conn);
                    slots.release();
                }
            });
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One connection: requests until the client closes, asks to close, or idles. */
    private void serve(int fd) {
        byte[] tv = new byte[16];
        tv[0] = IDLE_SECONDS;
        px.syscall(Sys.SETSOCKOPT, fd, Net.SOL_SOCKET, Net.SO_RCVTIMEO, tv);
        px.setsockopt(fd, Net.IPPROTO_TCP, Net.TCP_NODELAY, 1);
        In in = new In(px, fd);
        while (!closed) {
            String requestLine;
            try {
                requestLine = in.line();
            } catch (KernelException e) {
                if (e.errno() == Errno.EAGAIN) {
                    return; // idle: close the connection
                }
                throw e;
            }
            if (requestLine == null) {
                return;
            }
            if (requestLine.isEmpty()) {
                continue;
            }
            boolean keepAlive = true;
            String[] parts = requestLine.split(" ");
            int headerBytes = requestLine.length();
            boolean http10 = parts.length == 3 && parts[2].equals("HTTP/1.0");
            if (http10) {
                keepAlive = false;
            }
            for (String h; (h = in.line()) != null && !h.isEmpty(); ) {
                headerBytes += h.length();
                if (headerBytes > MAX_HEADER) {
                    respond(fd, 431, "request header too large", false, false);
                    return;
                }
                String lower = h.toLowerCase(Locale.ROOT);
                if (lower.startsWith("connection:")) {
                    String v = lower.substring(11).trim();
                    keepAlive = v.equals("keep-alive") || (!http10 && !v.equals("close"));
                }
            }
            requests.incrementAndGet();
            if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
                respond(fd, 400, "bad request line", false, false);
                return;
            }
            boolean head = parts[0].equals("HEAD");
            if (!head && !parts[0].equals("GET")) {
                respond(fd, 405, "only GET and HEAD", keepAlive, false);
            } else {
                get(fd, parts[1], head, keepAlive);
            }
            if (!keepAlive) {
                return;
            }
        }
    }

    private void get(int fd, String target, boolean head, boolean keepAlive) {
        String path = target;
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        if (path.startsWith("/bytes/")) {
            long n;
            try {
                n = Long.parseLong(path.substring(7));
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 0 || n > MAX_BYTES) {
                respond(fd, 400, "/bytes/N takes N from 0 to " + MAX_BYTES, keepAlive, head);
                return;
            }
            header(fd, 200, "OK", n, "application/octet-stream", keepAlive);
            if (!head) {
                sendPattern(fd, n);
            }
            return;
        }
        if (!path.startsWith("/") || path.contains("/../") || path.endsWith("/..") || path.contains("\0")) {
            respond(fd, 400, "bad path", keepAlive, head);
            return;
        }
        String file = (root.equals("/") ? "" : root) + path;
        Stat st;
        try {
            st = px.stat(file);
            if (st.isDirectory()) {
                file = file.endsWith("/") ? file + "index.html" : file + "/index.html";
                st = px.stat(file);
            }
        } catch (KernelException e) {
            respond(fd, e.errno() == Errno.EACCES ? 403 : 404, path + ": " + e.errno().description(), keepAlive, head);
            return;
        }
        int in;
        try {
            in = px.open(file, Sys.O_RDONLY);
        } catch (KernelException e) {
            respond(fd, 403, path + ": " + e.errno().description(), keepAlive, head);
            return;
        }
        try {
            header(fd, 200, "OK", st.size(), type(file), keepAlive);
            if (!head) {
                byte[] buf = new byte[65536];
                long left = st.size();
                while (left > 0) {
                    int n = px.read(in, buf, 0, (int) Math.min(buf.length, left));
                    if (n <= 0) {
                        throw new KernelException(Errno.EIO, "httpd " + file, "file shrank while being sent");
                    }
                    sendAll(fd, buf, n);
                    left -= n;
                }
            }
        } finally {
            px.close(in);
        }
    }

    private static String type(String f) {
        if (f.endsWith(".html") || f.endsWith(".htm")) {
            return "text/html; charset=utf-8";
        }
        if (f.endsWith(".txt")) {
            return "text/plain; charset=utf-8";
        }
        return "application/octet-stream";
    }

    private void sendPattern(int fd, long n) {
        // 251 * 261 bytes: a whole number of periods, so every chunk starts at phase 0
        byte[] buf = new byte[251 * 261];
        for (int i = 0; i < buf.length; i++) {
            buf[i] = (byte) (i % 251);
        }
        long left = n;
        while (left > 0) {
            int k = (int) Math.min(buf.length, left);
            sendAll(fd, buf, k);
            left -= k;
        }
    }

    private void header(int fd, int code, String reason, long length, String type, boolean keepAlive) {
        String h = "HTTP/1.1 " + code + " " + reason + "\r\nServer: anykernel-httpd\r\nContent-Length: " + length
                + "\r\nContent-Type: " + type + "\r\nConnection: " + (keepAlive ? "keep-alive" : "close") + "\r\n\r\n";
        byte[] b = h.getBytes(StandardCharsets.US_ASCII);
        sendAll(fd, b, b.length);
    }

    private void respond(int fd, int code, String message, boolean keepAlive, boolean head) {
        String reason = switch (code) {
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 431 -> "Request Header Fields Too Large";
            default -> "Error";
        };
        byte[] body = (code + " " + reason + ": " + message + "\n").getBytes(StandardCharsets.UTF_8);
        header(fd, code, reason, body.length, "text/plain; charset=utf-8", keepAlive);
        if (!head) {
            sendAll(fd, body, body.length);
        }
    }

    private void sendAll(int fd, byte[] b, int len) {
        for (int o = 0; o < len; ) {
            o += px.send(fd, b, o, len - o, Net.MSG_NOSIGNAL);
        }
    }

    @Override
    public void close() {
        closed = true;
        px.close(listener);
        acceptor.interrupt();
    }

    /** Buffered lines from a socket. */
    private static final class In {
        private final Posix px;
        private final int fd;
        private final byte[] buf = new byte[8192];
        private int pos;
        private int end;

        In(Posix px, int fd) {
            this.px = px;
            this.fd = fd;
        }

        /** The next line without its end, or null at the end of the stream. */
        String line() {
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos == end) {
                    pos = 0;
                    end = px.recv(fd, buf, 0, buf.length, 0);
                    if (end <= 0) {
                        end = 0;
                        return sb.isEmpty() ? null : sb.toString();
                    }
                }
                char c = (char) (buf[pos++] & 0xFF);
                if (c == '\n') {
                    int l = sb.length();
                    return l > 0 && sb.charAt(l - 1) == '\r' ? sb.substring(0, l - 1) : sb.toString();
                }
                if (sb.length() > MAX_HEADER) {
                    throw new KernelException(Errno.EMSGSIZE, "httpd", "request line longer than " + MAX_HEADER);
                }
                sb.append(c);
            }
        }
    }
}
