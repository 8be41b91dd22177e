package org.anykernel.base.internal;

import static org.anykernel.base.spi.ArgKind.BUFFER;
import static org.anykernel.base.spi.ArgKind.INT;
import static org.anykernel.base.spi.ArgKind.LONG;
import static org.anykernel.base.spi.ArgKind.STRING;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Stat;
import org.anykernel.base.api.StatFs;
import org.anykernel.base.api.Sys;
import org.anykernel.base.spi.FdTable;
import org.anykernel.base.spi.KernelProcess;
import org.anykernel.base.spi.OpenFile;
import org.anykernel.base.spi.PollHub;
import org.anykernel.base.spi.Syscall;
import org.anykernel.base.spi.SyscallTable;

/**
 * The syscalls the base owns: those on descriptors and processes, which need no knowledge of files or
 * sockets, and {@code open}, which hands a path to the name space that serves it.
 */
final class BaseSyscalls {
    private BaseSyscalls() {
    }

    static void register(KernelInstance k) {
        SyscallTable t = k.syscalls();
        t.register(Syscall.of(Sys.READ, "read", INT, BUFFER, INT, INT),
                (p, a) -> read(p, (Integer) a[0], (byte[]) a[1], (Integer) a[2], (Integer) a[3]));
        t.register(Syscall.of(Sys.WRITE, "write", INT, BUFFER, INT, INT),
                (p, a) -> write(p, (Integer) a[0], (byte[]) a[1], (Integer) a[2], (Integer) a[3]));
        t.register(Syscall.of(Sys.OPEN, "open", STRING, INT, INT), (p, a) -> {
            String path = absolute(p.cwd(), (String) a[0]);
            int flags = (Integer) a[1];
            OpenFile f = k.open(p, path, flags, (Integer) a[2] & ~p.umask());
            return p.fds().install(new AccessCheckedFile(f, flags));
        });
        t.register(Syscall.of(Sys.CLOSE, "close", INT), (p, a) -> {
            p.fds().close((Integer) a[0]);
            return 0;
        });
        t.register(Syscall.of(Sys.IOCTL, "ioctl", INT, LONG, LONG),
                (p, a) -> p.fds().get((Integer) a[0]).ioctl((Long) a[1], (Long) a[2]));
        t.register(Syscall.of(Sys.DUP, "dup", INT), (p, a) -> p.fds().dup((Integer) a[0]));
        t.register(Syscall.of(Sys.DUP2, "dup2", INT, INT), (p, a) -> p.fds().dup2((Integer) a[0], (Integer) a[1]));
        t.register(Syscall.of(Sys.PREAD, "pread64", INT, BUFFER, INT, INT, LONG), (p, a) -> {
            OpenFile f = p.fds().get((Integer) a[0]);
            SyscallTable.checkRange("pread", f.name(), (byte[]) a[1], (Integer) a[2], (Integer) a[3]);
            return f.pread((byte[]) a[1], (Integer) a[2], (Integer) a[3], checkPos("pread", f, (Long) a[4]));
        });
        t.register(Syscall.of(Sys.PWRITE, "pwrite64", INT, BUFFER, INT, INT, LONG), (p, a) -> {
            OpenFile f = p.fds().get((Integer) a[0]);
            SyscallTable.checkRange("pwrite", f.name(), (byte[]) a[1], (Integer) a[2], (Integer) a[3]);
            return f.pwrite((byte[]) a[1], (Integer) a[2], (Integer) a[3], checkPos("pwrite", f, (Long) a[4]));
        });
        t.register(Syscall.of(Sys.LSEEK, "lseek", INT, LONG, INT),
                (p, a) -> p.fds().get((Integer) a[0]).lseek((Long) a[1], (Integer) a[2]));
        t.register(Syscall.of(Sys.FSTAT, "fstat", INT, BUFFER), (p, a) -> {
            OpenFile f = p.fds().get((Integer) a[0]);
            byte[] b = checkStruct("fstat", f.name(), (byte[]) a[1], Stat.SIZE);
            f.fstat().encode(b);
            return 0;
        });
        t.register(Syscall.of(Sys.FSTATFS, "fstatfs", INT, BUFFER), (p, a) -> {
            OpenFile f = p.fds().get((Integer) a[0]);
            byte[] b = checkStruct("fstatfs", f.name(), (byte[]) a[1], StatFs.SIZE);
            f.fstatfs().encode(b);
            return 0;
        });
        t.register(Syscall.of(Sys.FTRUNCATE, "ftruncate", INT, LONG), (p, a) -> {
            OpenFile f = p.fds().get((Integer) a[0]);
            if ((Long) a[1] < 0) {
                throw new KernelException(Errno.EINVAL, "ftruncate " + f.name(), "negative length " + a[1]);
            }
            f.ftruncate((Long) a[1]);
            return 0;
        });
        t.register(Syscall.of(Sys.FSYNC, "fsync", INT), (p, a) -> {
            p.fds().get((Integer) a[0]).fsync(false);
            return 0;
        });
        t.register(Syscall.of(Sys.FDATASYNC, "fdatasync", INT), (p, a) -> {
            p.fds().get((Integer) a[0]).fsync(true);
            return 0;
        });
        t.register(Syscall.of(Sys.GETDENTS64, "getdents64", INT, BUFFER, INT), (p, a) -> {
            OpenFile f = p.fds().get((Integer) a[0]);
            SyscallTable.checkRange("getdents64", f.name(), (byte[]) a[1], 0, (Integer) a[2]);
            return f.getdents((byte[]) a[1], (Integer) a[2]);
        });
        t.register(Syscall.of(Sys.FCHMOD, "fchmod", INT, INT), (p, a) -> {
            p.fds().get((Integer) a[0]).fchmod((Integer) a[1]);
            return 0;
        });
        t.register(Syscall.of(Sys.FCHOWN, "fchown", INT, INT, INT), (p, a) -> {
            p.fds().get((Integer) a[0]).fchown((Integer) a[1], (Integer) a[2]);
            return 0;
        });
        t.register(Syscall.of(Sys.POLL, "poll", BUFFER, INT, INT),
                (p, a) -> poll(p, (byte[]) a[0], (Integer) a[1], (Integer) a[2]));
        t.register(Syscall.of(Sys.FCNTL, "fcntl", INT, INT, LONG), (p, a) -> {
            OpenFile f = p.fds().get((Integer) a[0]);
            int cmd = (Integer) a[1];
            if (cmd == Sys.F_GETFL) {
                return f.statusFlags();
            }
            if (cmd == Sys.F_SETFL) {
                f.setStatusFlags((int) (long) (Long) a[2] & (Sys.O_NONBLOCK | Sys.O_APPEND));
                return 0;
            }
            throw new KernelException(Errno.EINVAL, "fcntl " + f.name(), "command " + cmd + " not supported");
        });
        t.register(Syscall.of(Sys.GETPID, "getpid"), (p, a) -> p.pid());
        t.register(Syscall.of(Sys.UMASK, "umask", INT), (p, a) -> p.setUmask((Integer) a[0]));
        t.register(Syscall.of(Sys.GETUID, "getuid"), (p, a) -> p.credentials().uid());
        t.register(Syscall.of(Sys.GETGID, "getgid"), (p, a) -> p.credentials().gid());
    }

