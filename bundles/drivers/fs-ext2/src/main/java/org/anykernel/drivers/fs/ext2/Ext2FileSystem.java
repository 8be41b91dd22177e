package org.anykernel.drivers.fs.ext2;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.anykernel.base.api.DirEntry;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Stat;
import org.anykernel.base.api.StatFs;
import org.anykernel.base.spi.KernelObjects;
import org.anykernel.base.spi.OpenFile;
import org.anykernel.base.spi.StateTransfer;
import org.anykernel.vfs.api.FileSystem;
import org.anykernel.vfs.api.SetAttr;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * The ext2 driver: mounts volumes (handle to {@link Volume}) and hands each call to its volume under the volume's
 * lock (waited for at most {@link #LOCK_WAIT_SECONDS}). Anything but a {@link KernelException} escaping a volume
 * (a bug, or damage no check caught) is turned into {@code EUCLEAN} naming the volume.
 *
 * <p>Options: {@code cache=N}, the buffer cache size in blocks (default {@link #DEFAULT_CACHE_BLOCKS}); any other
 * option is {@code EINVAL}. Feature policy: see {@link Features} (in short: incompat features but {@code filetype}
 * refuse the mount, unknown ro_compat or compat features make the volume read-only, {@code has_journal} refuses a
 * read-write mount).
 *
 * <p>Deliberate simplifications: access times are not updated on reads; blocks reserved for the super-user
 * ({@code s_r_blocks_count}) are only subtracted from {@code bavail}, not withheld (the driver does not know the
 * caller); a write that runs out of space part way returns the bytes written (a short write, as Linux does) and
 * {@code ENOSPC} only when nothing could be written; {@code fsync} writes back the whole volume, not one inode; the
 * backup superblocks and descriptor tables are left as {@code mke2fs} wrote them (as the Linux ext2 driver does).
 */
@Component(service = FileSystem.class, scope = ServiceScope.PROTOTYPE, property = FileSystem.TYPE + "=ext2")
public final class Ext2FileSystem implements FileSystem, StateTransfer {
    /** Buffer cache blocks per volume unless {@code cache=N} says otherwise. */
    public static final int DEFAULT_CACHE_BLOCKS = 1024;
    /** The longest wait for a volume's lock. */
    public static final long LOCK_WAIT_SECONDS = 60;

    /** The key of the mount table in the base's {@link KernelObjects}. */
    static final String MOUNTS = "fs-ext2.volumes";

    /** The mounted volumes by handle: the driver's whole state, kept in the base under a kernel. */
    static final class Mounts {
        final Map<Long, Volume> volumes = new ConcurrentHashMap<>();
        /** How each volume was mounted: what a new build needs to mount it again (a live update). */
        final Map<Long, Args> args = new ConcurrentHashMap<>();
        final AtomicLong nextHandle = new AtomicLong(1);
    }

    /** A mount's arguments. */
    record Args(OpenFile device, String source, boolean readOnly, int cache) {
    }

    private final int defaultCache;
    private final KernelObjects objects;
    private volatile Mounts mounts;

    /** A driver of its own (plain Java): its volumes live and die with it. */
    public Ext2FileSystem() {
        this(DEFAULT_CACHE_BLOCKS, null);
    }

    /**
     * The driver as DS makes it (its only public constructor with one parameter: SCR picks the activation constructor
     * by its number of parameters): its mounted volumes (with their caches) kept in the base ({@code objects}, per
     * domain), so a crash and restart of the driver finds them again under the same handles: nothing written is
     * lost and open files keep working.
     */
    @Activate
    public Ext2FileSystem(@Reference KernelObjects objects) {
        this(DEFAULT_CACHE_BLOCKS, objects);
    }

    private Ext2FileSystem(int cacheBlocks, KernelObjects objects) {
        if (cacheBlocks < 16) {
            throw new KernelException(Errno.EINVAL, "cache", cacheBlocks + " blocks (at least 16)");
        }
        this.defaultCache = cacheBlocks;
        this.objects = objects;
        if (objects == null) {
            mounts = new Mounts();
        }
    }

    /** The mount table, fetched from the base at the first call (which runs in the driver's domain). */
    private Mounts mounts() {
        Mounts m = mounts;
        if (m == null) {
            m = objects.get(MOUNTS, Mounts.class, Mounts::new);
            mounts = m;
        }
        return m;
    }

    @Override
    public String type() {
        return "ext2";
    }

    @Override
    public boolean needsDevice() {
        return true;
    }

    private int parseOptions(String options) {
        int cache = defaultCache;
        if (options == null || options.isBlank()) {
            return cache;
        }
        for (String opt : options.split(",")) {
            String o = opt.trim();
            if (o.isEmpty()) {
                continue;
            }
            int eq = o.indexOf('=');
            String key = eq < 0 ? o : o.substring(0, eq);
            if (!key.equals("cache") || eq < 0) {
                throw new KernelException(Errno.EINVAL, "option " + o, "unknown ext2 option");
            }
            try {
                cache = Integer.parseInt(o.substring(eq + 1));
            } catch (NumberFormatException e) {
                throw new KernelException(Errno.EINVAL, "option " + o, "not a number of blocks");
            }
            if (cache < 16 || cache > 1 << 20) {
                throw new KernelException(Errno.EINVAL, "option " + o, "cache size out of range 16.." + (1 << 20));
            }
        }
        return cache;
    }

    @Override
    public long mount(OpenFile device, String source, boolean readOnly, String options) {
        if (device == null) {
            throw new KernelException(Errno.EINVAL, String.valueOf(source) + ": ext2 needs a device");
        }
        int cache = parseOptions(options);
        long handle = mounts().nextHandle.getAndIncrement();
        Volume v;
        try {
            v = Volume.mount(handle, device, source, readOnly, cache);
        } catch (KernelException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new KernelException(Errno.EUCLEAN, String.valueOf(source) + ": cannot mount: " + e, e);
        }
        mounts().volumes.put(handle, v);
        mounts().args.put(handle, new Args(device, source, readOnly, cache));
        return handle;
    }

    /**
     * A live update: every volume is unmounted cleanly (all written back) and handed over as what it takes to mount
     * it again under the same handle (its device, source, mode, cache size). ext2's inode numbers are on the disk, so
     * the VFS's handles into it stay valid; inodes open but without names are not handed over (the new build sees
     * them as the disk has them).
     */
    @Override
    public Map<String, Object> exportState() {
        List<Object> vols = new java.util.ArrayList<>();
        for (Long handle : new java.util.TreeSet<>(mounts().volumes.keySet())) {
            Args a = mounts().args.get(handle);
            unmount(handle);
            vols.add(Map.of("handle", handle, "device", a.device(), "source", String.valueOf(a.source()),
                    "readOnly", a.readOnly(), "cache", a.cache()));
        }
        return Map.of("format", "fs-ext2/1", "volumes", vols, "nextHandle", mounts().nextHandle.get());
    }

    @Override
    public void importState(Map<String, Object> state) {
        if (!"fs-ext2/1".equals(state.get("format"))) {
            throw new KernelException(Errno.EINVAL, "ext2 state", "unknown format " + state.get("format"));
        }
        for (Object o : (List<?>) state.get("volumes")) {
            Map<?, ?> m = (Map<?, ?>) o;
            long handle = (Long) m.get("handle");
            OpenFile device = (OpenFile) m.get("device");
            String source = (String) m.get("source");
            boolean readOnly = (Boolean) m.get("readOnly");
            int cache = (Integer) m.get("cache");
            Volume v = Volume.mount(handle, device, source, readOnly, cache);
            mounts().volumes.put(handle, v);
            mounts().args.put(handle, new Args(device, source, readOnly, cache));
        }
        long next = (Long) state.get("nextHandle");
        mounts().nextHandle.accumulateAndGet(next, Math::max);
    }

    private Volume volume(long vol) {
        Volume v = mounts().volumes.get(vol);
        if (v == null) {
            throw new KernelException(Errno.ESTALE, "volume " + vol + ": not mounted");
        }
        return v;
    }

    private <T> T call(long vol, Function<Volume, T> op) {
        Volume v = volume(vol);
        try {
            if (!v.lock.tryLock(LOCK_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new KernelException(Errno.EAGAIN, "volume " + vol + ": busy for " + LOCK_WAIT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KernelException(Errno.EINTR, "volume " + vol + ": interrupted waiting for the volume");
        }
        try {
            if (!v.mounted()) {
                throw new KernelException(Errno.ESTALE, "volume " + vol + ": not mounted");
            }
            T result = op.apply(v);
            v.endOp();
            return result;
        } catch (KernelException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new KernelException(Errno.EUCLEAN, "volume " + vol + ": internal error: " + e, e);
        } finally {
            v.lock.unlock();
        }
    }

    private void run(long vol, java.util.function.Consumer<Volume> op) {
        call(vol, v -> {
            op.accept(v);
            return null;
        });
    }

    @Override
    public void unmount(long vol) {
        run(vol, v -> {
            try {
                v.unmount();
            } finally {
                mounts().volumes.remove(vol);
                mounts().args.remove(vol);
            }
        });
    }

    @Override
    public long root(long vol) {
        volume(vol);
        return Volume.ROOT_INO;
    }

    @Override
    public Stat getattr(long vol, long ino) {
        return call(vol, v -> v.getattr(ino));
    }

    @Override
    public Stat lookup(long vol, long dir, String name) {
        return call(vol, v -> v.lookup(dir, name));
    }

    @Override
    public Stat create(long vol, long dir, String name, int mode, int uid, int gid) {
        return call(vol, v -> v.create(dir, name, mode, uid, gid));
    }

    @Override
    public Stat symlink(long vol, long dir, String name, String target, int uid, int gid) {
        return call(vol, v -> v.symlink(dir, name, target, uid, gid));
    }

    @Override
    public String readlink(long vol, long ino) {
        return call(vol, v -> v.readlink(ino));
    }

    @Override
    public Stat link(long vol, long ino, long dir, String name) {
        return call(vol, v -> v.link(ino, dir, name));
    }

    @Override
    public void unlink(long vol, long dir, String name, boolean rmdir) {
        run(vol, v -> v.unlink(dir, name, rmdir));
    }

    @Override
    public void rename(long vol, long fromDir, String from, long toDir, String to) {
        run(vol, v -> v.rename(fromDir, from, toDir, to));
    }

    @Override
    public Stat setattr(long vol, long ino, SetAttr changes) {
        if (changes == null) {
            throw new KernelException(Errno.EINVAL, "inode " + ino, "no changes");
        }
        return call(vol, v -> v.setattr(ino, changes));
    }

    @Override
    public int read(long vol, long ino, long pos, byte[] buf, int off, int len) {
        return call(vol, v -> v.read(ino, pos, buf, off, len));
    }

    @Override
    public int write(long vol, long ino, long pos, byte[] buf, int off, int len) {
        return call(vol, v -> v.write(ino, pos, buf, off, len));
    }

    @Override
    public List<DirEntry> readdir(long vol, long dir, long cookie, int max) {
        return call(vol, v -> v.readdir(dir, cookie, max));
    }

    @Override
    public long seek(long vol, long ino, long pos, boolean hole) {
        return call(vol, v -> v.seek(ino, pos, hole));
    }

    @Override
    public void open(long vol, long ino) {
        run(vol, v -> v.open(ino));
    }

    @Override
    public void close(long vol, long ino) {
        run(vol, v -> v.close(ino));
    }

    @Override
    public void fsync(long vol, long ino, boolean dataOnly) {
        run(vol, v -> v.fsync(ino));
    }

    @Override
    public void sync(long vol) {
        run(vol, Volume::sync);
    }

    @Override
    public StatFs statfs(long vol) {
        return call(vol, Volume::statfs);
    }

    /** Cache statistics of a volume, for diagnostics. */
    String stats(long vol) {
        return call(vol, Volume::stats);
    }
}
