package org.anykernel.base.api;

/**
 * The typed syscall API for local clients, bound to one process. Every method is a thin stub over
 * {@link #syscall}, dispatch by number, which is also what a remote client sends: there is one path
 * into the kernel, whatever the client.
 */
public interface Posix {

    /**
     * Invokes syscall {@code number} with its arguments ({@code Integer}, {@code Long}, {@code String}
     * or {@code byte[]}, as the syscall's signature says).
     *
     * @return the syscall's result (a count, a descriptor, a value)
     * @throws KernelException {@code ENOSYS} for an unknown number, {@code EINVAL} for arguments of the wrong
     *                         kind, or whatever the syscall reports
     */
    long syscall(int number, Object... args);

    /** The process id. */
    default int getpid() {
        return (int) syscall(Sys.GETPID);
    }

    /** Opens {@code path} and returns the lowest free descriptor. */
    default int open(String path, int flags, int mode) {
        return (int) syscall(Sys.OPEN, path, flags, mode);
    }

    /** {@code open(path, flags, 0)}. */
    default int open(String path, int flags) {
        return open(path, flags, 0);
    }

    /** Reads up to {@code len} bytes into {@code buf[off..]}; 0 at end of file. */
    default int read(int fd, byte[] buf, int off, int len) {
        return (int) syscall(Sys.READ, fd, buf, off, len);
    }

    /** Reads up to {@code buf.length} bytes. */
    default int read(int fd, byte[] buf) {
        return read(fd, buf, 0, buf.length);
    }

    /** Writes {@code len} bytes from {@code buf[off..]}; returns how many were taken. */
    default int write(int fd, byte[] buf, int off, int len) {
        return (int) syscall(Sys.WRITE, fd, buf, off, len);
    }

    /** Writes all of {@code buf}. */
    default int write(int fd, byte[] buf) {
        return write(fd, buf, 0, buf.length);
    }

    /** A device control request. */
    default long ioctl(int fd, long request, long arg) {
        return syscall(Sys.IOCTL, fd, request, arg);
    }

    /** Closes a descriptor. */
    default void close(int fd) {
        syscall(Sys.CLOSE, fd);
    }

    /** A new descriptor for the same open file. */
    default int dup(int fd) {
        return (int) syscall(Sys.DUP, fd);
    }

    /** Makes {@code newfd} refer to the open file of {@code oldfd}. */
    default int dup2(int oldfd, int newfd) {
        return (int) syscall(Sys.DUP2, oldfd, newfd);
    }

    /** Sets the file creation mask and returns the old one. */
    default int umask(int mask) {
        return (int) syscall(Sys.UMASK, mask);
    }

    /** The real user id. */
    default int getuid() {
        return (int) syscall(Sys.GETUID);
    }

    /** The real group id. */
    default int getgid() {
        return (int) syscall(Sys.GETGID);
    }

    // ---- files (served by the file-system faction)

    /** What {@code path} is, following a final symbolic link. */
    default Stat stat(String path) {
        byte[] b = new byte[Stat.SIZE];
        syscall(Sys.STAT, path, b);
        return Stat.decode(b);
    }

    /** What {@code path} is, not following a final symbolic link. */
    default Stat lstat(String path) {
        byte[] b = new byte[Stat.SIZE];
        syscall(Sys.LSTAT, path, b);
        return Stat.decode(b);
    }

    /** What the open file {@code fd} is. */
    default Stat fstat(int fd) {
        byte[] b = new byte[Stat.SIZE];
        syscall(Sys.FSTAT, fd, b);
        return Stat.decode(b);
    }

    /** Moves the file position ({@link Sys#SEEK_SET} ... {@link Sys#SEEK_HOLE}); returns the new one. */
    default long lseek(int fd, long offset, int whence) {
        return syscall(Sys.LSEEK, fd, offset, whence);
    }

    /** Reads at {@code pos} without moving the file position. */
    default int pread(int fd, byte[] buf, int off, int len, long pos) {
        return (int) syscall(Sys.PREAD, fd, buf, off, len, pos);
    }

    /** Writes at {@code pos} without moving the file position. */
    default int pwrite(int fd, byte[] buf, int off, int len, long pos) {
        return (int) syscall(Sys.PWRITE, fd, buf, off, len, pos);
    }

    /** Makes the file's data and metadata durable. */
    default void fsync(int fd) {
        syscall(Sys.FSYNC, fd);
    }

    /** Makes the file's data durable (and the metadata needed to read it). */
    default void fdatasync(int fd) {
        syscall(Sys.FDATASYNC, fd);
    }

    /** Sets the length of {@code path}. */
    default void truncate(String path, long length) {
        syscall(Sys.TRUNCATE, path, length);
    }

    /** Sets the length of the open file {@code fd}. */
    default void ftruncate(int fd, long length) {
        syscall(Sys.FTRUNCATE, fd, length);
    }

