package org.anykernel.drivers.fs.ext2;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

import org.anykernel.base.api.DirEntry;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Stat;
import org.anykernel.base.api.StatFs;
import org.anykernel.base.api.Sys;
import org.anykernel.base.spi.OpenFile;
import org.anykernel.vfs.api.SetAttr;

/**
 * One mounted ext2 volume: it owns the device, the in-memory superblock and descriptor table, the buffer cache, the
 * allocator, block maps and directories of that volume, the open counts of its inodes, and its lock. Each public
 * method is one {@code FileSystem} operation on inode numbers, called with the lock held; file data is read and
 * written here, straight to the device in contiguous runs.
 */
final class Volume {
    static final int ROOT_INO = 2;
    static final int LINK_MAX = 32000;
    private static final long XATTR_MAGIC = 0xEA020000L;

    final long handle;
    final ReentrantLock lock = new ReentrantLock();
    private final Disk disk;
    private final Superblock sb;
    private final GroupDescriptors gd;
    private final BufferCache cache;
    private final Allocator alloc;
    private final BlockMap map;
    private final Directory dirs;
    private final int bs;
    /** Why changes are refused (null: read-write). */
    private final String readOnlyReason;
    private final Map<Long, Integer> opens = new HashMap<>();
    private boolean mounted = true;

    private Volume(long handle, Disk disk, Superblock sb, GroupDescriptors gd, int cacheBlocks, String roReason) {
        this.handle = handle;
        this.disk = disk;
        this.sb = sb;
        this.gd = gd;
        this.bs = sb.blockSize;
        this.cache = new BufferCache(disk, bs, cacheBlocks);
        this.alloc = new Allocator(sb, gd, cache);
        this.map = new BlockMap(bs, cache, alloc);
        this.dirs = new Directory(sb, cache, map);
        this.readOnlyReason = roReason;
    }

    /** Reads, checks and (read-write) marks in use the volume on {@code dev}. */
    static Volume mount(long handle, OpenFile dev, String source, boolean readOnly, int cacheBlocks) {
        Disk disk = new Disk(dev, source, true);
        if (disk.size() < Superblock.OFFSET + Superblock.SIZE) {
            throw new KernelException(Errno.EINVAL, source, "not an ext2 file system (device of " + disk.size()
                    + " bytes)");
        }
        byte[] raw = new byte[Superblock.SIZE];
        disk.read(Superblock.OFFSET, raw, 0, raw.length);
        Superblock sb = new Superblock(raw, disk.size());
        String ro = readOnly ? "mounted read-only" : null;
        if (sb.hasJournal() && !readOnly) {
            throw new KernelException(Errno.EOPNOTSUPP, source, "feature has_journal: a journalled volume can be "
                    + "mounted read-only only");
        }
        long roBits = sb.roCompatUnsupported();
        long compatBits = sb.compatUnwritable();
        if (roBits != 0) {
            ro = "ro_compat features not supported for writing: " + Features.roCompatNames(roBits);
        } else if (compatBits != 0) {
            ro = "compat features not supported for writing: " + Features.compatNames(compatBits);
        }
        byte[] gdt = new byte[sb.gdtBlocks * sb.blockSize];
        disk.read((sb.firstDataBlock + 1) * sb.blockSize, gdt, 0, gdt.length);
        GroupDescriptors gd = new GroupDescriptors(sb, gdt);
        long freeBlocks = gd.totalFreeBlocks();
        long freeInodes = gd.totalFreeInodes();
        if (freeInodes > sb.inodesCount || freeBlocks > sb.blocksCount) {
            throw Superblock.damaged("group descriptors", "free counts exceed the totals");
        }
        sb.freeBlocks = freeBlocks;
        sb.freeInodes = freeInodes;
        Volume v = new Volume(handle, disk, sb, gd, cacheBlocks, ro);
        Inode root = v.inode(ROOT_INO);
        if (!root.isDir() || root.links() < 2) {
            throw Superblock.damaged("root inode " + ROOT_INO, "not a directory (mode 0" + Integer.toOctalString(
                    root.mode()) + ", " + root.links() + " links)");
        }
        if (ro == null) {
            disk.allowWrites();
            sb.setMounted(nowNs() / 1_000_000_000L);
            v.writeSuper();
            disk.flush();
        }
        return v;
    }

