package org.anykernel.net.internal;

import static org.anykernel.base.spi.ArgKind.BUFFER;
import static org.anykernel.base.spi.ArgKind.INT;
import static org.anykernel.base.spi.ArgKind.STRING;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Sys;
import org.anykernel.base.spi.KernelProcess;
import org.anykernel.base.spi.OpenFile;
import org.anykernel.base.spi.Syscall;
import org.anykernel.base.spi.SyscallTable;
import org.anykernel.net.api.InetAddr;
import org.anykernel.net.api.Net;
import org.anykernel.net.spi.NetResult;
import org.anykernel.net.spi.Protocol;

/**
 * The socket syscalls, registered into the kernel's syscall table by its network stack, with Linux x86_64 numbers;
 * and {@code netctl}, the network configuration as text. Addresses are {@code sockaddr_in} bytes; each handler checks
 * its arguments (a descriptor that is no socket is {@code ENOTSOCK}) before the socket sees them.
 */
final class NetSyscalls {
    private NetSyscalls() {
    }

    /** Registers them all; closing the handle unregisters them. */
    static AutoCloseable register(NetStack stack) {
        SyscallTable t = stack.kernel().syscalls();
        List<AutoCloseable> regs = new ArrayList<>();
        regs.add(t.register(Syscall.of(Sys.SOCKET, "socket", INT, INT, INT),
                (p, a) -> socket(stack, p, (Integer) a[0], (Integer) a[1], (Integer) a[2])));
        regs.add(t.register(Syscall.of(Sys.BIND, "bind", INT, BUFFER), (p, a) -> {
            sock(p, (Integer) a[0], "bind").bind(addr("bind", (byte[]) a[1]));
            return 0;
        }));
        regs.add(t.register(Syscall.of(Sys.LISTEN, "listen", INT, INT), (p, a) -> {
            sock(p, (Integer) a[0], "listen").listen(Math.max(0, Math.min((Integer) a[1], 4096)));
            return 0;
        }));
        regs.add(t.register(Syscall.of(Sys.CONNECT, "connect", INT, BUFFER), (p, a) -> {
            sock(p, (Integer) a[0], "connect").connect(addr("connect", (byte[]) a[1]));
            return 0;
        }));
        regs.add(t.register(Syscall.of(Sys.ACCEPT, "accept", INT, BUFFER),
                (p, a) -> accept(p, (Integer) a[0], (byte[]) a[1], 0)));
        regs.add(t.register(Syscall.of(Sys.ACCEPT4, "accept4", INT, BUFFER, INT),
                (p, a) -> accept(p, (Integer) a[0], (byte[]) a[1], (Integer) a[2])));
        regs.add(t.register(Syscall.of(Sys.SENDTO, "sendto", INT, BUFFER, INT, INT, INT, BUFFER), (p, a) -> {
            SocketFile s = sock(p, (Integer) a[0], "sendto");
            byte[] buf = (byte[]) a[1];
            if (buf == null) {
                throw new KernelException(Errno.EFAULT, "sendto " + s.name(), "null buffer");
            }
            SyscallTable.checkRange("sendto", s.name(), buf, (Integer) a[2], (Integer) a[3]);
            byte[] to = a[5] == null || ((byte[]) a[5]).length == 0 ? null : addr("sendto", (byte[]) a[5]);
            return s.send(buf, (Integer) a[2], (Integer) a[3], (Integer) a[4], to);
        }));
        regs.add(t.register(Syscall.of(Sys.RECVFROM, "recvfrom", INT, BUFFER, INT, INT, INT, BUFFER), (p, a) -> {
            SocketFile s = sock(p, (Integer) a[0], "recvfrom");
            byte[] buf = (byte[]) a[1];
            if (buf == null) {
                throw new KernelException(Errno.EFAULT, "recvfrom " + s.name(), "null buffer");
            }
            SyscallTable.checkRange("recvfrom", s.name(), buf, (Integer) a[2], (Integer) a[3]);
            byte[] from = (byte[]) a[5];
            return s.recv(buf, (Integer) a[2], (Integer) a[3], (Integer) a[4], from == null || from.length == 0 ? null : from);
        }));
        regs.add(t.register(Syscall.of(Sys.SHUTDOWN, "shutdown", INT, INT), (p, a) -> {
            int how = (Integer) a[1];
            if (how < Net.SHUT_RD || how > Net.SHUT_RDWR) {
                throw new KernelException(Errno.EINVAL, "shutdown", "how " + how + " is not SHUT_RD, SHUT_WR or SHUT_RDWR");
            }
            sock(p, (Integer) a[0], "shutdown").shutdown(how);
            return 0;
        }));
        regs.add(t.register(Syscall.of(Sys.GETSOCKNAME, "getsockname", INT, BUFFER),
                (p, a) -> copyAddr(sock(p, (Integer) a[0], "getsockname").address(false), (byte[]) a[1])));
        regs.add(t.register(Syscall.of(Sys.GETPEERNAME, "getpeername", INT, BUFFER),
                (p, a) -> copyAddr(sock(p, (Integer) a[0], "getpeername").address(true), (byte[]) a[1])));
        regs.add(t.register(Syscall.of(Sys.SETSOCKOPT, "setsockopt", INT, INT, INT, BUFFER), (p, a) -> {
            sock(p, (Integer) a[0], "setsockopt").setsockopt((Integer) a[1], (Integer) a[2], (byte[]) a[3]);
            return 0;
        }));
        regs.add(t.register(Syscall.of(Sys.GETSOCKOPT, "getsockopt", INT, INT, INT, BUFFER),
                (p, a) -> sock(p, (Integer) a[0], "getsockopt").getsockopt((Integer) a[1], (Integer) a[2],
                        (byte[]) a[3])));
        regs.add(t.register(Syscall.of(Sys.NETCTL, "netctl", STRING, BUFFER), (p, a) -> {
            if (p.credentials().uid() != 0) {
                String cmd = ((String) a[0]).trim();
                if (!NetControl.readOnly(cmd)) {
                    throw new KernelException(Errno.EPERM, "netctl " + cmd, "changing the network needs root");
                }
            }
            byte[] text = NetControl.run(stack, (String) a[0]).getBytes(StandardCharsets.UTF_8);
            byte[] out = (byte[]) a[1];
            if (out != null) {
                System.arraycopy(text, 0, out, 0, Math.min(out.length, text.length));
            }
            return text.length;
        }));
        return () -> {
            for (AutoCloseable c : regs) {
                c.close();
            }
        };
    }