    /** The working directory. */
    default String getcwd() {
        byte[] b = new byte[4097];
        int n = (int) syscall(Sys.GETCWD, b, b.length);
        return new String(b, 0, n - 1, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Changes the working directory. */
    default void chdir(String path) {
        syscall(Sys.CHDIR, path);
    }

    /** Renames {@code from} to {@code to}, atomically replacing {@code to}. */
    default void rename(String from, String to) {
        syscall(Sys.RENAME, from, to);
    }

    /** Makes a directory ({@code mode} masked by the umask). */
    default void mkdir(String path, int mode) {
        syscall(Sys.MKDIR, path, mode);
    }

    /** Removes an empty directory. */
    default void rmdir(String path) {
        syscall(Sys.RMDIR, path);
    }

    /** Makes {@code to} a new hard link to {@code from}. */
    default void link(String from, String to) {
        syscall(Sys.LINK, from, to);
    }

    /** Removes a name (the file goes when its last name and last open descriptor go). */
    default void unlink(String path) {
        syscall(Sys.UNLINK, path);
    }

    /** Makes {@code linkPath} a symbolic link to {@code target}. */
    default void symlink(String target, String linkPath) {
        syscall(Sys.SYMLINK, target, linkPath);
    }

    /** The target of a symbolic link. */
    default String readlink(String path) {
        byte[] b = new byte[4096];
        int n = (int) syscall(Sys.READLINK, path, b, b.length);
        return new String(b, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Sets the permission bits of {@code path}. */
    default void chmod(String path, int mode) {
        syscall(Sys.CHMOD, path, mode);
    }

    /** Sets the permission bits of the open file {@code fd}. */
    default void fchmod(int fd, int mode) {
        syscall(Sys.FCHMOD, fd, mode);
    }

    /** Sets owner and group of {@code path} (-1 leaves one as it is). */
    default void chown(String path, int uid, int gid) {
        syscall(Sys.CHOWN, path, uid, gid);
    }

    /** As {@link #chown}, not following a final symbolic link. */
    default void lchown(String path, int uid, int gid) {
        syscall(Sys.LCHOWN, path, uid, gid);
    }

    /** Sets owner and group of the open file {@code fd}. */
    default void fchown(int fd, int uid, int gid) {
        syscall(Sys.FCHOWN, fd, uid, gid);
    }

    /**
     * Sets access and modification times in ns since the epoch ({@link Sys#UTIME_NOW}, {@link Sys#UTIME_OMIT});
     * {@code flags} may be {@link Sys#AT_SYMLINK_NOFOLLOW}.
     */
    default void utimens(String path, long atimeNs, long mtimeNs, int flags) {
        syscall(Sys.UTIMENSAT, path, atimeNs, mtimeNs, flags);
    }

    /** The file system {@code path} is on. */
    default StatFs statfs(String path) {
        byte[] b = new byte[StatFs.SIZE];
        syscall(Sys.STATFS, path, b);
        return StatFs.decode(b);
    }

    /** The file system the open file {@code fd} is on. */
    default StatFs fstatfs(int fd) {
        byte[] b = new byte[StatFs.SIZE];
        syscall(Sys.FSTATFS, fd, b);
        return StatFs.decode(b);
    }

    /** Writes every file system's dirty data back. */
    default void sync() {
        syscall(Sys.SYNC);
    }

    /**
     * Mounts a file system of type {@code fsType} from {@code source} (a device path, or anything for a file system
     * that needs none) on the directory {@code target}.
     *
     * @param flags {@link Sys#MS_RDONLY}
     * @param data  file-system options ({@code "size=16M"}), or {@code null} (sent as "")
     */
    default void mount(String source, String target, String fsType, long flags, String data) {
        syscall(Sys.MOUNT, source == null ? "" : source, target, fsType, flags, data == null ? "" : data);
    }

    /** Unmounts what is mounted on {@code target} ({@link Sys#MNT_FORCE}, {@link Sys#MNT_DETACH}). */
    default void umount2(String target, int flags) {
        syscall(Sys.UMOUNT2, target, flags);
    }

    /** {@code umount2(target, 0)}. */
    default void umount(String target) {
        umount2(target, 0);
    }

    /** Reads directory entries into {@code buf} as {@code linux_dirent64}s; 0 at the end. */
    default int getdents64(int fd, byte[] buf, int count) {
        return (int) syscall(Sys.GETDENTS64, fd, buf, count);
    }

    /** Every entry of directory {@code path} (with {@code .} and {@code ..}), in the directory's order. */
    default java.util.List<DirEntry> readdir(String path) {
        int fd = open(path, Sys.O_RDONLY | Sys.O_DIRECTORY);
        try {
            java.util.List<DirEntry> out = new java.util.ArrayList<>();
            byte[] b = new byte[32768];
            for (int n; (n = getdents64(fd, b, b.length)) > 0; ) {
                out.addAll(DirEntry.decode(b, n));
            }
            return out;
        } finally {
            close(fd);
        }
    }

    // sockets: addresses are socket address bytes (struct sockaddr_in for AF_INET); an optional address that is
    // absent travels as an empty array (the syscall table takes no null buffer)

    private static byte[] orEmpty(byte[] b) {
        return b == null ? new byte[0] : b;
    }

    /** A new socket; returns its descriptor. */
    default int socket(int domain, int type, int protocol) {
        return (int) syscall(Sys.SOCKET, domain, type, protocol);
    }

    /** Binds a socket to a local address. */
    default void bind(int fd, byte[] addr) {
        syscall(Sys.BIND, fd, addr);
    }

    /** Connects a socket (blocks until connected unless the socket is non-blocking). */
    default void connect(int fd, byte[] addr) {
        syscall(Sys.CONNECT, fd, addr);
    }

    /** Listens for connections, at most {@code backlog} waiting. */
    default void listen(int fd, int backlog) {
        syscall(Sys.LISTEN, fd, backlog);
    }

    /** Accepts a connection; {@code peer} (16 bytes, or null) receives the peer's address. */
    default int accept(int fd, byte[] peer) {
        return (int) syscall(Sys.ACCEPT, fd, orEmpty(peer));
    }

    /** Sends {@code len} bytes of {@code buf[off..]} ({@code to}: a destination, or null when connected). */
    default int sendto(int fd, byte[] buf, int off, int len, int flags, byte[] to) {
        return (int) syscall(Sys.SENDTO, fd, buf, off, len, flags, orEmpty(to));
    }

    /** Receives up to {@code len} bytes into {@code buf[off..]}; {@code from} (or null) receives the sender. */
    default int recvfrom(int fd, byte[] buf, int off, int len, int flags, byte[] from) {
        return (int) syscall(Sys.RECVFROM, fd, buf, off, len, flags, orEmpty(from));
    }

    /** {@code sendto(fd, buf, off, len, flags, null)}. */
    default int send(int fd, byte[] buf, int off, int len, int flags) {
        return sendto(fd, buf, off, len, flags, null);
    }

    /** {@code recvfrom(fd, buf, off, len, flags, null)}. */
    default int recv(int fd, byte[] buf, int off, int len, int flags) {
        return recvfrom(fd, buf, off, len, flags, null);
    }

    /** Shuts down reading, writing or both. */
    default void shutdown(int fd, int how) {
        syscall(Sys.SHUTDOWN, fd, how);
    }

    /** The socket's local address. */
    default byte[] getsockname(int fd) {
        byte[] b = new byte[16];
        syscall(Sys.GETSOCKNAME, fd, b);
        return b;
    }

    /** The socket's peer address. */
    default byte[] getpeername(int fd) {
        byte[] b = new byte[16];
        syscall(Sys.GETPEERNAME, fd, b);
        return b;
    }

    /** Sets an int-valued socket option. */
    default void setsockopt(int fd, int level, int name, int value) {
        byte[] b = {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
        syscall(Sys.SETSOCKOPT, fd, level, name, b);
    }

    /** An int-valued socket option. */
    default int getsockopt(int fd, int level, int name) {
        byte[] b = new byte[4];
        syscall(Sys.GETSOCKOPT, fd, level, name, b);
        return (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | b[3] << 24;
    }

    /**
     * Waits up to {@code timeoutMs} (negative: without bound) for one of {@code fds} to have one of its
     * {@code events}; returns each descriptor's events, in order.
     */
    default int[] poll(int[] fds, int[] events, int timeoutMs) {
        byte[] b = new byte[8 * fds.length];
        for (int i = 0; i < fds.length; i++) {
            int o = 8 * i;
            b[o] = (byte) fds[i];
            b[o + 1] = (byte) (fds[i] >>> 8);
            b[o + 2] = (byte) (fds[i] >>> 16);
            b[o + 3] = (byte) (fds[i] >>> 24);
            b[o + 4] = (byte) events[i];
            b[o + 5] = (byte) (events[i] >>> 8);
        }
        syscall(Sys.POLL, b, fds.length, timeoutMs);
        int[] out = new int[fds.length];
        for (int i = 0; i < fds.length; i++) {
            out[i] = (b[8 * i + 6] & 0xFF) | (b[8 * i + 7] & 0xFF) << 8;
        }
        return out;
    }

    /** {@code fcntl(fd, cmd, arg)}. */
    default int fcntl(int fd, int cmd, long arg) {
        return (int) syscall(Sys.FCNTL, fd, cmd, arg);
    }

    /** Runs a network configuration command (see {@link Sys#NETCTL}) and returns its output. */
    default String netctl(String command) {
        byte[] out = new byte[65536];
        int n = (int) syscall(Sys.NETCTL, command, out);
        if (n > out.length) {
            out = new byte[n];
            n = (int) syscall(Sys.NETCTL, command, out);
        }
        return new String(out, 0, Math.min(n, out.length), java.nio.charset.StandardCharsets.UTF_8);
    }
}