    boolean readOnly() {
        return readOnlyReason != null;
    }

    boolean mounted() {
        return mounted;
    }

    /** Called after each operation: keeps the cache to its size. */
    void endOp() {
        if (mounted) {
            cache.trim();
        }
    }

    String stats() {
        return "cache " + cache.size() + " buffers, " + cache.reads() + " reads, " + cache.writes() + " writes";
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private static long nowNs() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private void writable() {
        if (readOnlyReason != null) {
            throw new KernelException(Errno.EROFS, disk.source(), readOnlyReason);
        }
    }

    /** The inode, without checking it is in use. */
    Inode inode(long ino) {
        if (ino < 1 || ino > sb.inodesCount) {
            throw new KernelException(Errno.ESTALE, "inode " + ino, "out of range");
        }
        int g = (int) ((ino - 1) / sb.inodesPerGroup);
        long byteOff = ((ino - 1) % sb.inodesPerGroup) * sb.inodeSize;
        long block = gd.inodeTable[g] + byteOff / bs;
        return new Inode(ino, cache, cache.get(block), (int) (byteOff % bs), sb.inodeSize);
    }

    private boolean isOpen(long ino) {
        return opens.containsKey(ino);
    }

    /** An inode in use: {@code ESTALE} if it was freed or never was. */
    private Inode live(long ino) {
        Inode in = inode(ino);
        if (in.mode() == 0 || (in.links() == 0 && !isOpen(ino))) {
            throw new KernelException(Errno.ESTALE, "inode " + ino, "not in use");
        }
        return in;
    }

    private Inode dir(long ino) {
        Inode in = live(ino);
        if (!in.isDir()) {
            throw new KernelException(Errno.ENOTDIR, "inode " + ino, "not a directory");
        }
        return in;
    }

    /** A directory names may be added to (not removed). */
    private Inode parent(long ino) {
        Inode d = dir(ino);
        if (d.links() == 0) {
            throw new KernelException(Errno.ENOENT, "directory inode " + ino, "removed");
        }
        return d;
    }

    /** The inode a directory entry names, which must be in use. */
    private Inode target(Inode dir, long ino, String name) {
        if (ino < 1 || ino > sb.inodesCount) {
            throw new KernelException(Errno.EUCLEAN, "directory inode " + dir.ino, "entry '" + name
                    + "' names inode " + ino + " out of range");
        }
        if (ino < sb.firstIno && ino != ROOT_INO) {
            throw new KernelException(Errno.EUCLEAN, "directory inode " + dir.ino, "entry '" + name
                    + "' names reserved inode " + ino);
        }
        Inode in = inode(ino);
        if (in.mode() == 0 || (in.links() == 0 && !isOpen(ino))) {
            throw new KernelException(Errno.EUCLEAN, "directory inode " + dir.ino, "entry '" + name
                    + "' names free inode " + ino);
        }
        return in;
    }

    private static byte[] name(String name) {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0) {
            throw new KernelException(Errno.EINVAL, "name '" + name + "'", "not a file name");
        }
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length > 255) {
            throw new KernelException(Errno.ENAMETOOLONG, "name '" + name + "'", n.length + " bytes");
        }
        return n;
    }

    private int groupOf(long ino) {
        return (int) ((ino - 1) / sb.inodesPerGroup);
    }

    /** Where to look for a free block for logical block {@code l} of {@code in}. */
    private long goal(Inode in, long l) {
        if (l > 0) {
            long p = map.map(in, l - 1);
            if (p != 0) {
                return p + 1;
            }
        }
        int g = groupOf(in.ino);
        return gd.inodeTable[g] + sb.inodeTableBlocks;
    }

    private long dirGoal(Inode dir) {
        long blocks = dir.size() / bs;
        return goal(dir, blocks);
    }

    private boolean fastSymlink(Inode in) {
        long data = in.blocks512() - (in.fileAcl() != 0 ? bs / 512 : 0);
        return in.isLink() && data == 0;
    }

    private boolean hasBlockMap(Inode in) {
        return in.isReg() || in.isDir() || (in.isLink() && !fastSymlink(in));
    }

    private Stat stat(Inode in) {
        int mode = in.mode();
        long rdev = 0;
        int type = mode & Sys.S_IFMT;
        if (type == Sys.S_IFCHR || type == Sys.S_IFBLK) {
            long b0 = in.block(0);
            long major;
            long minor;
            if (b0 != 0) {
                major = (b0 >>> 8) & 0xff;
                minor = b0 & 0xff;
            } else {
                long b1 = in.block(1);
                major = (b1 & 0xfff00) >>> 8;
                minor = (b1 & 0xff) | ((b1 >>> 12) & 0xfff00);
            }
            rdev = ((major & 0xfffff000L) << 32) | ((major & 0xfff) << 8) | ((minor & 0xffffff00L) << 12)
                    | (minor & 0xff);
        }
        return new Stat(0, in.ino, mode, in.links(), in.uid(), in.gid(), rdev, in.size(), bs, in.blocks512(),
                in.atime(), in.mtime(), in.ctime());
    }

    /** Allocates an inode for a child of {@code parent}; one the bitmap calls free but that looks in use is damage. */
    private Inode newInode(Inode parent, boolean isDir) {
        long ino = alloc.allocInode(groupOf(parent.ino), isDir);
        Inode in = inode(ino);
        if (in.mode() != 0 && in.links() > 0 && in.dtime() == 0) {
            throw new KernelException(Errno.EUCLEAN, "inode " + ino, "free in the inode bitmap but in use ("
                    + in.links() + " links); left marked in use");
        }
        return in;
    }

    private void initInode(Inode in, int mode, int uid, int gid, int links, long now) {
        in.clear();
        in.mode(mode);
        in.uid(uid);
        in.gid(gid);
        in.links(links);
        in.atime(now);
        in.mtime(now);
        in.ctime(now);
        in.crtime(now);
        in.generation(ThreadLocalRandom.current().nextInt() & 0xffffffffL);
    }

    /** Frees an inode without names or opens: its blocks, its xattr block, its bitmap bit. */
    private void freeInode(Inode in) {
        boolean isDir = in.isDir();
        if (hasBlockMap(in)) {
            map.truncate(in, 0);
        }
        releaseXattr(in);
        in.size(0);
        in.links(0);
        in.blocks512(0);
        in.dtime(nowNs() / 1_000_000_000L);
        alloc.freeInode(in.ino, isDir);
    }

    private void releaseXattr(Inode in) {
        long b = in.fileAcl();
        if (b == 0) {
            return;
        }
        if (!alloc.isDataBlock(b)) {
            throw new KernelException(Errno.EUCLEAN, "inode " + in.ino, "xattr block " + b
                    + " outside the data area");
        }
        BufferCache.Buffer buf = cache.get(b);
        if (Le.u32(buf.data, 0) != XATTR_MAGIC) {
            throw new KernelException(Errno.EUCLEAN, "inode " + in.ino, "xattr block " + b + " has a bad magic");
        }
        long refs = Le.u32(buf.data, 4);
        if (refs <= 1) {
            alloc.freeBlock(b, in.ino);
        } else {
            Le.put32(buf.data, 4, refs - 1);
            cache.dirty(buf);
        }
        in.fileAcl(0);
        in.blocks512(Math.max(0, in.blocks512() - bs / 512));
    }

    private void dropLinkedInode(Inode in) {
        if (in.links() == 0 && !isOpen(in.ino)) {
            freeInode(in);
        }
    }

    /** Zeroes a partial last block after {@code size}, so that extending the file shows zeros there. */
    private void zeroTail(Inode in, long size) {
        int r = (int) (size % bs);
        if (r == 0) {
            return;
        }
        long p = map.map(in, size / bs);
        if (p == 0) {
            return;
        }
        byte[] blk = new byte[bs];
        disk.read(p * bs, blk, 0, bs);
        Arrays.fill(blk, r, bs, (byte) 0);
        disk.write(p * bs, blk, 0, bs);
    }

    private void grown(long size) {
        if (size > Integer.MAX_VALUE) {
            sb.setLargeFile();
        }
    }

    private void writeSuper() {
        sb.encode(nowNs() / 1_000_000_000L);
        disk.write(Superblock.OFFSET, sb.raw, 0, Superblock.SIZE);
        sb.dirty = false;
    }

    private void flushAll() {
        if (readOnly()) {
            return;
        }
        cache.flush();
        if (gd.dirty) {
            gd.encode();
            disk.write((sb.firstDataBlock + 1) * bs, gd.raw, 0, gd.raw.length);
            gd.dirty = false;
        }
        if (sb.dirty) {
            writeSuper();
        }
        disk.flush();
    }

    private static void checkBuf(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < 0 || off > buf.length - len) {
            throw new KernelException(Errno.EFAULT, "buffer", "bad range " + off + "+" + len);
        }
    }

    private Inode regular(long ino) {
        Inode in = live(ino);
        if (in.isDir()) {
            throw new KernelException(Errno.EISDIR, "inode " + ino, "is a directory");
        }
        if (!in.isReg()) {
            throw new KernelException(Errno.EINVAL, "inode " + ino, "not a regular file");
        }
        return in;
    }

    // ---- operations ---------------------------------------------------------------------------------------

    void unmount() {
        if (!readOnly()) {
            for (Long ino : new ArrayList<>(opens.keySet())) {
                Inode in = inode(ino);
                if (in.mode() != 0 && in.links() == 0) {
                    freeInode(in);
                }
            }
            opens.clear();
            flushAll();
            sb.setUnmounted(nowNs() / 1_000_000_000L);
            writeSuper();
            disk.flush();
        }
        mounted = false;
    }

    Stat getattr(long ino) {
        return stat(live(ino));
    }

    Stat lookup(long dirIno, String name) {
        Inode d = dir(dirIno);
        byte[] n = name(name);
        long ino = dirs.lookup(d, n);
        if (ino == 0) {
            throw new KernelException(Errno.ENOENT, name, "no such entry in directory inode " + dirIno);
        }
        return stat(target(d, ino, name));
    }

    Stat create(long dirIno, String name, int mode, int uid, int gid) {
        writable();
        Inode d = parent(dirIno);
        byte[] n = name(name);
        int type = mode & Sys.S_IFMT;
        if (type == 0) {
            type = Sys.S_IFREG;
        }
        if (type == Sys.S_IFLNK || Directory.fileType(type) == 0) {
            throw new KernelException(Errno.EINVAL, name, "cannot create mode 0" + Integer.toOctalString(mode));
        }
        if (dirs.lookup(d, n) != 0) {
            throw new KernelException(Errno.EEXIST, name, "exists in directory inode " + dirIno);
        }
        boolean isDir = type == Sys.S_IFDIR;
        if (isDir && d.links() >= LINK_MAX) {
            throw new KernelException(Errno.EMLINK, "directory inode " + dirIno, d.links() + " links");
        }
        long now = nowNs();
        Inode in = newInode(d, isDir);
        long ino = in.ino;
        initInode(in, type | (mode & 07777), uid, gid, isDir ? 2 : 1, now);
        try {
            if (isDir) {
                dirs.init(in, d.ino, goal(in, 0));
            }
            dirs.add(d, n, ino, Directory.fileType(type), dirGoal(d));
        } catch (KernelException e) {
            in.links(0);
            freeInode(in);
            throw e;
        }
        if (isDir) {
            d.links(d.links() + 1);
        }
        d.mtime(now);
        d.ctime(now);
        return stat(in);
    }

    Stat symlink(long dirIno, String name, String target, int uid, int gid) {
        writable();
        Inode d = parent(dirIno);
        byte[] n = name(name);
        byte[] t = target == null ? new byte[0] : target.getBytes(StandardCharsets.UTF_8);
        if (t.length == 0) {
            throw new KernelException(Errno.ENOENT, name, "empty symbolic link target");
        }
        if (t.length >= bs) {
            throw new KernelException(Errno.ENAMETOOLONG, name, "target of " + t.length + " bytes (at most "
                    + (bs - 1) + ")");
        }
        if (dirs.lookup(d, n) != 0) {
            throw new KernelException(Errno.EEXIST, name, "exists in directory inode " + dirIno);
        }
        long now = nowNs();
        Inode in = newInode(d, false);
        long ino = in.ino;
        initInode(in, Sys.S_IFLNK | 0777, uid, gid, 1, now);
        try {
            if (t.length < 4 * Inode.N_BLOCKS) {
                in.blockBytes(t, t.length);
            } else {
                long p = map.mapAlloc(in, 0, goal(in, 0));
                byte[] blk = new byte[bs];
                System.arraycopy(t, 0, blk, 0, t.length);
                disk.write(p * bs, blk, 0, bs);
            }
            in.size(t.length);
            dirs.add(d, n, ino, Directory.fileType(Sys.S_IFLNK), dirGoal(d));
        } catch (KernelException e) {
            in.links(0);
            freeInode(in);
            throw e;
        }
        d.mtime(now);
        d.ctime(now);
        return stat(in);
    }

    String readlink(long ino) {
        Inode in = live(ino);
        if (!in.isLink()) {
            throw new KernelException(Errno.EINVAL, "inode " + ino, "not a symbolic link");
        }
        long size = in.size();
        if (size == 0 || size >= bs) {
            throw new KernelException(Errno.EUCLEAN, "symbolic link inode " + ino, "size " + size);
        }
        byte[] t;
        if (fastSymlink(in)) {
            if (size >= 4 * Inode.N_BLOCKS) {
                throw new KernelException(Errno.EUCLEAN, "symbolic link inode " + ino, "fast link of size " + size);
            }
            t = Arrays.copyOf(in.blockBytes(), (int) size);
        } else {
            long p = map.map(in, 0);
            if (p == 0) {
                throw new KernelException(Errno.EUCLEAN, "symbolic link inode " + ino, "no data block");
            }
            t = new byte[(int) size];
            disk.read(p * bs, t, 0, t.length);
        }
        return new String(t, StandardCharsets.UTF_8);
    }

    Stat link(long ino, long dirIno, String name) {
        writable();
        Inode in = live(ino);
        if (in.isDir()) {
            throw new KernelException(Errno.EPERM, "inode " + ino, "hard link to a directory");
        }
        Inode d = parent(dirIno);
        byte[] n = name(name);
        if (dirs.lookup(d, n) != 0) {
            throw new KernelException(Errno.EEXIST, name, "exists in directory inode " + dirIno);
        }
        if (in.links() >= LINK_MAX) {
            throw new KernelException(Errno.EMLINK, "inode " + ino, in.links() + " links");
        }
        long now = nowNs();
        dirs.add(d, n, ino, Directory.fileType(in.mode()), dirGoal(d));
        in.links(in.links() + 1);
        in.ctime(now);
        d.mtime(now);
        d.ctime(now);
        return stat(in);
    }

    void unlink(long dirIno, String name, boolean rmdir) {
        writable();
        Inode d = dir(dirIno);
        byte[] n = name(name);
        Directory.Slot s = dirs.find(d, n);
        if (s == null) {
            throw new KernelException(Errno.ENOENT, name, "no such entry in directory inode " + dirIno);
        }
        Inode t = target(d, s.ino(), name);
        if (rmdir) {
            if (!t.isDir()) {
                throw new KernelException(Errno.ENOTDIR, name, "not a directory");
            }
            if (!dirs.isEmpty(t)) {
                throw new KernelException(Errno.ENOTEMPTY, name, "directory not empty");
            }
        } else if (t.isDir()) {
            throw new KernelException(Errno.EISDIR, name, "is a directory");
        }
        long now = nowNs();
        dirs.remove(d, n);
        if (t.isDir()) {
            t.links(0);
            map.truncate(t, 0);
            t.size(0);
            d.links(Math.max(1, d.links() - 1));
        } else {
            t.links(Math.max(0, t.links() - 1));
        }
        t.ctime(now);
        d.mtime(now);
        d.ctime(now);
        dropLinkedInode(t);
    }

    void rename(long fromDir, String from, long toDir, String to) {
        writable();
        Inode fd = dir(fromDir);
        Inode td = parent(toDir);
        byte[] fn = name(from);
        byte[] tn = name(to);
        Directory.Slot fs = dirs.find(fd, fn);
        if (fs == null) {
            throw new KernelException(Errno.ENOENT, from, "no such entry in directory inode " + fromDir);
        }
        Inode s = target(fd, fs.ino(), from);
        Directory.Slot ts = dirs.find(td, tn);
        if (ts != null && ts.ino() == s.ino) {
            return;
        }
        Inode t = ts == null ? null : target(td, ts.ino(), to);
        if (t != null) {
            if (s.isDir()) {
                if (!t.isDir()) {
                    throw new KernelException(Errno.ENOTDIR, to, "not a directory");
                }
                if (!dirs.isEmpty(t)) {
                    throw new KernelException(Errno.ENOTEMPTY, to, "directory not empty");
                }
            } else if (t.isDir()) {
                throw new KernelException(Errno.EISDIR, to, "is a directory");
            }
        }
        boolean moveDir = s.isDir() && fd.ino != td.ino;
        if (moveDir && t == null && td.links() >= LINK_MAX) {
            throw new KernelException(Errno.EMLINK, "directory inode " + toDir, td.links() + " links");
        }
        long now = nowNs();
        int ft = Directory.fileType(s.mode());
        if (ts != null) {
            dirs.retarget(td, ts, s.ino, ft);
        } else {
            dirs.add(td, tn, s.ino, ft, dirGoal(td));
        }
        dirs.remove(fd, fn);
        if (moveDir) {
            dirs.setParent(s, td.ino);
            fd.links(Math.max(2, fd.links() - 1));
            td.links(td.links() + 1);
        }
        s.ctime(now);
        fd.mtime(now);
        fd.ctime(now);
        td.mtime(now);
        td.ctime(now);
        if (t != null) {
            if (t.isDir()) {
                t.links(0);
                map.truncate(t, 0);
                t.size(0);
                td.links(Math.max(2, td.links() - 1));
            } else {
                t.links(Math.max(0, t.links() - 1));
            }
            t.ctime(now);
            dropLinkedInode(t);
        }
    }

    Stat setattr(long ino, SetAttr c) {
        writable();
        Inode in = live(ino);
        long now = nowNs();
        if (c.size() != null) {
            if (in.isDir()) {
                throw new KernelException(Errno.EISDIR, "inode " + ino, "is a directory");
            }
            if (!in.isReg()) {
                throw new KernelException(Errno.EINVAL, "inode " + ino, "not a regular file");
            }
            long size = c.size();
            if (size < 0) {
                throw new KernelException(Errno.EINVAL, "inode " + ino, "size " + size);
            }
            if (size > sb.maxFileSize()) {
                throw new KernelException(Errno.EFBIG, "inode " + ino, "size " + size + " above "
                        + sb.maxFileSize());
            }
            long old = in.size();
            if (size < old) {
                map.truncate(in, (size + bs - 1) / bs);
                zeroTail(in, size);
                in.size(size);
            } else if (size > old) {
                zeroTail(in, old);
                in.size(size);
                grown(size);
            }
            in.mtime(now);
        }
        if (c.mode() != null) {
            in.mode((in.mode() & Sys.S_IFMT) | (c.mode() & 07777));
        }
        if (c.uid() != null) {
            in.uid(c.uid());
        }
        if (c.gid() != null) {
            in.gid(c.gid());
        }
        if (c.atimeNs() != null) {
            in.atime(c.atimeNs());
        }
        if (c.mtimeNs() != null) {
            in.mtime(c.mtimeNs());
        }
        in.ctime(now);
        return stat(in);
    }

    int read(long ino, long pos, byte[] buf, int off, int len) {
        checkBuf(buf, off, len);
        Inode in = regular(ino);
        if (pos < 0) {
            throw new KernelException(Errno.EINVAL, "inode " + ino, "offset " + pos);
        }
        long size = in.size();
        if (pos >= size || len == 0) {
            return 0;
        }
        long end = Math.min(size, pos + len);
        long cur = pos;
        while (cur < end) {
            long l = cur / bs;
            long p = map.map(in, l);
            long run = bs - cur % bs;
            long next = l + 1;
            while (cur + run < end && run < (1 << 24)) {
                long q = map.map(in, next);
                if (p == 0 ? q != 0 : q != p + (next - l)) {
                    break;
                }
                run += bs;
                next++;
            }
            int n = (int) Math.min(run, end - cur);
            int at = off + (int) (cur - pos);
            if (p == 0) {
                Arrays.fill(buf, at, at + n, (byte) 0);
            } else {
                disk.read(p * bs + cur % bs, buf, at, n);
            }
            cur += n;
        }
        return (int) (end - pos);
    }

    int write(long ino, long pos, byte[] buf, int off, int len) {
        checkBuf(buf, off, len);
        writable();
        Inode in = regular(ino);
        if (pos < 0) {
            throw new KernelException(Errno.EINVAL, "inode " + ino, "offset " + pos);
        }
        if (len == 0) {
            return 0;
        }
        if (pos > sb.maxFileSize() - len) {
            throw new KernelException(Errno.EFBIG, "inode " + ino, "write of " + len + " bytes at " + pos
                    + " beyond the largest file (" + sb.maxFileSize() + " bytes)");
        }
        long end = pos + len;
        long old = in.size();
        if (pos > old) {
            zeroTail(in, old);
        }
        long cur = pos;
        try {
            while (cur < end) {
                long l = cur / bs;
                int inBlock = (int) (cur % bs);
                if (inBlock != 0 || end - cur < bs) {
                    int n = (int) Math.min(bs - inBlock, end - cur);
                    long p = map.mapAlloc(in, l, goal(in, l));
                    byte[] blk = new byte[bs];
                    if (!map.fresh) {
                        disk.read(p * bs, blk, 0, bs);
                    }
                    System.arraycopy(buf, off + (int) (cur - pos), blk, inBlock, n);
                    disk.write(p * bs, blk, 0, bs);
                    cur += n;
                    continue;
                }
                long p = map.mapAlloc(in, l, goal(in, l));
                int k = 1;
                try {
                    while (end - (cur + (long) k * bs) >= bs && k < 4096) {
                        long q = map.mapAlloc(in, l + k, p + k);
                        if (q != p + k) {
                            break;
                        }
                        k++;
                    }
                } finally {
                    disk.write(p * bs, buf, off + (int) (cur - pos), k * bs);
                    cur += (long) k * bs;
                }
            }
        } catch (KernelException e) {
            if (cur > pos) {
                finishWrite(in, old, cur);
            }
            if (e.errno() != Errno.ENOSPC || cur == pos) {
                throw e;
            }
            return (int) (cur - pos);
        }
        finishWrite(in, old, cur);
        return (int) (cur - pos);
    }

    private void finishWrite(Inode in, long old, long end) {
        if (end > old) {
            in.size(end);
            grown(end);
        }
        long now = nowNs();
        in.mtime(now);
        in.ctime(now);
    }

    List<DirEntry> readdir(long dirIno, long cookie, int max) {
        return dirs.list(dir(dirIno), cookie, max);
    }

    long seek(long ino, long pos, boolean hole) {
        Inode in = live(ino);
        long size = in.size();
        if (pos < 0) {
            throw new KernelException(Errno.EINVAL, "inode " + ino, "offset " + pos);
        }
        if (pos >= size) {
            throw new KernelException(Errno.ENXIO, "inode " + ino, "offset " + pos + " at or past the end");
        }
        if (!in.isReg()) {
            return hole ? size : pos;
        }
        long last = (size - 1) / bs;
        long l = pos / bs;
        while (l <= last) {
            long r = map.mapOrSkip(in, l);
            if (hole ? r <= 0 : r > 0) {
                return Math.min(size, Math.max(pos, l * bs));
            }
            if (r == BlockMap.BEYOND) {
                break;
            }
            l += r > 0 ? 1 : -r;
        }
        if (hole) {
            return size;
        }
        throw new KernelException(Errno.ENXIO, "inode " + ino, "no data at or after offset " + pos);
    }

    void open(long ino) {
        live(ino);
        opens.merge(ino, 1, Integer::sum);
    }

    void close(long ino) {
        Integer n = opens.get(ino);
        if (n == null) {
            live(ino);
            return;
        }
        if (n > 1) {
            opens.put(ino, n - 1);
            return;
        }
        opens.remove(ino);
        Inode in = inode(ino);
        if (!readOnly() && in.mode() != 0 && in.links() == 0) {
            freeInode(in);
        }
    }

    void fsync(long ino) {
        live(ino);
        flushAll();
    }

    void sync() {
        flushAll();
    }

    StatFs statfs() {
        long free = sb.freeBlocks;
        return new StatFs(Superblock.MAGIC, bs, sb.blocksCount, free, Math.max(0, free - sb.reservedBlocks),
                sb.inodesCount, sb.freeInodes, 0, 255, readOnly() ? Sys.MS_RDONLY : 0);
    }
}
