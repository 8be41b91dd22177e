package org.anykernel.drivers.fs.tmpfs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.StampedLock;

import org.anykernel.base.api.DirEntry;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.Grant;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Stat;
import org.anykernel.base.api.StatFs;
import org.anykernel.base.api.Sys;
import org.anykernel.base.spi.KernelMemory;
import org.anykernel.vfs.api.FileSystem;
import org.anykernel.vfs.api.SetAttr;

/**
 * One mounted tmpfs volume: its inodes, directories and pages, and what it has charged to {@link KernelMemory}.
 *
 * <p>Locking: one {@link StampedLock} per volume (not reentrant: every public method takes it once). Lookups,
 * {@code getattr}, {@code readdir}, data reads and writes, {@code open} and {@code close} share it; namespace changes,
 * {@code setattr} and unmounting hold it exclusively. Data reads and writes of one inode also hold that inode's
 * monitor, so writes to different files run in parallel. Page counts and charged bytes, which parallel writers
 * change, are atomics.
 *
 * <p>Accounting: each data page costs {@link #PAGE} bytes (and counts against {@code size=}); each inode
 * {@link #INODE_COST} bytes plus its symbolic link target; each name {@link #ENTRY_COST} plus its UTF-8 bytes. Every
 * charge is made before the change it pays for, so an {@code ENOMEM} or {@code ENOSPC} leaves the volume unchanged;
 * unmounting gives back everything still charged.
 */
final class Volume {
    static final int PAGE = 4096;
    static final int PAGE_SHIFT = 12;
    /** Bytes charged per inode. */
    static final long INODE_COST = 256;
    /** Bytes charged per directory entry, besides the name. */
    static final long ENTRY_COST = 64;
    /** tmpfs's {@code f_type}. */
    static final long MAGIC = 0x01021994L;
    /** The largest file. */
    static final long MAX_FILE_SIZE = Long.MAX_VALUE;
    /** The most links an inode (or subdirectories a directory) may have. */
    static final long LINK_MAX = Integer.MAX_VALUE;
    /** The longest symbolic link target, in bytes. */
    static final int PATH_MAX = 4096;

    final long handle;
    final String source;
    final boolean readOnly;
    private final long maxPages;
    private final long maxInodes;
    private final KernelMemory memory;
    private final StampedLock lock = new StampedLock();
    /** Pages in use, against {@link #maxPages}. */
    private final AtomicLong pagesUsed = new AtomicLong();
    /** Bytes charged to {@link #memory} and not given back yet. */
    private final AtomicLong charged = new AtomicLong();
    // guarded by lock
    private final InodeTable table = new InodeTable();
    private long nextIno = 1;
    private boolean alive = true;
    private final Inode root;

    /** A volume rebuilt from an exported one ({@link #restore}): no root made here. */
    private Volume(long handle, String source, boolean readOnly, long maxPages, long maxInodes, KernelMemory memory,
                   java.util.Map<Long, Inode> inodes, long rootIno, long nextIno, long pages, long charge) {
        this.handle = handle;
        this.source = source;
        this.readOnly = readOnly;
        this.maxPages = maxPages;
        this.maxInodes = maxInodes;
        this.memory = memory;
        charge(charge);
        pagesUsed.set(pages);
        for (Inode n : inodes.values()) { // a loop, not a lambda: this runs within a live update's pause
            table.put(n);
        }
        this.nextIno = nextIno;
        this.root = inodes.get(rootIno);
    }

    Volume(long handle, String source, boolean readOnly, MountOptions options, KernelMemory memory) {
        this.handle = handle;
        this.source = source;
        this.readOnly = readOnly;
        this.maxPages = options.maxPages();
        this.maxInodes = options.maxInodes();
        this.memory = memory;
        charge(INODE_COST);
        Directory d = new Directory(null);
        root = new Inode(nextIno++, Sys.S_IFDIR | options.rootMode(), options.uid(), options.gid(), now(), INODE_COST,
                d, null, 0);
        d.parent = root;
        table.put(root);
    }

    // ---- helpers (callers hold the lock) ----

    static long now() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private String what(long ino) {
        return "tmpfs " + source + " inode " + ino;
    }

    private KernelException stale(long ino) {
        return new KernelException(Errno.ESTALE, what(ino), alive ? "no such inode" : "volume unmounted");
    }