    /** The most descriptors one {@code poll} takes ({@code RLIMIT_NOFILE}). */
    private static final int POLL_MAX = FdTable.MAX;

    /**
     * {@code poll(2)}: the events of each {@code struct pollfd} in {@code fds[0..8*nfds)}, waiting up to
     * {@code timeoutMs} (negative: until one is ready) for one to be ready. Waits in slices of at most a second, so
     * a missed notification costs a delay, never a hang.
     */
    static int poll(KernelProcess p, byte[] fds, int nfds, int timeoutMs) {
        if (nfds < 0 || nfds > POLL_MAX) {
            throw new KernelException(Errno.EINVAL, "poll", nfds + " descriptors (at most " + POLL_MAX + ")");
        }
        if (nfds > 0 && (fds == null || fds.length < 8L * nfds)) {
            throw new KernelException(Errno.EFAULT, "poll",
                    nfds + " pollfds need " + 8L * nfds + " bytes, got " + (fds == null ? 0 : fds.length));
        }
        long deadline = timeoutMs < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutMs * 1_000_000L;
        while (true) {
            long seq = PollHub.sequence();
            int ready = 0;
            for (int i = 0; i < nfds; i++) {
                int o = 8 * i;
                int fd = (fds[o] & 0xFF) | (fds[o + 1] & 0xFF) << 8 | (fds[o + 2] & 0xFF) << 16 | fds[o + 3] << 24;
                int events = (fds[o + 4] & 0xFF) | (fds[o + 5] & 0xFF) << 8;
                int revents;
                if (fd < 0) {
                    revents = 0;
                } else {
                    OpenFile f;
                    try {
                        f = p.fds().get(fd);
                    } catch (KernelException badFd) {
                        f = null;
                    }
                    revents = f == null ? PollHub.POLLNVAL
                            : f.poll(events) & (events | PollHub.POLLERR | PollHub.POLLHUP | PollHub.POLLNVAL);
                }
                fds[o + 6] = (byte) revents;
                fds[o + 7] = (byte) (revents >>> 8);
                if (revents != 0) {
                    ready++;
                }
            }
            long left = deadline - System.nanoTime();
            if (ready > 0 || left <= 0) {
                return ready;
            }
            PollHub.await(seq, Math.min(left, 1_000_000_000L));
        }
    }

