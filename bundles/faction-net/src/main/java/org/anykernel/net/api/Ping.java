package org.anykernel.net.api;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Posix;

/**
 * {@code ping} over a kernel's sockets: ICMP echo requests through an ICMP datagram socket ({@code socket(AF_INET,
 * SOCK_DGRAM, IPPROTO_ICMP)}, as Linux's unprivileged ping does; the kernel sets the identifier and checksum), one
 * line per reply and a summary.
 */
public final class Ping {
    private Ping() {
    }

    /**
     * What a run gave.
     *
     * @param transmitted requests sent
     * @param received    replies received
     * @param rttNanos    round trips of the replies, in order
     */
    public record Result(int transmitted, int received, List<Long> rttNanos) {
        /** {@code 3 packets transmitted, 3 received, 0% packet loss} and the round trips' min/avg/max. */
        public String summary() {
            int loss = transmitted == 0 ? 0 : (transmitted - received) * 100 / transmitted;
            StringBuilder sb = new StringBuilder(transmitted + " packets transmitted, " + received + " received, "
                    + loss + "% packet loss");
            if (!rttNanos.isEmpty()) {
                long min = Long.MAX_VALUE;
                long max = 0;
                long sum = 0;
                for (long r : rttNanos) {
                    min = Math.min(min, r);
                    max = Math.max(max, r);
                    sum += r;
                }
                sb.append(String.format("%nrtt min/avg/max = %.3f/%.3f/%.3f ms", min / 1e6, sum / 1e6 / rttNanos.size(),
                        max / 1e6));
            }
            return sb.toString();
        }
    }

    /**
     * Pings {@code host} {@code count} times, {@code intervalMs} apart, waiting up to {@code timeoutMs} for each
     * reply; {@code out} gets one line per reply.
     */
    public static Result run(Posix px, String host, int count, int intervalMs, int timeoutMs, Consumer<String> out) {
        int dst = InetAddr.parse(host);
        if (count < 1) {
            throw new KernelException(Errno.EINVAL, "ping", "count " + count + " (at least 1)");
        }
        int fd = px.socket(Net.AF_INET, Net.SOCK_DGRAM, Net.IPPROTO_ICMP);
        try {
            byte[] tv = new byte[16];
            long us = timeoutMs * 1000L;
            putLong(tv, 0, us / 1_000_000);
            putLong(tv, 8, us % 1_000_000);
            px.syscall(org.anykernel.base.api.Sys.SETSOCKOPT, fd, Net.SOL_SOCKET, Net.SO_RCVTIMEO, tv);
            byte[] to = new InetAddr(dst, 0).toSockaddr();
            byte[] from = new byte[InetAddr.SOCKADDR_LEN];
            byte[] buf = new byte[2048];
            List<Long> rtts = new ArrayList<>();
            int sent = 0;
            for (int seq = 1; seq <= count; seq++) {
                byte[] req = new byte[64];
                req[0] = 8; // echo request
                req[6] = (byte) (seq >>> 8);
                req[7] = (byte) seq;
                for (int i = 8; i < req.length; i++) {
                    req[i] = (byte) i;
                }
                long t0 = System.nanoTime();
                px.sendto(fd, req, 0, req.length, 0, to);
                sent++;
                long deadline = t0 + timeoutMs * 1_000_000L;
                while (System.nanoTime() < deadline) {
                    int n;
                    try {
                        n = px.recvfrom(fd, buf, 0, buf.length, 0, from);
                    } catch (KernelException e) {
                        if (e.errno() == Errno.EAGAIN) {
                            break; // no reply within the timeout
                        }
                        throw e;
                    }
                    long rtt = System.nanoTime() - t0;
                    int rseq = n >= 8 ? (buf[6] & 0xFF) << 8 | (buf[7] & 0xFF) : -1;
                    if (n >= 8 && buf[0] == 0 && rseq == seq) {
                        rtts.add(rtt);
                        out.accept(String.format("%d bytes from %s: icmp_seq=%d time=%.3f ms", n,
                                InetAddr.format(InetAddr.fromSockaddr(from).address()), seq, rtt / 1e6));
                        break;
                    }
                }
                if (seq < count && intervalMs > 0) {
                    long wait = t0 + intervalMs * 1_000_000L - System.nanoTime();
                    if (wait > 0) {
                        try {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new KernelException(Errno.EINTR, "ping", "interrupted");
                        }
                    }
                }
            }
            return new Result(sent, rtts.size(), List.copyOf(rtts));
        } finally {
            px.close(fd);
        }
    }

    private static void putLong(byte[] b, int o, long v) {
        for (int i = 0; i < 8; i++) {
            b[o + i] = (byte) (v >>> (8 * i));
        }
    }
}
