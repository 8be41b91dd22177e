package org.anykernel.vfs.api;

import java.util.List;

import org.anykernel.base.api.DirEntry;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.Grant;
import org.anykernel.base.api.Idempotent;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.KernelService;
import org.anykernel.base.api.Stat;
import org.anykernel.base.api.StatFs;
import org.anykernel.base.spi.OpenFile;

/**
 * A file system driver ({@code tmpfs}, {@code ext2}), as the VFS faction calls it: one service per type, property
 * {@link #TYPE}. The VFS owns names, paths, mount points, open files, descriptors and permission checks; a driver
 * owns what is on its volumes and answers by <em>handle</em>: a volume number from {@link #mount} and inode
 * numbers within it. No object crosses the boundary but values, so the same driver runs colocated, isolated in a
 * domain of its own (every call handed to its threads, buffers copied) or privately in a library kernel.
 *
 * <p>Contract, for every method: errors are {@link org.anykernel.base.api.KernelException}s with the errno POSIX
 * gives and a message naming the thing; a failed call changes nothing on the volume. {@code name} arguments are
 * single components (never empty, never {@code .} or {@code ..}, no {@code /}, at most {@link #NAME_MAX} bytes of
 * UTF-8; the VFS has checked). Inode numbers are those the driver returned; one it does not know (any more) is
 * {@code ESTALE}. A read-only volume answers every change with {@code EROFS}. Permission checks are the VFS's: a
 * driver only refuses what its format cannot hold ({@code EFBIG}, {@code ENOSPC}, {@code EMLINK}, {@code EOVERFLOW}).
 *
 * <p>Times are ns since the epoch. A driver stamps them as POSIX says (create: all three; write and truncate:
 * mtime and ctime; link, unlink, rename: ctime of the inodes and mtime/ctime of the directories changed).
 */
@KernelService
public interface FileSystem {
    /** Service property: the type name used by {@code mount}. */
    String TYPE = "fs.type";
    /** The longest name, in bytes of UTF-8. */
    int NAME_MAX = 255;

    /** The type name ({@code "ext2"}). */
    @Idempotent
    String type();

    /** Whether {@link #mount} needs a device (ext2) or makes its volume from nothing (tmpfs). */
    @Idempotent
    boolean needsDevice();

    /**
     * Mounts a volume.
     *
     * @param device   the opened device (read-write unless {@code readOnly}), or null for a file system that needs
     *                 none; the driver does I/O on it with {@code pread}/{@code pwrite}/{@code fsync} and does not
     *                 close it (the VFS does, after {@link #unmount})
     * @param source   what the user named ({@code /dev/sd0}), for messages
     * @param readOnly mount read-only (the driver may also decide so itself: see {@link #statfs})
     * @param options  driver options ({@code "size=16M"}), or null
     * @return the volume's handle
     * @throws org.anykernel.base.api.KernelException {@code EINVAL} for a device that holds no such file system,
     *         {@code EUCLEAN} for a damaged one, {@code EOPNOTSUPP} for features the driver cannot handle (the
     *         message names them)
     */
    long mount(OpenFile device, String source, boolean readOnly, String options);

    /** Writes back what is dirty and forgets the volume; every handle into it becomes {@code ESTALE}. */
    void unmount(long vol);

    /** The inode number of the root directory. */
    @Idempotent
    long root(long vol);

    /** Status of an inode ({@code dev} is left 0: the VFS fills it in). */
    @Idempotent
    Stat getattr(long vol, long ino);

    /** The inode {@code name} in directory {@code dir} names: {@code ENOENT}, {@code ENOTDIR}. */
    @Idempotent
    Stat lookup(long vol, long dir, String name);

    /**
     * As {@link #lookup}, but null where that fails with {@code ENOENT}: what the VFS asks before every create and
     * for every name it walks, where absence is a normal answer and an exception's stack trace would cost more than the
     * lookup (Linux's negative dentry). The default asks {@link #lookup}; a driver overrides it to answer without
     * throwing.
     */
    @Idempotent
    default Stat lookupIfPresent(long vol, long dir, String name) {
        try {
            return lookup(vol, dir, name);
        } catch (KernelException e) {
            if (e.errno() == Errno.ENOENT) {
                return null;
            }
            throw e;
        }
    }

    /**
     * Creates {@code name} in {@code dir}: a regular file, a directory or a device/fifo/socket node, by the type bits
     * of {@code mode} (permission bits already masked by the umask). {@code EEXIST} if the name is taken.
     */
    Stat create(long vol, long dir, String name, int mode, int uid, int gid);

