package org.anykernel.vfs.internal;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.anykernel.base.api.Credentials;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Stat;
import org.anykernel.base.api.StatFs;
import org.anykernel.base.api.Sys;
import org.anykernel.base.spi.FactionInstance;
import org.anykernel.base.spi.KernelContext;
import org.anykernel.base.spi.KernelProcess;
import org.anykernel.base.spi.KernelServiceRef;
import org.anykernel.base.spi.NameSpace;
import org.anykernel.base.spi.OpenFile;
import org.anykernel.vfs.api.FileSystem;
import org.anykernel.vfs.api.SetAttr;

/**
 * The VFS of one kernel: the file system types present, the mount table, and every operation on paths. It serves
 * {@code /} in the kernel's name space (other factions serve their prefixes, {@code /dev}), registers the path
 * syscalls, and turns paths into driver calls by volume handle and inode number ({@link FileSystem}).
 *
 * <p>The root: whatever is mounted on {@code /}; a kernel with a {@code tmpfs} driver and nothing mounted there
 * mounts one at its first path operation, with {@code /dev}, {@code /mnt} and {@code /tmp} in it.
 */
final class Vfs implements FactionInstance, NameSpace {
    private static final System.Logger LOG = System.getLogger(Vfs.class.getName());
    /** Device numbers of mounts start here ({@code /dev} is 1). */
    private static final int FIRST_MOUNT_ID = 16;
    /**
     * The page cache's limit, per kernel: {@code anykernel.vfs.cache.bytes}, else an eighth of the JVM's heap (at
     * least 32 MiB), as Linux lets its page cache use the memory nothing else does; never more than half the kernel's
     * memory quota.
     */
    static long pageCacheBytes(long quota) {
        long configured = Long.getLong("anykernel.vfs.cache.bytes",
                Math.max(32L << 20, Runtime.getRuntime().maxMemory() / 8));
        return Math.max(0, Math.min(configured, quota / 2));
    }

    private record Key(int mount, long ino) {
    }

    private final KernelContext kernel;
    private final Lookup lookup = new Lookup(this);
    private final Map<String, FileSystem> types = new ConcurrentHashMap<>();
    private final List<Mount> mounts = new CopyOnWriteArrayList<>();
    private final Map<Key, Mount> mountedOn = new ConcurrentHashMap<>();
    private final AtomicInteger nextMountId = new AtomicInteger(FIRST_MOUNT_ID);
    private final Object mountLock = new Object();
    private final List<AutoCloseable> registrations = new ArrayList<>();
    private final Runnable onClose;
    /** File data of device-backed volumes; charged to the kernel's memory account. */
    private final PageCache cache;
    private volatile Mount root;

    Vfs(KernelContext kernel, Runnable onClose) {
        this.kernel = kernel;
        this.onClose = onClose;
        this.cache = new PageCache(kernel.memory(), pageCacheBytes(kernel.memory().quota()));
        registrations.add(kernel.mount("/", this));
        VfsSyscalls.register(this, kernel.syscalls(), registrations);
    }

    KernelContext kernel() {
        return kernel;
    }

    // ---- driver binding

    @Override
    public void bind(KernelServiceRef ref) {
        if (ref.service() instanceof FileSystem fs) {
            String type = ref.property(FileSystem.TYPE, null);
            if (type != null && !type.isEmpty()) {
                types.put(type, fs);
            }
        }
    }