    private Inode node(long ino) {
        Inode n = alive ? table.get(ino) : null;
        if (n == null) {
            throw stale(ino);
        }
        return n;
    }

    private Inode dirNode(long ino) {
        Inode n = node(ino);
        if (n.dir == null) {
            throw new KernelException(Errno.ENOTDIR, what(ino), "not a directory");
        }
        return n;
    }

    /** A directory that may get new entries: not removed. */
    private Inode liveDir(long ino) {
        Inode n = dirNode(ino);
        if (n.nlink == 0) {
            throw new KernelException(Errno.ENOENT, what(ino), "directory removed");
        }
        return n;
    }

    private Inode regular(long ino) {
        Inode n = node(ino);
        if (!n.isRegular()) {
            throw new KernelException(n.isDir() ? Errno.EISDIR : Errno.EINVAL, what(ino),
                    n.isDir() ? "is a directory" : "not a regular file");
        }
        return n;
    }

    private void writable() {
        if (readOnly) {
            throw new KernelException(Errno.EROFS, "tmpfs " + source, "read-only file system");
        }
    }

    /** The UTF-8 length of a single-component name; EINVAL for a bad one, ENAMETOOLONG for a long one. */
    static int nameBytes(String name) {
        int n = name.length();
        if (n == 0 || name.equals(".") || name.equals("..")) {
            throw new KernelException(Errno.EINVAL, "name '" + name + "'", "not a file name");
        }
        int bytes = 0;
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (c == '/' || c == 0) {
                throw new KernelException(Errno.EINVAL, "name '" + name + "'", "contains '/' or NUL");
            }
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(name.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        if (bytes > FileSystem.NAME_MAX) {
            throw new KernelException(Errno.ENAMETOOLONG, "name '" + name + "'",
                    bytes + " bytes, more than " + FileSystem.NAME_MAX);
        }
        return bytes;
    }

    private void charge(long bytes) {
        memory.charge(bytes);
        charged.addAndGet(bytes);
    }

    private void release(long bytes) {
        if (bytes > 0) {
            charged.addAndGet(-bytes);
            memory.release(bytes);
        }
    }

    /** Takes {@code n} pages from the volume's limit and charges them; ENOSPC or ENOMEM and nothing taken. */
    private void reservePages(long n, long ino) {
        long cur;
        do {
            cur = pagesUsed.get();
            if (maxPages > 0 && cur + n > maxPages) {
                throw new KernelException(Errno.ENOSPC, what(ino), "tmpfs " + source + " full (size limit "
                        + maxPages * PAGE + " bytes)");
            }
        } while (!pagesUsed.compareAndSet(cur, cur + n));
        try {
            charge(n * PAGE);
        } catch (RuntimeException e) {
            pagesUsed.addAndGet(-n);
            throw e;
        }
    }

    private void releasePages(long n) {
        if (n > 0) {
            pagesUsed.addAndGet(-n);
            release(n * PAGE);
        }
    }

    /** Frees an inode without names and not open (exclusive lock). */
    private void free(Inode n) {
        table.remove(n.ino);
        if (n.pages != null) {
            releasePages(n.pages.count());
            n.pages = null;
        }
        release(n.charge);
    }

    /** An inode lost a name (exclusive lock): directories lose all their links and one of their parent's. */
    private void dropLink(Inode n, Inode parent, long now) {
        if (n.isDir()) {
            n.nlink = 0;
            parent.nlink--;
        } else {
            n.nlink--;
        }
        n.touched(now);
        if (n.nlink == 0 && n.openCount == 0) {
            free(n);
        }
    }

    private void checkInodeLimit() {
        if (maxInodes > 0 && table.size() >= maxInodes) {
            throw new KernelException(Errno.ENOSPC, "tmpfs " + source, "no free inodes (nr_inodes " + maxInodes + ")");
        }
    }

    // ---- operations ----

    long root() {
        long s = lock.readLock();
        try {
            if (!alive) {
                throw stale(1);
            }
            return root.ino;
        } finally {
            lock.unlockRead(s);
        }
    }

    Stat getattr(long ino) {
        long s = lock.readLock();
        try {
            return node(ino).stat();
        } finally {
            lock.unlockRead(s);
        }
    }

    Stat lookup(long dirIno, String name) {
        Stat st = lookupIfPresent(dirIno, name);
        if (st == null) {
            throw new KernelException(Errno.ENOENT, name, "no such file or directory");
        }
        return st;
    }

    /** As {@link #lookup}, null when the name is absent. */
    Stat lookupIfPresent(long dirIno, String name) {
        long s = lock.readLock();
        try {
            Inode d = dirNode(dirIno);
            Directory.Entry e = d.dir.get(name);
            if (e != null) {
                return e.node.stat();
            }
            if (name.equals(".")) {
                return d.stat();
            }
            if (name.equals("..")) {
                return d.dir.parent.stat();
            }
            nameBytes(name); // a name too long is ENAMETOOLONG, not absent
            return null;
        } finally {
            lock.unlockRead(s);
        }
    }

    Stat create(long dirIno, String name, int mode, int uid, int gid) {
        int type = mode & Sys.S_IFMT;
        if (type == 0) {
            type = Sys.S_IFREG;
        }
        switch (type) {
            case Sys.S_IFREG, Sys.S_IFDIR, Sys.S_IFCHR, Sys.S_IFBLK, Sys.S_IFIFO, Sys.S_IFSOCK -> { }
            default -> throw new KernelException(Errno.EINVAL, name, "cannot create file type 0" + Integer.toOctalString(type));
        }
        int nb = nameBytes(name);
        long s = lock.writeLock();
        try {
            writable();
            Inode d = liveDir(dirIno);
            if (d.dir.get(name) != null) {
                throw new KernelException(Errno.EEXIST, name, "file exists");
            }
            boolean isDir = type == Sys.S_IFDIR;
            if (isDir && d.nlink >= LINK_MAX) {
                throw new KernelException(Errno.EMLINK, what(dirIno), "too many links");
            }
            checkInodeLimit();
            long entry = ENTRY_COST + nb;
            charge(INODE_COST + entry);
            long now = now();
            Inode n = new Inode(nextIno++, type | (mode & 07777), uid, gid, now, INODE_COST,
                    isDir ? new Directory(d) : null, null, 0);
            table.put(n);
            d.dir.add(name, n, entry);
            if (isDir) {
                d.nlink++;
            }
            d.modified(now);
            return n.stat();
        } finally {
            lock.unlockWrite(s);
        }
    }

    Stat symlink(long dirIno, String name, String target, int uid, int gid) {
        int nb = nameBytes(name);
        if (target.isEmpty()) {
            throw new KernelException(Errno.ENOENT, name, "empty symbolic link target");
        }
        int tb = target.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (tb >= PATH_MAX) {
            throw new KernelException(Errno.ENAMETOOLONG, name, "symbolic link target of " + tb + " bytes");
        }
        long s = lock.writeLock();
        try {
            writable();
            Inode d = liveDir(dirIno);
            if (d.dir.get(name) != null) {
                throw new KernelException(Errno.EEXIST, name, "file exists");
            }
            checkInodeLimit();
            long entry = ENTRY_COST + nb;
            long cost = INODE_COST + tb;
            charge(cost + entry);
            long now = now();
            Inode n = new Inode(nextIno++, Sys.S_IFLNK | 0777, uid, gid, now, cost, null, target, tb);
            table.put(n);
            d.dir.add(name, n, entry);
            d.modified(now);
            return n.stat();
        } finally {
            lock.unlockWrite(s);
        }
    }

    String readlink(long ino) {
        long s = lock.readLock();
        try {
            Inode n = node(ino);
            if (n.target == null) {
                throw new KernelException(Errno.EINVAL, what(ino), "not a symbolic link");
            }
            return n.target;
        } finally {
            lock.unlockRead(s);
        }
    }

    Stat link(long ino, long dirIno, String name) {
        int nb = nameBytes(name);
        long s = lock.writeLock();
        try {
            writable();
            Inode n = node(ino);
            Inode d = liveDir(dirIno);
            if (n.isDir()) {
                throw new KernelException(Errno.EPERM, what(ino), "hard link to a directory");
            }
            if (d.dir.get(name) != null) {
                throw new KernelException(Errno.EEXIST, name, "file exists");
            }
            if (n.nlink == 0) {
                throw new KernelException(Errno.ENOENT, what(ino), "inode has no names left");
            }
            if (n.nlink >= LINK_MAX) {
                throw new KernelException(Errno.EMLINK, what(ino), "too many links");
            }
            long entry = ENTRY_COST + nb;
            charge(entry);
            long now = now();
            d.dir.add(name, n, entry);
            n.nlink++;
            n.touched(now);
            d.modified(now);
            return n.stat();
        } finally {
            lock.unlockWrite(s);
        }
    }

    void unlink(long dirIno, String name, boolean rmdir) {
        long s = lock.writeLock();
        try {
            writable();
            Inode d = dirNode(dirIno);
            Directory.Entry e = d.dir.get(name);
            if (e == null) {
                nameBytes(name);
                throw new KernelException(Errno.ENOENT, name, "no such file or directory");
            }
            Inode n = e.node;
            if (rmdir) {
                if (!n.isDir()) {
                    throw new KernelException(Errno.ENOTDIR, name, "not a directory");
                }
                if (!n.dir.isEmpty()) {
                    throw new KernelException(Errno.ENOTEMPTY, name, "directory not empty");
                }
            } else if (n.isDir()) {
                throw new KernelException(Errno.EISDIR, name, "is a directory");
            }
            long now = now();
            d.dir.remove(e);
            release(e.charge);
            d.modified(now);
            dropLink(n, d, now);
        } finally {
            lock.unlockWrite(s);
        }
    }

    void rename(long fromDirIno, String from, long toDirIno, String to) {
        long s = lock.writeLock();
        try {
            writable();
            Inode fd = dirNode(fromDirIno);
            Inode td = dirNode(toDirIno);
            Directory.Entry e = fd.dir.get(from);
            if (e == null) {
                nameBytes(from);
                throw new KernelException(Errno.ENOENT, from, "no such file or directory");
            }
            int nb = nameBytes(to);
            if (td.nlink == 0) {
                throw new KernelException(Errno.ENOENT, what(toDirIno), "directory removed");
            }
            Inode src = e.node;
            Directory.Entry victim = td.dir.get(to);
            if (victim != null) {
                if (victim.node == src) {
                    return;
                }
                if (src.isDir()) {
                    if (!victim.node.isDir()) {
                        throw new KernelException(Errno.ENOTDIR, to, "not a directory");
                    }
                    if (!victim.node.dir.isEmpty()) {
                        throw new KernelException(Errno.ENOTEMPTY, to, "directory not empty");
                    }
                } else if (victim.node.isDir()) {
                    throw new KernelException(Errno.EISDIR, to, "is a directory");
                }
            }
            boolean moveDir = src.isDir() && fd != td;
            if (moveDir) {
                for (Inode p = td; ; p = p.dir.parent) {
                    if (p == src) {
                        throw new KernelException(Errno.EINVAL, to, "would move a directory below itself");
                    }
                    if (p == root) {
                        break;
                    }
                }
                if (victim == null && td.nlink >= LINK_MAX) {
                    throw new KernelException(Errno.EMLINK, what(toDirIno), "too many links");
                }
            }
            long entry = ENTRY_COST + nb;
            charge(entry);
            long now = now();
            if (victim != null) {
                td.dir.remove(victim);
                release(victim.charge);
                dropLink(victim.node, td, now);
            }
            fd.dir.remove(e);
            release(e.charge);
            td.dir.add(to, src, entry);
            if (moveDir) {
                fd.nlink--;
                td.nlink++;
                src.dir.parent = td;
            }
            src.touched(now);
            fd.modified(now);
            td.modified(now);
        } finally {
            lock.unlockWrite(s);
        }
    }

    Stat setattr(long ino, SetAttr c) {
        long s = lock.writeLock();
        try {
            writable();
            Inode n = node(ino);
            Long size = c.size();
            if (size != null) {
                if (!n.isRegular()) {
                    throw new KernelException(n.isDir() ? Errno.EISDIR : Errno.EINVAL, what(ino),
                            n.isDir() ? "is a directory" : "not a regular file");
                }
                if (size < 0) {
                    throw new KernelException(Errno.EINVAL, what(ino), "negative size " + size);
                }
            }
            long now = now();
            if (c.mode() != null) {
                n.mode = (n.mode & Sys.S_IFMT) | (c.mode() & 07777);
            }
            if (c.uid() != null) {
                n.uid = c.uid();
            }
            if (c.gid() != null) {
                n.gid = c.gid();
            }
            if (size != null) {
                truncate(n, size);
                n.mtimeNs = now;
            }
            if (c.atimeNs() != null) {
                n.atimeNs = c.atimeNs();
            }
            if (c.mtimeNs() != null) {
                n.mtimeNs = c.mtimeNs();
            }
            n.touched(now);
            return n.stat();
        } finally {
            lock.unlockWrite(s);
        }
    }

    /** Sets the size of a regular file, dropping the pages past a new end and zeroing the tail of the last one. */
    private void truncate(Inode n, long size) {
        if (size < n.size && n.pages != null) {
            releasePages(n.pages.removeFrom((size + PAGE - 1) >>> PAGE_SHIFT));
            int tail = (int) (size & (PAGE - 1));
            if (tail != 0) {
                byte[] last = n.pages.get(size >>> PAGE_SHIFT);
                if (last != null) {
                    Arrays.fill(last, tail, PAGE, (byte) 0);
                }
            }
            if (n.pages.count() == 0) {
                n.pages = null;
            }
        }
        n.size = size;
    }

    /** Reads into {@code dst} (the caller's buffer, or a window of it lent to this domain) straight from the pages. */
    int read(long ino, long pos, Grant dst) {
        int len = dst.length();
        if (pos < 0) {
            throw new KernelException(Errno.EINVAL, what(ino), "negative offset " + pos);
        }
        long s = lock.readLock();
        try {
            Inode n = regular(ino);
            synchronized (n) {
                long size = n.size;
                if (len == 0 || pos >= size) {
                    return 0;
                }
                int count = (int) Math.min(len, size - pos);
                Pages pages = n.pages;
                int done = 0;
                while (done < count) {
                    long p = pos + done;
                    int in = (int) (p & (PAGE - 1));
                    int k = Math.min(PAGE - in, count - done);
                    byte[] page = pages == null ? null : pages.get(p >>> PAGE_SHIFT);
                    if (page == null) {
                        dst.fill(done, k, (byte) 0);
                    } else {
                        dst.put(done, page, in, k);
                    }
                    done += k;
                }
                return count;
            }
        } finally {
            lock.unlockRead(s);
        }
    }

    /** Writes from {@code src} (the caller's buffer, or a window of it lent to this domain) straight into the pages. */
    int write(long ino, long pos, Grant src) {
        int len = src.length();
        if (pos < 0) {
            throw new KernelException(Errno.EINVAL, what(ino), "negative offset " + pos);
        }
        if (pos > MAX_FILE_SIZE - len) {
            throw new KernelException(Errno.EFBIG, what(ino), "write past the largest file size");
        }
        long s = lock.readLock();
        try {
            writable();
            Inode n = regular(ino);
            if (len == 0) {
                return 0;
            }
            synchronized (n) {
                long first = pos >>> PAGE_SHIFT;
                long last = (pos + len - 1) >>> PAGE_SHIFT;
                Pages pages = n.pages;
                long missing = 0;
                if (pages == null) {
                    missing = last - first + 1;
                } else {
                    for (long i = first; i <= last; i++) {
                        if (pages.get(i) == null) {
                            missing++;
                        }
                    }
                }
                if (missing > 0) {
                    reservePages(missing, ino);
                    if (pages == null) {
                        pages = new Pages();
                        n.pages = pages;
                    }
                }
                int done = 0;
                while (done < len) {
                    long p = pos + done;
                    int in = (int) (p & (PAGE - 1));
                    int k = Math.min(PAGE - in, len - done);
                    long idx = p >>> PAGE_SHIFT;
                    byte[] page = pages.get(idx);
                    if (page == null) {
                        page = new byte[PAGE];
                        pages.put(idx, page);
                    }
                    src.get(done, page, in, k);
                    done += k;
                }
                if (pos + len > n.size) {
                    n.size = pos + len;
                }
                n.modified(now());
                return len;
            }
        } finally {
            lock.unlockRead(s);
        }
    }

    long seek(long ino, long pos, boolean hole) {
        long s = lock.readLock();
        try {
            Inode n = node(ino);
            if (!n.isRegular()) {
                throw new KernelException(Errno.EINVAL, what(ino), "SEEK_DATA/SEEK_HOLE on a file that is not regular");
            }
            synchronized (n) {
                long size = n.size;
                if (pos < 0 || pos >= size) {
                    throw new KernelException(Errno.ENXIO, what(ino), "offset " + pos + " at or past the end");
                }
                long idx = pos >>> PAGE_SHIFT;
                Pages pages = n.pages;
                if (hole) {
                    long at = pages == null ? idx : pages.nextAbsent(idx);
                    if (at > (size >>> PAGE_SHIFT)) {
                        return size;
                    }
                    return Math.min(size, Math.max(pos, at << PAGE_SHIFT));
                }
                long at = pages == null ? -1 : pages.nextPresent(idx);
                if (at < 0 || at > ((size - 1) >>> PAGE_SHIFT)) {
                    throw new KernelException(Errno.ENXIO, what(ino), "no data at or after offset " + pos);
                }
                return Math.max(pos, at << PAGE_SHIFT);
            }
        } finally {
            lock.unlockRead(s);
        }
    }

    List<DirEntry> readdir(long dirIno, long cookie, int max) {
        if (cookie < 0) {
            throw new KernelException(Errno.EINVAL, what(dirIno), "bad directory cookie " + cookie);
        }
        long s = lock.readLock();
        try {
            Inode d = dirNode(dirIno);
            Directory dir = d.dir;
            List<DirEntry> out = new ArrayList<>(Math.max(0, Math.min(max, 64)));
            long c = cookie;
            if (c == 0 && out.size() < max) {
                out.add(new DirEntry(d.ino, 1, Sys.DT_DIR, "."));
                c = 1;
            }
            if (c == 1 && out.size() < max) {
                out.add(new DirEntry(dir.parent.ino, 2, Sys.DT_DIR, ".."));
                c = 2;
            }
            if (c >= 2) {
                for (int i = dir.indexOf(c), len = dir.length(); i < len && out.size() < max; i++) {
                    Directory.Entry e = dir.at(i);
                    if (!e.dead) {
                        out.add(new DirEntry(e.node.ino, e.seq + 1, Sys.dtype(e.node.mode), e.name));
                    }
                }
            }
            return out;
        } finally {
            lock.unlockRead(s);
        }
    }

    void open(long ino) {
        long s = lock.readLock();
        try {
            Inode n = node(ino);
            synchronized (n) {
                n.openCount++;
            }
        } finally {
            lock.unlockRead(s);
        }
    }

    void close(long ino) {
        boolean orphan;
        Inode n;
        long s = lock.readLock();
        try {
            n = node(ino);
            synchronized (n) {
                if (n.openCount > 0) {
                    n.openCount--;
                }
                orphan = n.openCount == 0 && n.nlink == 0;
            }
        } finally {
            lock.unlockRead(s);
        }
        if (orphan) {
            s = lock.writeLock();
            try {
                if (alive && table.get(ino) == n && n.openCount == 0 && n.nlink == 0) {
                    free(n);
                }
            } finally {
                lock.unlockWrite(s);
            }
        }
    }

    /** Checks that {@code ino} (or, if negative, the volume) is still there; tmpfs has nothing to write back. */
    void check(long ino) {
        long s = lock.readLock();
        try {
            if (ino < 0) {
                if (!alive) {
                    throw stale(ino);
                }
            } else {
                node(ino);
            }
        } finally {
            lock.unlockRead(s);
        }
    }

    StatFs statfs() {
        long s = lock.readLock();
        try {
            if (!alive) {
                throw stale(root.ino);
            }
            long quota = memory.quota();
            long free = Math.max(0, quota - memory.used());
            long blocks;
            long bfree;
            if (maxPages > 0) {
                blocks = maxPages;
                bfree = Math.min(Math.max(0, maxPages - pagesUsed.get()), free / PAGE);
            } else {
                blocks = quota / PAGE;
                bfree = free / PAGE;
            }
            long used = table.size();
            long files;
            long ffree;
            if (maxInodes > 0) {
                files = maxInodes;
                ffree = Math.max(0, maxInodes - used);
            } else {
                ffree = free / INODE_COST;
                files = used + ffree;
            }
            return new StatFs(MAGIC, PAGE, blocks, bfree, bfree, files, ffree, 0, FileSystem.NAME_MAX,
                    readOnly ? Sys.MS_RDONLY : 0);
        } finally {
            lock.unlockRead(s);
        }
    }

    /**
     * The whole volume as values (a live update, {@code StateTransfer}): its limits and every inode with its
     * attributes, open count, pages, symbolic link target or directory entries (with their sequence numbers, so
     * readdir positions stay valid). Everything a new build of the driver needs to rebuild it under the same handle.
     */
    java.util.Map<String, Object> export() {
        long s = lock.writeLock();
        try {
            java.util.List<Object> inodes = new java.util.ArrayList<>();
            for (Inode n : table.all()) { // a loop, not a lambda: this runs within a live update's pause
                java.util.Map<String, Object> m = new java.util.HashMap<>();
                m.put("ino", n.ino);
                m.put("attrs", new long[] {n.mode, n.uid, n.gid, n.nlink, n.size, n.atimeNs, n.mtimeNs, n.ctimeNs,
                    n.openCount, n.charge});
                if (n.target != null) {
                    m.put("target", n.target);
                }
                if (n.pages != null) {
                    // the page tree handed over whole, not copied nor walked: the exporting volume is unmounted
                    // right after (calls held), and the tree is plain arrays either build can hold
                    m.put("tree", n.pages.export());
                }
                if (n.dir != null) {
                    java.util.List<Object> entries = new java.util.ArrayList<>();
                    for (int i = 0; i < n.dir.length(); i++) {
                        Directory.Entry e = n.dir.at(i);
                        if (!e.dead) {
                            entries.add(java.util.List.of(e.name, e.node.ino, e.seq, e.charge));
                        }
                    }
                    m.put("entries", entries);
                    m.put("nextSeq", n.dir.nextSeq());
                    m.put("parent", n.dir.parent.ino);
                }
                inodes.add(m);
            }
            return java.util.Map.of("handle", handle, "source", source, "readOnly", readOnly, "maxPages", maxPages,
                    "maxInodes", maxInodes, "nextIno", nextIno, "root", root.ino, "inodes", inodes);
        } finally {
            lock.unlockWrite(s);
        }
    }

    /** Rebuilds an exported volume, charging its memory again ({@code ENOMEM} past the quota: nothing kept). */
    static Volume restore(java.util.Map<String, Object> m, KernelMemory memory) {
        java.util.Map<Long, Inode> inodes = new java.util.HashMap<>();
        java.util.List<?> list = (java.util.List<?>) m.get("inodes");
        long pages = 0;
        long charge = 0;
        for (Object o : list) {
            java.util.Map<?, ?> im = (java.util.Map<?, ?>) o;
            long[] a = (long[]) im.get("attrs");
            Directory dir = im.containsKey("entries") ? new Directory(null) : null;
            Inode n = new Inode((Long) im.get("ino"), (int) a[0], (int) a[1], (int) a[2], a[5], a[9], dir,
                    (String) im.get("target"), a[4]);
            n.nlink = a[3];
            n.atimeNs = a[5];
            n.mtimeNs = a[6];
            n.ctimeNs = a[7];
            n.openCount = (int) a[8];
            charge += a[9];
            if (im.get("tree") instanceof Object[] tree) {
                n.pages = Pages.adopt(tree);
                pages += n.pages.count();
            } else if (im.get("pages") instanceof java.util.Map<?, ?> ps) {
                // format 1: page by page
                n.pages = new Pages();
                for (var e : ps.entrySet()) {
                    n.pages.put((Long) e.getKey(), (byte[]) e.getValue());
                }
                pages += ps.size();
            }
            inodes.put(n.ino, n);
        }
        for (Object o : list) {
            java.util.Map<?, ?> im = (java.util.Map<?, ?>) o;
            if (!im.containsKey("entries")) {
                continue;
            }
            Inode d = inodes.get((Long) im.get("ino"));
            d.dir.parent = inodes.get((Long) im.get("parent"));
            for (Object eo : (java.util.List<?>) im.get("entries")) {
                java.util.List<?> e = (java.util.List<?>) eo;
                d.dir.restore((String) e.get(0), inodes.get((Long) e.get(1)), (Long) e.get(2), (Long) e.get(3));
                charge += (Long) e.get(3);
            }
            d.dir.setNextSeq((Long) im.get("nextSeq"));
        }
        return new Volume((Long) m.get("handle"), (String) m.get("source"), (Boolean) m.get("readOnly"),
                (Long) m.get("maxPages"), (Long) m.get("maxInodes"), memory, inodes, (Long) m.get("root"),
                (Long) m.get("nextIno"), pages, charge + pages * PAGE);
    }

    /** Forgets everything and gives back all the memory charged; every handle becomes {@code ESTALE}. */
    void unmount() {
        long s = lock.writeLock();
        try {
            if (!alive) {
                return;
            }
            alive = false;
            release(charged.get());
            pagesUsed.set(0);
        } finally {
            lock.unlockWrite(s);
        }
    }

    /** Bytes this volume has charged to kernel memory (for tests and diagnostics). */
    long charged() {
        return charged.get();
    }
}