    /** Creates a symbolic link {@code name} in {@code dir} to {@code target}. */
    Stat symlink(long vol, long dir, String name, String target, int uid, int gid);

    /** The target of a symbolic link ({@code EINVAL} for anything else). */
    @Idempotent
    String readlink(long vol, long ino);

    /** Adds the name {@code name} in {@code dir} for inode {@code ino} (not a directory: the VFS checked). */
    Stat link(long vol, long ino, long dir, String name);

    /**
     * Removes {@code name} from {@code dir}. {@code rmdir} false: the name must not be a directory
     * ({@code EISDIR}); true: it must be an empty one ({@code ENOTDIR}, {@code ENOTEMPTY}). An inode left without
     * names lives on while the VFS holds it open ({@link #open}), and is freed at its last {@link #close}.
     */
    void unlink(long vol, long dir, String name, boolean rmdir);

    /**
     * Renames, POSIX style: {@code to} in {@code toDir}, if it exists, is replaced atomically (a directory only by an
     * empty directory: {@code ENOTEMPTY}; a directory by a non-directory: {@code EISDIR}; the reverse
     * {@code ENOTDIR}). Renaming a name to itself or to another name of the same inode does nothing. The VFS has
     * checked that a directory is not moved below itself.
     */
    void rename(long vol, long fromDir, String from, long toDir, String to);

    /** Changes an inode's attributes (the fields that are not null); a size change truncates or extends. */
    Stat setattr(long vol, long ino, SetAttr changes);

    /** Reads up to {@code len} bytes at {@code pos} into {@code buf[off..]}; 0 at or past the end; holes read as 0. */
    @Idempotent
    int read(long vol, long ino, long pos, byte[] buf, int off, int len);

    /** Writes {@code len} bytes at {@code pos} (extending the file, leaving holes where it skips); returns len. */
    @Idempotent
    int write(long vol, long ino, long pos, byte[] buf, int off, int len);

    /**
     * {@link #read(long, long, long, byte[], int, int) read} into a window of the caller's buffer lent for the call
     * ({@link Grant}, writable): the VFS passes large transfers so, and an isolated driver that fills the window in
     * place saves the copy in and out an array argument costs. This default reads into an array of its own and puts
     * it into the window; a driver whose data is in memory should fill the window from it directly.
     */
    @Idempotent
    default int read(long vol, long ino, long pos, Grant dst) {
        byte[] b = new byte[dst.length()];
        int n = read(vol, ino, pos, b, 0, b.length);
        dst.put(0, b, 0, n);
        return n;
    }

    /**
     * {@link #write(long, long, long, byte[], int, int) write} from a window of the caller's buffer lent for the
     * call ({@link Grant}, read-only). This default takes the window into an array of its own first.
     */
    @Idempotent
    default int write(long vol, long ino, long pos, Grant src) {
        byte[] b = new byte[src.length()];
        src.get(0, b, 0, b.length);
        return write(vol, ino, pos, b, 0, b.length);
    }

    /**
     * Entries of directory {@code dir} from position {@code cookie} (0: the start, then a returned entry's
     * {@link DirEntry#next()}), at most {@code max} of them; an empty list at the end. {@code .} and {@code ..}
     * are included. Entries not added or removed meanwhile are returned exactly once.
     */
    @Idempotent
    List<DirEntry> readdir(long vol, long dir, long cookie, int max);

    /**
     * {@code SEEK_DATA} ({@code hole} false) or {@code SEEK_HOLE} (true) from {@code pos}: the next offset at or after
     * it in data or in a hole (the end of the file counts as a hole); {@code ENXIO} if there is none. The default
     * treats the whole file as data.
     */
    @Idempotent
    default long seek(long vol, long ino, long pos, boolean hole) {
        long size = getattr(vol, ino).size();
        if (pos >= size) {
            throw new org.anykernel.base.api.KernelException(org.anykernel.base.api.Errno.ENXIO, "inode " + ino,
                    "offset " + pos + " at or past the end");
        }
        return hole ? size : pos;
    }

    /** The VFS opened the inode (its first open file): it stays while open, even without names. */
    void open(long vol, long ino);

    /** The VFS closed the inode's last open file: an inode without names is freed now. */
    void close(long vol, long ino);

    /** Makes the inode's data (and, unless {@code dataOnly}, its metadata) durable. */
    @Idempotent
    void fsync(long vol, long ino, boolean dataOnly);

    /** Makes everything written to the volume durable. */
    @Idempotent
    void sync(long vol);

    /** Sizes and counts ({@code fsid} 0: the VFS fills it in; {@code flags} {@code MS_RDONLY} if read-only). */
    @Idempotent
    StatFs statfs(long vol);
}