    @Override
    public void unbind(KernelServiceRef ref) {
        if (ref.service() instanceof FileSystem fs) {
            types.values().removeIf(f -> f == fs);
            synchronized (mountLock) {
                for (Mount m : mounts) {
                    if (m.fs == fs) {
                        drop(m);
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        synchronized (mountLock) {
            List<Mount> all = new ArrayList<>(mounts);
            all.sort(Comparator.comparingInt((Mount m) -> m.path.length()).reversed());
            for (Mount m : all) {
                try {
                    if (m.cache != null) {
                        m.cache.writeBackAll(m);
                    }
                    m.fs.unmount(m.vol);
                } catch (KernelException e) {
                    LOG.log(Level.WARNING, "unmounting {0} as the kernel closes: {1}", m.path, e.getMessage());
                }
                drop(m);
            }
        }
        for (AutoCloseable r : registrations) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "closing the VFS of kernel {0}: {1}", kernel.name(), e.toString());
            }
        }
        onClose.run();
    }

    /** The file system types present, by name. */
    Map<String, FileSystem> types() {
        return Map.copyOf(types);
    }

    /** The page cache's pages, dirty pages, hits, misses and write-backs. */
    long[] cacheStats() {
        return cache.stats();
    }

    /** The mount table, in mount order. */
    List<Mount> mounts() {
        return List.copyOf(mounts);
    }

    // ---- the root and mount points

    /** The root directory: {@code ENOENT} naming {@code what} if nothing is mounted on {@code /}. */
    Node root(String what) {
        Mount r = root;
        if (r == null) {
            r = autoRoot();
            if (r == null) {
                throw new KernelException(Errno.ENOENT, what, "no file system is mounted on /");
            }
        }
        return r.root();
    }

    private Mount autoRoot() {
        FileSystem tmpfs = types.get("tmpfs");
        if (tmpfs == null) {
            return null;
        }
        synchronized (mountLock) {
            if (root == null) {
                Mount m = attach(tmpfs, "tmpfs", "rootfs", null, false, 0, null, null, "/");
                for (String d : new String[] {"dev", "mnt", "tmp"}) {
                    tmpfs.create(m.vol, m.rootIno, d, Sys.S_IFDIR | (d.equals("tmp") ? 01777 : 0755), 0, 0);
                }
            }
            return root;
        }
    }

    /** {@code n}, or the root of what is mounted on it. */
    Node cross(Node n) {
        if (!n.isDir() || mountedOn.isEmpty()) {
            return n;
        }
        Mount m = mountedOn.get(new Key(n.mount().id, n.ino()));
        return m == null ? n : m.root();
    }

    private Mount attach(FileSystem fs, String type, String source, OpenFile device, boolean readOnly, long flags,
                         String options, Node covered, String path) {
        long vol = fs.mount(device, source, readOnly, options);
        Mount m;
        try {
            long rootIno = fs.root(vol);
            boolean ro = readOnly || (fs.statfs(vol).flags() & Sys.MS_RDONLY) != 0;
            m = new Mount(nextMountId.getAndIncrement(), fs, type, vol, source, ro, flags | (ro ? Sys.MS_RDONLY : 0),
                    device, covered, rootIno, path, device != null ? cache : null);
        } catch (RuntimeException e) {
            fs.unmount(vol);
            throw e;
        }
        mounts.add(m);
        if (covered == null) {
            root = m;
        } else {
            mountedOn.put(new Key(covered.mount().id, covered.ino()), m);
        }
        return m;
    }

    private void drop(Mount m) {
        m.gone = true;
        if (m.cache != null) {
            m.cache.forget(m, -1);
        }
        mounts.remove(m);
        if (m.covered != null) {
            mountedOn.remove(new Key(m.covered.mount().id, m.covered.ino()), m);
        }
        if (root == m) {
            root = null;
        }
        if (m.device != null) {
            m.device.release();
        }
    }

    /**
     * {@code mount(2)}: mounts a volume of {@code type} from {@code source} on the directory {@code target}.
     * Only the superuser mounts ({@code EPERM}); {@code ENODEV} for an unknown type; {@code EBUSY} if something is
     * mounted there already; {@code ENOTBLK} if a device-backed type is given something that is neither a block
     * device nor a regular file (an image).
     */
    void mount(KernelProcess p, String source, String target, String type, long flags, String options) {
        if (!p.credentials().isRoot()) {
            throw new KernelException(Errno.EPERM, "mount " + target, "only the superuser mounts");
        }
        FileSystem fs = types.get(type);
        if (fs == null) {
            throw new KernelException(Errno.ENODEV, "mount " + target, "unknown file system type '" + type
                    + "' (known: " + String.join(", ", new java.util.TreeSet<>(types.keySet())) + ")");
        }
        boolean readOnly = (flags & Sys.MS_RDONLY) != 0;
        synchronized (mountLock) {
            Node covered = null;
            String path = Lookup.normalize(p.cwd(), target);
            if (root != null || !path.equals("/")) {
                Node t = resolve(p, target, true);
                if (!t.isDir()) {
                    throw new KernelException(Errno.ENOTDIR, "mount " + target, "not a directory");
                }
                if (t.ino() == t.mount().rootIno) {
                    throw new KernelException(Errno.EBUSY, "mount " + target, "already a mount point ("
                            + t.mount() + ")");
                }
                covered = t;
            }
            OpenFile device = null;
            if (fs.needsDevice()) {
                device = openDevice(p, source, readOnly);
            }
            try {
                attach(fs, type, source, device, readOnly, flags, options, covered, path);
            } catch (RuntimeException e) {
                if (device != null) {
                    device.release();
                }
                throw e;
            }
        }
    }

    private OpenFile openDevice(KernelProcess p, String source, boolean readOnly) {
        if (source == null || source.isEmpty()) {
            throw new KernelException(Errno.ENOTBLK, "mount", "no source device given");
        }
        String abs = Lookup.normalize(p.cwd(), source);
        OpenFile dev = kernel.open(p, abs, readOnly ? Sys.O_RDONLY : Sys.O_RDWR, 0);
        try {
            int t = dev.fstat().type();
            if (t != Sys.S_IFBLK && t != Sys.S_IFREG) {
                throw new KernelException(Errno.ENOTBLK, source, "not a block device or an image file");
            }
        } catch (RuntimeException e) {
            dev.release();
            throw e;
        }
        return dev;
    }

    /**
     * {@code umount2(2)}: {@code EINVAL} if {@code target} is not a mount point, {@code EBUSY} if it is in use (unless
     * {@code MNT_FORCE}). A forced unmount also goes when data cannot be written back or the file system fails to
     * unmount (its device is gone): what was not written is dropped and logged, the mount is removed.
     */
    void umount(KernelProcess p, String target, int flags) {
        if (!p.credentials().isRoot()) {
            throw new KernelException(Errno.EPERM, "umount " + target, "only the superuser unmounts");
        }
        if ((flags & ~(Sys.MNT_FORCE | Sys.MNT_DETACH)) != 0) {
            throw new KernelException(Errno.EINVAL, "umount " + target, "unknown flags 0x" + Integer.toHexString(flags));
        }
        synchronized (mountLock) {
            Node t = resolve(p, target, true);
            Mount m = t.mount();
            if (t.ino() != m.rootIno) {
                throw new KernelException(Errno.EINVAL, "umount " + target, "not a mount point");
            }
            for (Mount o : mounts) {
                if (o.covered != null && o.covered.mount() == m) {
                    throw new KernelException(Errno.EBUSY, "umount " + target, o.path + " is mounted below it");
                }
            }
            boolean force = (flags & Sys.MNT_FORCE) != 0;
            if (!m.open.isEmpty() && !force) {
                throw new KernelException(Errno.EBUSY, "umount " + target, m.open.size() + " open file(s) on it");
            }
            if (!force) {
                if (m.cache != null) {
                    m.cache.writeBackAll(m);
                }
                m.fs.unmount(m.vol);
                drop(m);
                return;
            }
            // forced (a dead device): what cannot be written is dropped, and the mount goes whatever fails
            try {
                if (m.cache != null) {
                    m.cache.writeBackAll(m);
                }
            } catch (KernelException e) {
                LOG.log(Level.WARNING, "umount -f {0}: unwritten data dropped: {1}", m.path, e.getMessage());
            }
            try {
                m.fs.unmount(m.vol);
            } catch (KernelException e) {
                LOG.log(Level.WARNING, "umount -f {0}: the file system did not unmount cleanly: {1}", m.path,
                        e.getMessage());
            } finally {
                drop(m);
            }
        }
    }

    /** {@code sync(2)}: every mounted volume. */
    void sync() {
        cache.writeBackAll(null);
        for (Mount m : mounts) {
            if (!m.readOnly) {
                m.fs.sync(m.vol);
            }
        }
    }

    // ---- lookups

    Node resolve(KernelProcess p, String path, boolean follow) {
        return lookup.resolve(p.credentials(), p.cwd(), path, follow);
    }

    /** The inode's status, with the size its cached dirty pages give it. */
    Stat getattr(Node n) {
        Mount m = n.mount();
        Stat st = m.fs.getattr(m.vol, n.ino());
        long cached = m.cache == null ? -1 : m.cache.size(m, n.ino());
        if (cached > st.size()) {
            st = new Stat(st.dev(), st.ino(), st.mode(), st.nlink(), st.uid(), st.gid(), st.rdev(), cached,
                    st.blksize(), st.blocks(), st.atimeNs(), st.mtimeNs(), st.ctimeNs());
        }
        return st.withDev(m.id);
    }

    /** {@code stat(2)} / {@code lstat(2)}. */
    Stat stat(KernelProcess p, String path, boolean follow) {
        try {
            return getattr(resolve(p, path, follow));
        } catch (Lookup.Foreign f) {
            return f.where.space().stat(p, f.abs, f.where.rest(), follow);
        }
    }

    @Override
    public Stat stat(KernelProcess p, String path, String rest, boolean follow) {
        return stat(p, path, follow);
    }

    /** {@code statfs(2)}. */
    StatFs statfs(KernelProcess p, String path) {
        Node n = resolve(p, path, true);
        return statfs(n.mount());
    }

    StatFs statfs(Mount m) {
        return m.fs.statfs(m.vol).withMount(m.id, m.readOnly ? Sys.MS_RDONLY : 0);
    }

    /** {@code chdir(2)}: the canonical path of the directory becomes the working directory. */
    void chdir(KernelProcess p, String path) {
        String abs = Lookup.normalize(p.cwd(), path);
        Stat st = stat(p, path, true);
        if (!st.isDirectory()) {
            throw new KernelException(Errno.ENOTDIR, path, "not a directory");
        }
        if (!Perm.allowed(p.credentials(), st, Perm.X)) {
            throw new KernelException(Errno.EACCES, path, "no search permission");
        }
        p.setCwd(abs);
    }

    // ---- open

    @Override
    public OpenFile open(KernelProcess p, String path, String rest, int flags, int mode) {
        try {
            return openFile(p, path, flags, mode);
        } catch (Lookup.Foreign f) {
            return f.where.space().open(p, f.abs, f.where.rest(), flags, mode);
        }
    }

    private OpenFile openFile(KernelProcess p, String path, int flags, int mode) {
        Credentials c = p.credentials();
        boolean write = Sys.writable(flags);
        boolean created = false;
        Node n;
        if ((flags & Sys.O_CREAT) == 0) {
            n = resolve(p, path, (flags & Sys.O_NOFOLLOW) == 0);
            if (n.isLink()) {
                throw new KernelException(Errno.ELOOP, path, "a symbolic link (O_NOFOLLOW)");
            }
        } else {
            Lookup.Parent par = lookup.parent(c, p.cwd(), path);
            Node existing = par.name() == null || par.name().equals(".") || par.name().equals("..")
                    ? resolve(p, path, true) : lookup.childOrNull(c, par.dir(), par.name());
            if (existing == null) {
                if (par.slash()) {
                    throw new KernelException(Errno.EISDIR, path, "cannot create a regular file with a trailing slash");
                }
                Mount m = writableDir(c, par.dir(), path);
                Stat st = m.fs.create(m.vol, par.dir().ino(), par.name(), Sys.S_IFREG | (mode & 07777), c.uid(),
                        c.gid());
                n = new Node(m, st.ino(), st.mode());
                created = true;
            } else if ((flags & Sys.O_EXCL) != 0) {
                throw new KernelException(Errno.EEXIST, path, "file exists (O_EXCL)");
            } else if (existing.isLink()) {
                if ((flags & Sys.O_NOFOLLOW) != 0) {
                    throw new KernelException(Errno.ELOOP, path, "a symbolic link (O_NOFOLLOW)");
                }
                n = resolve(p, path, true);
            } else {
                n = existing;
            }
            if (n.isDir()) {
                throw new KernelException(Errno.EISDIR, path, "is a directory (O_CREAT)");
            }
        }
        if ((flags & Sys.O_DIRECTORY) != 0 && !n.isDir()) {
            throw new KernelException(Errno.ENOTDIR, path, "not a directory (O_DIRECTORY)");
        }
        if (n.isDir() && write) {
            throw new KernelException(Errno.EISDIR, path, "is a directory: cannot open it for writing");
        }
        Mount m = n.mount();
        Stat st = null;
        if (!created) {
            st = getattr(n);
            int want = (Sys.readable(flags) ? Perm.R : 0) | (write ? Perm.W : 0)
                    | ((flags & Sys.O_TRUNC) != 0 ? Perm.W : 0);
            Perm.check(c, st, want, path);
        }
        if ((write || (flags & Sys.O_TRUNC) != 0) && m.readOnly && Sys.isReg(n.mode())) {
            throw new KernelException(Errno.EROFS, path, "read-only file system (" + m + ")");
        }
        if ((flags & Sys.O_TRUNC) != 0 && !created && Sys.isReg(n.mode()) && st.size() > 0) {
            m.setattr(n.ino(), SetAttr.size(0));
        }
        Vnode v = Vnode.acquire(n);
        return new VfsFile(this, p, path, v, flags);
    }

    /** The mount of directory {@code dir}, checked writable and searchable for {@code c}. */
    private Mount writableDir(Credentials c, Node dir, String what) {
        Mount m = dir.mount();
        if (m.readOnly) {
            throw new KernelException(Errno.EROFS, what, "read-only file system (" + m + ")");
        }
        if (!c.isRoot()) {
            Perm.check(c, m.fs.getattr(m.vol, dir.ino()), Perm.W | Perm.X, what);
        }
        return m;
    }

    // ---- changes to names

    /** {@code mkdir(2)}. */
    void mkdir(KernelProcess p, String path, int mode) {
        Credentials c = p.credentials();
        Lookup.Parent par = parentOrForeign(p, path, "mkdir");
        if (par.name() == null || par.name().equals(".") || par.name().equals("..")) {
            throw new KernelException(Errno.EEXIST, path, "exists");
        }
        if (lookup.childOrNull(c, par.dir(), par.name()) != null) {
            throw new KernelException(Errno.EEXIST, path, "file exists");
        }
        Mount m = writableDir(c, par.dir(), path);
        m.fs.create(m.vol, par.dir().ino(), par.name(), Sys.S_IFDIR | (mode & ~p.umask() & 07777), c.uid(), c.gid());
    }

    /** {@code unlink(2)} ({@code dir} false) and {@code rmdir(2)} (true). */
    void remove(KernelProcess p, String path, boolean dir) {
        Credentials c = p.credentials();
        Lookup.Parent par = parentOrForeign(p, path, dir ? "rmdir" : "unlink");
        String name = par.name();
        if (name == null) {
            throw new KernelException(Errno.EBUSY, path, "the root cannot be removed");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new KernelException(dir ? (name.equals(".") ? Errno.EINVAL : Errno.ENOTEMPTY) : Errno.EISDIR, path,
                    "cannot remove " + name);
        }
        Node n = lookup.child(c, par.dir(), name, path);
        if (n.mount() != par.dir().mount()) {
            throw new KernelException(Errno.EBUSY, path, "a mount point");
        }
        if (par.slash() && !n.isDir()) {
            throw new KernelException(Errno.ENOTDIR, path, "not a directory (trailing slash)");
        }
        Mount m = writableDir(c, par.dir(), path);
        Perm.sticky(c, m.fs.getattr(m.vol, par.dir().ino()), m.fs.getattr(m.vol, n.ino()), path);
        m.fs.unlink(m.vol, par.dir().ino(), name, dir);
        m.maybeFreed(n.ino());
    }

    /** {@code link(2)}: a new name {@code to} for the file {@code from} (not followed if a symbolic link). */
    void link(KernelProcess p, String from, String to) {
        Credentials c = p.credentials();
        Node src = resolve(p, from, false);
        if (src.isDir()) {
            throw new KernelException(Errno.EPERM, from, "cannot hard-link a directory");
        }
        Lookup.Parent par = parentOrForeign(p, to, "link");
        if (par.name() == null || par.name().equals(".") || par.name().equals("..")
                || lookup.childOrNull(c, par.dir(), par.name()) != null) {
            throw new KernelException(Errno.EEXIST, to, "file exists");
        }
        if (src.mount() != par.dir().mount()) {
            throw new KernelException(Errno.EXDEV, to, "link across mounts (" + src.mount().path + " and "
                    + par.dir().mount().path + ")");
        }
        Mount m = writableDir(c, par.dir(), to);
        m.fs.link(m.vol, src.ino(), par.dir().ino(), par.name());
    }

    /** {@code symlink(2)}. */
    void symlink(KernelProcess p, String target, String linkPath) {
        Credentials c = p.credentials();
        if (target.isEmpty()) {
            throw new KernelException(Errno.ENOENT, linkPath, "empty symbolic link target");
        }
        Lookup.check(target);
        Lookup.Parent par = parentOrForeign(p, linkPath, "symlink");
        if (par.name() == null || par.name().equals(".") || par.name().equals("..")
                || lookup.childOrNull(c, par.dir(), par.name()) != null) {
            throw new KernelException(Errno.EEXIST, linkPath, "file exists");
        }
        Mount m = writableDir(c, par.dir(), linkPath);
        m.fs.symlink(m.vol, par.dir().ino(), par.name(), target, c.uid(), c.gid());
    }

    /** {@code readlink(2)}. */
    String readlink(KernelProcess p, String path) {
        Node n = resolve(p, path, false);
        if (!n.isLink()) {
            throw new KernelException(Errno.EINVAL, path, "not a symbolic link");
        }
        return n.mount().fs.readlink(n.mount().vol, n.ino());
    }

    /**
     * {@code rename(2)}: {@code EXDEV} across mounts, {@code EINVAL} for a directory into itself or below,
     * {@code EBUSY} for a mount point; the driver replaces {@code to} atomically.
     */
    void rename(KernelProcess p, String from, String to) {
        Credentials c = p.credentials();
        Lookup.Parent a = parentOrForeign(p, from, "rename");
        Lookup.Parent b = parentOrForeign(p, to, "rename");
        for (Lookup.Parent x : List.of(a, b)) {
            if (x.name() == null || x.name().equals(".") || x.name().equals("..")) {
                throw new KernelException(x.name() == null ? Errno.EBUSY : Errno.EINVAL, x == a ? from : to,
                        "cannot rename " + (x.name() == null ? "the root" : x.name()));
            }
        }
        Node src = lookup.child(c, a.dir(), a.name(), from);
        if (src.mount() != a.dir().mount()) {
            throw new KernelException(Errno.EBUSY, from, "a mount point");
        }
        if (a.dir().mount() != b.dir().mount()) {
            throw new KernelException(Errno.EXDEV, to, "rename across mounts (" + a.dir().mount().path + " and "
                    + b.dir().mount().path + ")");
        }
        if ((a.slash() || b.slash()) && !src.isDir()) {
            throw new KernelException(Errno.ENOTDIR, a.slash() ? from : to, "not a directory (trailing slash)");
        }
        Node dst = lookup.childOrNull(c, b.dir(), b.name());
        if (dst != null && dst.mount() != b.dir().mount()) {
            throw new KernelException(Errno.EBUSY, to, "a mount point");
        }
        if (src.isDir()) {
            if (b.dir().same(src) || b.ancestors().stream().anyMatch(src::same)) {
                throw new KernelException(Errno.EINVAL, to, "cannot move directory " + from + " into itself");
            }
        }
        Mount m = writableDir(c, a.dir(), from);
        writableDir(c, b.dir(), to);
        if (!c.isRoot()) {
            Perm.sticky(c, m.fs.getattr(m.vol, a.dir().ino()), m.fs.getattr(m.vol, src.ino()), from);
            if (dst != null) {
                Perm.sticky(c, m.fs.getattr(m.vol, b.dir().ino()), m.fs.getattr(m.vol, dst.ino()), to);
            }
        }
        m.fs.rename(m.vol, a.dir().ino(), a.name(), b.dir().ino(), b.name());
        if (dst != null && !dst.same(src)) {
            m.maybeFreed(dst.ino());
        }
    }

    private Lookup.Parent parentOrForeign(KernelProcess p, String path, String op) {
        try {
            return lookup.parent(p.credentials(), p.cwd(), path);
        } catch (Lookup.Foreign f) {
            throw new KernelException(Errno.EROFS, op + " " + path, "served by another faction, not a file system");
        }
    }

    // ---- changes to attributes

    /** {@code chmod(2)}: owner or superuser. */
    void chmod(KernelProcess p, Node n, int mode, String what) {
        Mount m = n.mount();
        Stat st = m.fs.getattr(m.vol, n.ino());
        Perm.owner(p.credentials(), st, what);
        readOnly(m, what);
        int bits = mode & 07777;
        if (!p.credentials().isRoot() && !p.credentials().inGroup(st.gid())) {
            bits &= ~Sys.S_ISGID;
        }
        m.setattr(n.ino(), SetAttr.mode(bits));
    }

    /** {@code chown(2)}: the superuser may give anything away; an owner may only change the group to one of theirs. */
    void chown(KernelProcess p, Node n, int uid, int gid, String what) {
        Mount m = n.mount();
        Stat st = m.fs.getattr(m.vol, n.ino());
        Credentials c = p.credentials();
        if (!c.isRoot()) {
            boolean uidOk = uid == -1 || uid == st.uid();
            boolean gidOk = gid == -1 || (c.uid() == st.uid() && c.inGroup(gid));
            if (c.uid() != st.uid() || !uidOk || !gidOk) {
                throw new KernelException(Errno.EPERM, what, "only the superuser changes owners");
            }
        }
        readOnly(m, what);
        m.setattr(n.ino(), SetAttr.owner(uid == -1 ? null : uid, gid == -1 ? null : gid));
    }

    /** {@code truncate(2)} on a node. */
    void truncate(KernelProcess p, Node n, long length, String what) {
        if (length < 0) {
            throw new KernelException(Errno.EINVAL, what, "negative length " + length);
        }
        if (n.isDir()) {
            throw new KernelException(Errno.EISDIR, what, "is a directory");
        }
        if (!Sys.isReg(n.mode())) {
            throw new KernelException(Errno.EINVAL, what, "not a regular file");
        }
        Mount m = n.mount();
        Perm.check(p.credentials(), m.fs.getattr(m.vol, n.ino()), Perm.W, what);
        readOnly(m, what);
        m.setattr(n.ino(), SetAttr.size(length));
    }

    /** {@code utimensat(2)}: explicit times need the owner; "now" needs write permission or the owner. */
    void utimens(KernelProcess p, String path, long atime, long mtime, int flags) {
        Node n = resolve(p, path, (flags & Sys.AT_SYMLINK_NOFOLLOW) == 0);
        Mount m = n.mount();
        Stat st = m.fs.getattr(m.vol, n.ino());
        boolean explicit = (atime != Sys.UTIME_NOW && atime != Sys.UTIME_OMIT)
                || (mtime != Sys.UTIME_NOW && mtime != Sys.UTIME_OMIT);
        Credentials c = p.credentials();
        if (explicit) {
            Perm.owner(c, st, path);
        } else if (!c.isRoot() && c.uid() != st.uid() && !Perm.allowed(c, st, Perm.W)) {
            throw new KernelException(Errno.EACCES, path, "permission denied");
        }
        readOnly(m, path);
        long now = System.currentTimeMillis() * 1_000_000L;
        m.setattr(n.ino(), SetAttr.times(time(atime, now), time(mtime, now)));
    }

    private static Long time(long t, long now) {
        return t == Sys.UTIME_OMIT ? null : t == Sys.UTIME_NOW ? now : t;
    }

    private static void readOnly(Mount m, String what) {
        if (m.readOnly) {
            throw new KernelException(Errno.EROFS, what, "read-only file system (" + m + ")");
        }
    }
}
