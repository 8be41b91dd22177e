package org.anykernel.drivers.fs.tmpfs;

import java.util.List;

import org.anykernel.base.api.DirEntry;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.Grant;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Stat;
import org.anykernel.base.api.StatFs;
import org.anykernel.base.spi.KernelMemory;
import org.anykernel.base.spi.KernelObjects;
import org.anykernel.base.spi.StateTransfer;
import org.anykernel.base.spi.OpenFile;
import org.anykernel.vfs.api.FileSystem;
import org.anykernel.vfs.api.SetAttr;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * The memory file system, {@code tmpfs}: volumes made from nothing at {@link #mount}, their files kept in 4 KiB pages
 * charged to {@link KernelMemory} (the domain of whoever writes them), sparse, and gone at {@link #unmount}.
 * Prototype-scoped, so every consumer (the VFS of each kernel) has volumes of its own; usable from plain Java with
 * {@code new TmpFileSystem(memory)}. Under a kernel, its volume table lives in the base ({@link KernelObjects}), so a
 * crash and restart of the driver loses no file.
 *
 * <p>Volume handles encode a slot in a small table and a mount sequence number, so a handle is found without a map
 * lookup or boxing and an old handle never finds a later volume in the same slot ({@code ESTALE}). The work is the
 * {@link Volume}'s; see there for locking and accounting. Mount options are {@link MountOptions}'.
 */
@Component(service = FileSystem.class, scope = ServiceScope.PROTOTYPE, property = FileSystem.TYPE + "=tmpfs")
public final class TmpFileSystem implements FileSystem, StateTransfer {
    /** Bits of a handle that are its slot. */
    private static final int SLOT_BITS = 16;
    private static final long SLOT_MASK = (1L << SLOT_BITS) - 1;

    /** The key of the volume table in the base's {@link KernelObjects}. */
    static final String TABLE = "fs-tmpfs.volumes";

    /** The mounted volumes by slot; {@code slots} is replaced, never changed in place (writers lock the table). */
    static final class Table {
        volatile Volume[] slots = new Volume[4];
        long mounts;
    }

    private final KernelMemory memory;
    private final KernelObjects objects;
    private volatile Table table;

    /**
     * A tmpfs driver charging its pages, inodes and names to {@code memory}, its volumes its own (gone with it).
     *
     * @param memory the kernel's memory accounting
     */
    public TmpFileSystem(KernelMemory memory) {
        this(memory, null);
    }

    /**
     * A tmpfs driver whose volume table is kept in the base ({@code objects}, per domain): a restarted driver (after a
     * crash) finds the same volumes under the same handles, so no file is lost.
     *
     * @param memory  the kernel's memory accounting
     * @param objects where the volumes live, or null to keep them here
     */
    @Activate
    public TmpFileSystem(@Reference KernelMemory memory, @Reference KernelObjects objects) {
        this.memory = memory;
        this.objects = objects;
        if (objects == null) {
            table = new Table();
        }
    }

    /**
     * The volume table: fetched from the base at the first call (which runs in the driver's domain, the key's owner).
     */
    private Table table() {
        Table t = table;
        if (t == null) {
            // an anonymous class, not a method reference: a live update calls this first within its pause, where
            // linking a lambda of a new build would cost a millisecond
            t = objects.get(TABLE, Table.class, new java.util.function.Supplier<Table>() {
                @Override
                public Table get() {
                    return new Table();
                }
            });
            table = t;
        }
        return t;
    }

    /**
     * The driver stops. Volumes kept here are unmounted (their memory given back); volumes kept in the base stay for
     * the next incarnation of the driver in the same domain (they go with the domain).
     */
    @Deactivate
    void deactivate() {
        if (objects != null) {
            return;
        }
        Table t = table();
        Volume[] all;
        synchronized (t) {
            all = t.slots;
            t.slots = new Volume[4];
        }
        for (Volume v : all) {
            if (v != null) {
                v.unmount();
            }
        }
    }

    /**
     * The state format this build exports: 2 hands each file's page tree over whole; 1 (still read) page by page. A
     * build that knows only 1 refuses 2 ({@code EINVAL}): an update back to it rolls back, losing nothing.
     */
    static final String FORMAT = "fs-tmpfs/2";

    /**
     * A live update: every volume as values (see {@link Volume#export}), then unmounted here (its memory given
     * back: the new build charges it again).
     */
    @Override
    public java.util.Map<String, Object> exportState() {
        Table t = table();
        java.util.List<Object> vols = new java.util.ArrayList<>();
        Volume[] all;
        long mounted;
        synchronized (t) {
            all = t.slots;
            mounted = t.mounts;
            for (Volume v : all) {
                if (v != null) {
                    vols.add(v.export());
                }
            }
            t.slots = new Volume[4];
        }
        for (Volume v : all) {
            if (v != null) {
                v.unmount();
            }
        }
        return java.util.Map.of("format", FORMAT, "volumes", vols, "mounts", mounted);
    }

    @Override
    public void importState(java.util.Map<String, Object> state) {
        if (!FORMAT.equals(state.get("format")) && !"fs-tmpfs/1".equals(state.get("format"))) {
            throw new KernelException(Errno.EINVAL, "tmpfs state", "unknown format " + state.get("format"));
        }
        Table t = table();
        synchronized (t) {
            for (Object o : (List<?>) state.get("volumes")) {
                @SuppressWarnings("unchecked")
                Volume v = Volume.restore((java.util.Map<String, Object>) o, memory);
                int slot = (int) (v.handle & SLOT_MASK);
                Volume[] copy = java.util.Arrays.copyOf(t.slots, Math.max(t.slots.length, Integer.highestOneBit(slot) * 2 + 2));
                copy[slot] = v;
                t.slots = copy;
            }
            t.mounts = Math.max(t.mounts, (Long) state.get("mounts"));
        }
    }

    private Volume vol(long handle) {
        Volume[] s = table().slots;
        long slot = handle & SLOT_MASK;
        Volume v = slot < s.length ? s[(int) slot] : null;
        if (v == null || v.handle != handle) {
            throw new KernelException(Errno.ESTALE, "tmpfs volume " + handle, "not mounted");
        }
        return v;
    }

    private static void range(byte[] buf, int off, int len) {
        if (len < 0) {
            throw new KernelException(Errno.EINVAL, "length " + len, "negative");
        }
        if (off < 0 || off > buf.length - len) {
            throw new KernelException(Errno.EFAULT, "buffer of " + buf.length + " bytes",
                    "range [" + off + ", " + off + " + " + len + ") outside it");
        }
    }

    @Override
    public String type() {
        return "tmpfs";
    }

    @Override
    public boolean needsDevice() {
        return false;
    }

    /** Makes a new empty volume; {@code device} is ignored. */
    @Override
    public long mount(OpenFile device, String source, boolean readOnly, String options) {
        String src = source == null ? "tmpfs" : source;
        MountOptions opts = MountOptions.parse(src, options);
        Table t = table();
        synchronized (t) {
            Volume[] s = t.slots;
            int slot = 0;
            while (slot < s.length && s[slot] != null) {
                slot++;
            }
            if (slot > SLOT_MASK) {
                throw new KernelException(Errno.ENOMEM, "tmpfs " + src, "too many tmpfs volumes");
            }
            long handle = (++t.mounts << SLOT_BITS) | slot;
            Volume v = new Volume(handle, src, readOnly, opts, memory);
            Volume[] copy = java.util.Arrays.copyOf(s, slot < s.length ? s.length : s.length * 2);
            copy[slot] = v;
            t.slots = copy;
            return handle;
        }
    }

    @Override
    public void unmount(long vol) {
        Volume v;
        Table t = table();
        synchronized (t) {
            v = vol(vol);
            Volume[] copy = t.slots.clone();
            copy[(int) (vol & SLOT_MASK)] = null;
            t.slots = copy;
        }
        v.unmount();
    }

    @Override
    public long root(long vol) {
        return vol(vol).root();
    }

    @Override
    public Stat getattr(long vol, long ino) {
        return vol(vol).getattr(ino);
    }

    @Override
    public Stat lookup(long vol, long dir, String name) {
        return vol(vol).lookup(dir, name);
    }

    @Override
    public Stat lookupIfPresent(long vol, long dir, String name) {
        return vol(vol).lookupIfPresent(dir, name);
    }

    @Override
    public Stat create(long vol, long dir, String name, int mode, int uid, int gid) {
        return vol(vol).create(dir, name, mode, uid, gid);
    }

    @Override
    public Stat symlink(long vol, long dir, String name, String target, int uid, int gid) {
        return vol(vol).symlink(dir, name, target, uid, gid);
    }

    @Override
    public String readlink(long vol, long ino) {
        return vol(vol).readlink(ino);
    }

    @Override
    public Stat link(long vol, long ino, long dir, String name) {
        return vol(vol).link(ino, dir, name);
    }

    @Override
    public void unlink(long vol, long dir, String name, boolean rmdir) {
        vol(vol).unlink(dir, name, rmdir);
    }

    @Override
    public void rename(long vol, long fromDir, String from, long toDir, String to) {
        vol(vol).rename(fromDir, from, toDir, to);
    }

    @Override
    public Stat setattr(long vol, long ino, SetAttr changes) {
        return vol(vol).setattr(ino, changes);
    }

    @Override
    public int read(long vol, long ino, long pos, byte[] buf, int off, int len) {
        range(buf, off, len);
        return vol(vol).read(ino, pos, Grant.wrap(buf, off, len, true));
    }

    @Override
    public int write(long vol, long ino, long pos, byte[] buf, int off, int len) {
        range(buf, off, len);
        return vol(vol).write(ino, pos, Grant.wrap(buf, off, len, false));
    }

    /** Fills the caller's window from the pages in place: no copy in or out, whatever the placement. */
    @Override
    public int read(long vol, long ino, long pos, Grant dst) {
        return vol(vol).read(ino, pos, dst);
    }

    /** Takes the bytes from the caller's window into the pages in place. */
    @Override
    public int write(long vol, long ino, long pos, Grant src) {
        return vol(vol).write(ino, pos, src);
    }

    @Override
    public List<DirEntry> readdir(long vol, long dir, long cookie, int max) {
        return vol(vol).readdir(dir, cookie, max);
    }

    @Override
    public long seek(long vol, long ino, long pos, boolean hole) {
        return vol(vol).seek(ino, pos, hole);
    }

    @Override
    public void open(long vol, long ino) {
        vol(vol).open(ino);
    }

    @Override
    public void close(long vol, long ino) {
        vol(vol).close(ino);
    }

    /** Nothing to write back: checks the handles. */
    @Override
    public void fsync(long vol, long ino, boolean dataOnly) {
        vol(vol).check(ino);
    }

    /** Nothing to write back: checks the handle. */
    @Override
    public void sync(long vol) {
        vol(vol).check(-1);
    }

    @Override
    public StatFs statfs(long vol) {
        return vol(vol).statfs();
    }

    /** Bytes volume {@code vol} has charged to kernel memory and not given back. */
    long charged(long vol) {
        return vol(vol).charged();
    }
}