    private static long socket(NetStack stack, KernelProcess p, int domain, int typeAndFlags, int protocol) {
        int type = typeAndFlags & ~Net.SOCK_NONBLOCK;
        if (type != Net.SOCK_STREAM && type != Net.SOCK_DGRAM) {
            throw new KernelException(Errno.ESOCKTNOSUPPORT, "socket", "type " + type + " (have SOCK_STREAM, SOCK_DGRAM)");
        }
        Protocol proto = stack.protocol(domain);
        NetResult r = stack.call(proto, q -> q.socket(type, protocol, p.credentials().uid()));
        if (r.failed()) {
            Errno e = Errno.ofNumber(r.errno());
            throw new KernelException(e == null ? Errno.EIO : e, "socket",
                    "domain " + domain + " type " + type + " protocol " + protocol);
        }
        SocketFile s = new SocketFile(stack, proto, r.value(), type, (typeAndFlags & Net.SOCK_NONBLOCK) != 0);
        stack.register(s);
        return p.fds().install(s);
    }

    private static long accept(KernelProcess p, int fd, byte[] peer, int flags) {
        if ((flags & ~Sys.O_NONBLOCK) != 0) {
            throw new KernelException(Errno.EINVAL, "accept4", "flags " + flags + " (only SOCK_NONBLOCK)");
        }
        SocketFile s = sock(p, fd, "accept").accept(peer == null || peer.length == 0 ? null : peer,
                (flags & Sys.O_NONBLOCK) != 0);
        return p.fds().install(s);
    }

    /** The socket behind {@code fd}: {@code EBADF} for no descriptor, {@code ENOTSOCK} for another file. */
    static SocketFile sock(KernelProcess p, int fd, String op) {
        OpenFile f = p.fds().get(fd);
        if (f instanceof SocketFile s) {
            return s;
        }
        throw new KernelException(Errno.ENOTSOCK, op + " " + f.name(), "descriptor " + fd + " is not a socket");
    }

    private static byte[] addr(String op, byte[] a) {
        InetAddr.fromSockaddr(a); // checks length and family, naming them
        return a.length == InetAddr.SOCKADDR_LEN ? a : java.util.Arrays.copyOf(a, InetAddr.SOCKADDR_LEN);
    }

    private static long copyAddr(byte[] addr, byte[] out) {
        if (out == null) {
            throw new KernelException(Errno.EFAULT, "socket address", "null buffer");
        }
        if (addr != null) {
            System.arraycopy(addr, 0, out, 0, Math.min(out.length, addr.length));
        }
        return addr == null ? 0 : addr.length;
    }

    static int intAt(byte[] b, int o) {
        return (b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8 | (b[o + 2] & 0xFF) << 16 | b[o + 3] << 24;
    }

    static long longAt(byte[] b, int o) {
        return (intAt(b, o) & 0xFFFFFFFFL) | (long) intAt(b, o + 4) << 32;
    }

    static int putInt(byte[] out, int v) {
        if (out == null || out.length < 4) {
            throw new KernelException(Errno.EINVAL, "getsockopt", "needs a 4-byte buffer");
        }
        putIntAt(out, 0, v);
        return 4;
    }

    static void putIntAt(byte[] out, int o, int v) {
        out[o] = (byte) v;
        out[o + 1] = (byte) (v >>> 8);
        out[o + 2] = (byte) (v >>> 16);
        out[o + 3] = (byte) (v >>> 24);
    }

    static void putLong(byte[] out, int o, long v) {
        putIntAt(out, o, (int) v);
        putIntAt(out, o + 4, (int) (v >>> 32));
    }
}
