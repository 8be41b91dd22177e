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
}