    /** {@code read(2)}: what the syscall table runs, and what a local typed client calls directly. */
    static int read(KernelProcess p, int fd, byte[] buf, int off, int len) {
        OpenFile f = p.fds().get(fd);
        if (buf == null) {
            throw new KernelException(Errno.EFAULT, "read " + f.name(), "null buffer");
        }
        SyscallTable.checkRange("read", f.name(), buf, off, len);
        return f.read(buf, off, len);
    }

    /** {@code write(2)}: what the syscall table runs, and what a local typed client calls directly. */
    static int write(KernelProcess p, int fd, byte[] buf, int off, int len) {
        OpenFile f = p.fds().get(fd);
        if (buf == null) {
            throw new KernelException(Errno.EFAULT, "write " + f.name(), "null buffer");
        }
        SyscallTable.checkRange("write", f.name(), buf, off, len);
        return f.write(buf, off, len);
    }

    private static long checkPos(String op, OpenFile f, long pos) {
        if (pos < 0) {
            throw new KernelException(Errno.EINVAL, op + " " + f.name(), "negative offset " + pos);
        }
        return pos;
    }

    /** {@code buf}, checked to hold a structure of {@code size} bytes. */
    static byte[] checkStruct(String op, String name, byte[] buf, int size) {
        if (buf.length < size) {
            throw new KernelException(Errno.EFAULT, op + " " + name, "buffer of " + buf.length + " bytes, needs " + size);
        }
        return buf;
    }

    /** {@code path} made absolute against {@code cwd}; {@code ENAMETOOLONG}, {@code ENOENT} for "". */
    static String absolute(String cwd, String path) {
        if (path.isEmpty()) {
            throw new KernelException(Errno.ENOENT, "\"\"", "empty path");
        }
        if (path.length() > KernelInstance.PATH_MAX) {
            throw new KernelException(Errno.ENAMETOOLONG, path.substring(0, 32) + "...",
                    "path longer than " + KernelInstance.PATH_MAX);
        }
        if (path.indexOf('\0') >= 0) {
            throw new KernelException(Errno.EINVAL, path.replace('\0', '?'), "path contains NUL");
        }
        return path.startsWith("/") ? path : (cwd.endsWith("/") ? cwd : cwd + "/") + path;
    }

    /** Enforces the access mode a descriptor was opened with. */
    private record AccessCheckedFile(OpenFile file, int flags) implements OpenFile {
        @Override
        public String name() {
            return file.name();
        }

        @Override
        public int read(byte[] buf, int off, int len) {
            if (!Sys.readable(flags)) {
                throw new KernelException(Errno.EBADF, name(), "not open for reading");
            }
            return file.read(buf, off, len);
        }

        @Override
        public int write(byte[] buf, int off, int len) {
            if (!Sys.writable(flags)) {
                throw new KernelException(Errno.EBADF, name(), "not open for writing");
            }
            return file.write(buf, off, len);
        }

        @Override
        public int pread(byte[] buf, int off, int len, long pos) {
            if (!Sys.readable(flags)) {
                throw new KernelException(Errno.EBADF, name(), "not open for reading");
            }
            return file.pread(buf, off, len, pos);
        }

        @Override
        public int pwrite(byte[] buf, int off, int len, long pos) {
            if (!Sys.writable(flags)) {
                throw new KernelException(Errno.EBADF, name(), "not open for writing");
            }
            return file.pwrite(buf, off, len, pos);
        }

        @Override
        public long lseek(long offset, int whence) {
            return file.lseek(offset, whence);
        }

        @Override
        public Stat fstat() {
            return file.fstat();
        }

        @Override
        public StatFs fstatfs() {
            return file.fstatfs();
        }

        @Override
        public void ftruncate(long length) {
            if (!Sys.writable(flags)) {
                throw new KernelException(Errno.EINVAL, name(), "not open for writing");
            }
            file.ftruncate(length);
        }

        @Override
        public void fsync(boolean dataOnly) {
            file.fsync(dataOnly);
        }

        @Override
        public int getdents(byte[] buf, int len) {
            return file.getdents(buf, len);
        }

        @Override
        public void fchmod(int mode) {
            file.fchmod(mode);
        }

        @Override
        public void fchown(int uid, int gid) {
            file.fchown(uid, gid);
        }

        @Override
        public long ioctl(long request, long arg) {
            return file.ioctl(request, arg);
        }

        @Override
        public int poll(int events) {
            return file.poll(events);
        }

        @Override
        public int statusFlags() {
            return file.statusFlags();
        }

        @Override
        public void setStatusFlags(int f) {
            file.setStatusFlags(f);
        }

        @Override
        public void release() {
            file.release();
        }
    }
}
