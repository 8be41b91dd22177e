package org.anykernel.vfs.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.spi.KernelMemory;

/**
 * The page cache of one kernel's VFS, for the volumes of device-backed file systems (ext2; tmpfs is memory already):
 * file data in {@value #PAGE}-byte pages keyed by (mount, inode, page), least recently used first, within a size
 * limit, charged to the kernel's memory account.
 *
 * <p>Reads and writes of any size go through it, as in Linux: a big sequential copy of a file that fits is served
 * from memory the second time, as the host's page cache serves the host. Pages missing from the cache are read in runs
 * (one driver call per run, with readahead for sequential readers); writes land in pages marked dirty and reach the
 * driver when written back, in runs of up to {@link #MAX_RUN} pages: at {@code fsync}, {@code sync}, unmount, when
 * the dirty pages pass half the limit, and when a dirty page is evicted. The size a file has with its dirty pages is
 * the VFS's until then ({@link #size}). A file opened {@code O_DIRECT} bypasses the cache (after writing back what
 * its transfer overlaps), for a copy that reads or writes a file once and should not push others out. A cached
 * volume's pages live while its inodes do: whatever frees an inode ({@link #forget}) drops them, so a reused inode
 * number never sees another file's data. At the kernel's memory quota, clean pages are given back before a charge
 * fails.
 *
 * <p>One lock guards it all and is held across driver calls: simple and safe (a driver never calls back into the
 * VFS), at the price of serializing cached I/O of one kernel; every driver call is bounded by its placement.
 */
final class PageCache {
    static final int PAGE = 4096;

    private record Key(Mount mount, long ino, long index) {
    }

    private record InodeKey(Mount mount, long ino) {
    }

    private static final class Page {
        final Key key;
        final Inode inode;
        final byte[] data = new byte[PAGE];
        boolean dirty;

        Page(Key key, Inode inode) {
            this.key = key;
            this.inode = inode;
        }
    }

    /**
     * What the cache knows of one inode: its size as the driver has it, the dirty pages beyond it, and its pages by
     * index (so work on one file never walks the whole cache).
     */
    private static final class Inode {
        final TreeMap<Long, Page> pages = new TreeMap<>();
        long fsSize = -1;
        long dirtyEnd;
        int dirtyPages;
        /** The page after the last one read: a read starting there is sequential, and reads ahead. */
        long nextRead = -2;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<Key, Page> pages = new LinkedHashMap<>(256, 0.75f, true);
    private final Map<InodeKey, Inode> inodes = new HashMap<>();
    private final KernelMemory memory;
    private final long limitPages;
    private long dirty;
    private long hits;
    private long misses;
    private long writebacks;
    /** Where fills land before they are split into pages (guarded by the lock). */
    private byte[] scratch = new byte[0];

    /**
     * @param memory     where the pages are charged (null: not charged)
     * @param limitBytes the most the cache holds
     */
    PageCache(KernelMemory memory, long limitBytes) {
        this.memory = memory;
        this.limitPages = Math.max(16, limitBytes / PAGE);
    }

    /** The size of the file with what is dirty here, or -1 if this cache knows nothing of it. */
    long size(Mount m, long ino) {
        lock.lock();
        try {
            Inode i = inodes.get(new InodeKey(m, ino));
            return i == null || i.dirtyPages == 0 ? -1 : Math.max(i.dirtyEnd, fsSize(m, ino, i));
        } finally {
            lock.unlock();
        }
    }

    private Inode inode(Mount m, long ino) {
        if (inodes.size() > 4 * limitPages) {
            // what is known of inodes without pages is only a shortcut: forget it rather than grow without bound
            inodes.values().removeIf(i -> i.pages.isEmpty());
        }
        return inodes.computeIfAbsent(new InodeKey(m, ino), k -> new Inode());
    }

    private long fsSize(Mount m, long ino, Inode i) {
        if (i.fsSize < 0) {
            i.fsSize = m.fs.getattr(m.vol, ino).size();
        }
        return i.fsSize;
    }

    /**
     * Reads as the driver would: through the cache, or ({@code direct}, {@code O_DIRECT}) straight from the driver
     * once the dirty pages the range overlaps are written back. Pages missing from the cache are filled by one driver
     * read per run of them (at most {@link #MAX_RUN} pages), and a read that continues where the last one of the file
     * ended reads {@link #READ_AHEAD} more pages ahead, as a block layer's readahead would.
     */
    int read(Mount m, long ino, long pos, byte[] buf, int off, int len, boolean direct) {
        lock.lock();
        try {
            Inode in = inode(m, ino);
            long size = Math.max(fsSize(m, ino, in), in.dirtyPages == 0 ? 0 : in.dirtyEnd);
            if (len == 0 || pos >= size) {
                return 0;
            }
            int n = (int) Math.min(len, size - pos);
            if (direct) {
                // up to the dirty end, not just the range: a hole in the range lies below the size only once the
                // driver has the dirty pages after it (else it would read nothing there)
                writeBack(in, pos, Math.max(pos + n, in.dirtyEnd));
                return m.fs.read(m.vol, ino, pos, buf, off, n);
            }
            long first = pos / PAGE;
            long last = (pos + n - 1) / PAGE;
            boolean sequential = first == 0 || first == in.nextRead || first == in.nextRead - 1;
            long endOfFile = (Math.max(fsSize(m, ino, in), 0) + PAGE - 1) / PAGE;
            long index = first;
            while (index <= last) {
                Page page = pages.get(new Key(m, ino, index));
                if (page != null) {
                    hits++;
                    long at = Math.max(pos, index * PAGE);
                    int within = (int) (at - index * PAGE);
                    int c = (int) Math.min(PAGE - within, pos + n - at);
                    System.arraycopy(page.data, within, buf, off + (int) (at - pos), c);
                    index++;
                    continue;
                }
                long end = index + 1;
                long most = Math.min(index + maxRun(), endOfFile);
                long want = sequential ? last + 1 + READ_AHEAD : last + 1;
                while (end < most && end < want && !in.pages.containsKey(end)) {
                    end++;
                }
                fill(m, ino, in, index, end, pos, buf, off, n);
                index = end;
            }
            in.nextRead = last + 1;
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** The longest run of pages one fill may read: a fraction of the limit, so a fill never evicts itself. */
    private long maxRun() {
        return Math.max(1, Math.min(MAX_RUN, limitPages / 4));
    }

    /**
     * Fills pages {@code [from, to)} (none cached; all before the end of what the driver has) with one driver read,
     * copies what overlaps the request {@code [pos, pos + n)} to {@code buf}, and caches them.
     */
    private void fill(Mount m, long ino, Inode in, long from, long to, long pos, byte[] buf, int off, int n) {
        int count = (int) (to - from);
        long start = from * PAGE;
        long fsEnd = Math.max(fsSize(m, ino, in), 0);
        int bytes = (int) Math.max(0, Math.min((long) count * PAGE, fsEnd - start));
        if (scratch.length < count * PAGE) {
            scratch = new byte[count * PAGE];
        }
        int got = 0;
        while (got < bytes) {
            int r = m.fs.read(m.vol, ino, start + got, scratch, got, bytes - got);
            if (r <= 0) {
                break;
            }
            got += r;
        }
        // past what the driver returned (a hole at the end, or beyond its size): zeros
        java.util.Arrays.fill(scratch, got, count * PAGE, (byte) 0);
        long from0 = Math.max(pos, start);
        long to0 = Math.min(pos + n, start + (long) count * PAGE);
        if (to0 > from0) {
            System.arraycopy(scratch, (int) (from0 - start), buf, off + (int) (from0 - pos), (int) (to0 - from0));
        }
        charge(count);
        misses += count;
        for (int i = 0; i < count; i++) {
            Key k = new Key(m, ino, from + i);
            Page page = new Page(k, in);
            System.arraycopy(scratch, i * PAGE, page.data, 0, PAGE);
            add(page);
        }
        evict();
    }

    /**
     * Charges {@code count} pages to the kernel's memory account; at its quota, clean pages are given back first
     * and the charge is tried once more ({@code ENOMEM} if it still does not fit).
     */
    private void charge(int count) {
        if (memory == null) {
            return;
        }
        try {
            memory.charge((long) count * PAGE);
        } catch (KernelException e) {
            if (e.errno() != Errno.ENOMEM || reclaim(Math.max(count, pages.size() / 4)) == 0) {
                throw e;
            }
            memory.charge((long) count * PAGE);
        }
    }

    /** Drops up to {@code want} clean pages, least recently used first; how many went. */
    private int reclaim(int want) {
        int freed = 0;
        Iterator<Page> it = pages.values().iterator();
        while (freed < want && it.hasNext()) {
            Page p = it.next();
            if (!p.dirty) {
                remove(it, p);
                freed++;
            }
        }
        return freed;
    }

    /**
     * Writes as the driver would: into pages marked dirty, or ({@code direct}, {@code O_DIRECT}) straight to the
     * driver once the dirty pages the range overlaps are written back and the pages it overlaps dropped.
     */
    int write(Mount m, long ino, long pos, byte[] buf, int off, int len, boolean direct) {
        if (len == 0) {
            return 0;
        }
        lock.lock();
        try {
            Inode in = inode(m, ino);
            if (direct) {
                writeBack(in, pos, pos + len);
                drop(in, pos, pos + len);
                int n = m.fs.write(m.vol, ino, pos, buf, off, len);
                in.fsSize = Math.max(fsSize(m, ino, in), pos + n);
                return n;
            }
            long size = Math.max(fsSize(m, ino, in), in.dirtyPages == 0 ? 0 : in.dirtyEnd);
            int done = 0;
            while (done < len) {
                long p = pos + done;
                int within = (int) (p % PAGE);
                int c = Math.min(PAGE - within, len - done);
                long index = p / PAGE;
                // a page only partly overwritten keeps what the file has around the write
                boolean fill = (within != 0 || c != PAGE) && index * PAGE < size;
                Page page = page(m, ino, in, index, fill);
                System.arraycopy(buf, off + done, page.data, within, c);
                if (!page.dirty) {
                    page.dirty = true;
                    dirty++;
                    in.dirtyPages++;
                }
                done += c;
            }
            in.dirtyEnd = Math.max(in.dirtyEnd, pos + len);
            if (dirty > limitPages / 2) {
                writeBackAll(null);
            }
            return len;
        } finally {
            lock.unlock();
        }
    }

    /** The page, filled from the driver on a miss when {@code fill}, else zeroed; evicts past the limit. */
    private Page page(Mount m, long ino, Inode in, long index, boolean fill) {
        Key k = new Key(m, ino, index);
        Page page = pages.get(k);
        if (page != null) {
            hits++;
            return page;
        }
        misses++;
        charge(1);
        page = new Page(k, in);
        try {
            if (fill) {
                m.fs.read(m.vol, ino, index * PAGE, page.data, 0, PAGE);
            }
        } catch (RuntimeException e) {
            if (memory != null) {
                memory.release(PAGE);
            }
            throw e;
        }
        add(page);
        evict();
        return page;
    }

    /** Puts a page (already charged) in the LRU map and its inode's. */
    private void add(Page p) {
        pages.put(p.key, p);
        p.inode.pages.put(p.key.index(), p);
    }

    /** Takes the page {@code it} (over the LRU map) is at out of both maps and gives its charge back. */
    private void remove(Iterator<Page> it, Page p) {
        it.remove();
        p.inode.pages.remove(p.key.index());
        if (memory != null) {
            memory.release(PAGE);
        }
    }

    private void evict() {
        Iterator<Page> it = pages.values().iterator();
        while (pages.size() > limitPages && it.hasNext()) {
            Page p = it.next();
            if (p.dirty) {
                // with the dirty pages after it, in runs: one driver write, not one per page. May fail: then the
                // page stays, and the write that caused it reports the error, nothing lost
                writeBack(p.inode, p.key.index() * PAGE, (p.key.index() + MAX_RUN) * PAGE);
            }
            remove(it, p);
        }
    }

    /** Most pages merged into one driver write or filled by one driver read (1 MiB). */
    static final int MAX_RUN = 256;
    /** Pages read ahead of a read that continues the last one of its file (128 KiB, as Linux's default). */
    static final int READ_AHEAD = 32;

    /**
     * Writes back {@code sorted} (dirty pages, in inode and page order), merging runs of consecutive pages of one
     * inode into one driver write of up to {@link #MAX_RUN} pages: what a block layer's request merging does, done
     * where the runs are known.
     */
    private void writeSorted(List<Page> sorted) {
        List<Page> run = new ArrayList<>();
        for (Page p : sorted) {
            if (!run.isEmpty()) {
                Page last = run.get(run.size() - 1);
                if (last.key.mount() != p.key.mount() || last.key.ino() != p.key.ino()
                        || last.key.index() + 1 != p.key.index() || run.size() == MAX_RUN) {
                    writeRun(run);
                    run = new ArrayList<>();
                }
            }
            run.add(p);
        }
        if (!run.isEmpty()) {
            writeRun(run);
        }
    }

    /** One driver write for consecutive dirty pages of one inode; they are clean after it. */
    private void writeRun(List<Page> run) {
        Page first = run.get(0);
        Mount m = first.key.mount();
        long ino = first.key.ino();
        Inode in = first.inode;
        long size = Math.max(fsSize(m, ino, in), in.dirtyEnd);
        long start = first.key.index() * PAGE;
        int n = (int) Math.max(0, Math.min((long) run.size() * PAGE, size - start));
        if (n > 0) {
            byte[] data = first.data;
            if (run.size() > 1) {
                data = new byte[run.size() * PAGE];
                for (int i = 0; i < run.size(); i++) {
                    System.arraycopy(run.get(i).data, 0, data, i * PAGE, PAGE);
                }
            }
            m.fs.write(m.vol, ino, start, data, 0, n);
            in.fsSize = Math.max(in.fsSize, start + n);
        }
        for (Page p : run) {
            p.dirty = false;
            dirty--;
            writebacks++;
            in.dirtyPages--;
        }
        if (in.dirtyPages == 0) {
            in.dirtyEnd = 0;
        }
    }

    /** Writes back the inode's dirty pages overlapping {@code [from, to)} ({@code to} -1: all of them). */
    private void writeBack(Inode in, long from, long to) {
        if (in.dirtyPages == 0) {
            return;
        }
        List<Page> overlapping = new ArrayList<>();
        for (Page p : range(in, from, to)) {
            if (p.dirty) {
                overlapping.add(p);
            }
        }
        writeSorted(overlapping);
    }

    /** The inode's pages overlapping {@code [from, to)} ({@code to} -1: all), in index order, as a copy. */
    private static List<Page> range(Inode in, long from, long to) {
        if (to < 0) {
            return new ArrayList<>(in.pages.values());
        }
        if (to <= from) {
            return List.of();
        }
        return new ArrayList<>(in.pages.subMap(from / PAGE, true, (to - 1) / PAGE, true).values());
    }

    /** Drops the inode's pages overlapping {@code [from, to)}, dirty or not. */
    private void drop(Inode in, long from, long to) {
        for (Page p : range(in, from, to)) {
            pages.remove(p.key);
            in.pages.remove(p.key.index());
            if (p.dirty) {
                p.dirty = false;
                dirty--;
                if (--in.dirtyPages == 0) {
                    in.dirtyEnd = 0;
                }
            }
            if (memory != null) {
                memory.release(PAGE);
            }
        }
    }

    /** Writes back the inode's dirty pages ({@code fsync}), before the driver makes them durable. */
    void writeBack(Mount m, long ino) {
        lock.lock();
        try {
            Inode in = inodes.get(new InodeKey(m, ino));
            if (in != null) {
                writeBack(in, 0, -1);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Writes back every dirty page of {@code m}, or of every mount when null. */
    void writeBackAll(Mount m) {
        lock.lock();
        try {
            List<Map.Entry<InodeKey, Inode>> dirtyInodes = new ArrayList<>();
            for (Map.Entry<InodeKey, Inode> e : inodes.entrySet()) {
                if (e.getValue().dirtyPages > 0 && (m == null || e.getKey().mount() == m)) {
                    dirtyInodes.add(e);
                }
            }
            dirtyInodes.sort((a, b) -> a.getKey().mount() != b.getKey().mount()
                    ? Integer.compare(a.getKey().mount().id, b.getKey().mount().id)
                    : Long.compare(a.getKey().ino(), b.getKey().ino()));
            List<Page> all = new ArrayList<>();
            for (Map.Entry<InodeKey, Inode> e : dirtyInodes) {
                for (Page p : e.getValue().pages.values()) {
                    if (p.dirty) {
                        all.add(p);
                    }
                }
            }
            writeSorted(all);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Before the driver changes the inode's size ({@code truncate}) or looks at its data layout ({@code SEEK_DATA}):
     * its dirty pages go to the driver and all its pages go away.
     */
    void settle(Mount m, long ino) {
        lock.lock();
        try {
            Inode in = inodes.get(new InodeKey(m, ino));
            if (in != null) {
                writeBack(in, 0, -1);
                in.fsSize = -1;
                drop(in, 0, -1);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The driver freed the inode (or, {@code ino} -1, the volume is going): its pages go, dirty or not. */
    void forget(Mount m, long ino) {
        lock.lock();
        try {
            if (ino >= 0) {
                Inode in = inodes.remove(new InodeKey(m, ino));
                if (in != null) {
                    drop(in, 0, -1);
                }
                return;
            }
            Iterator<Map.Entry<InodeKey, Inode>> it = inodes.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<InodeKey, Inode> e = it.next();
                if (e.getKey().mount() == m) {
                    drop(e.getValue(), 0, -1);
                    it.remove();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Pages held, dirty pages, hits, misses, write-backs, the limit in pages: for {@code vfs:mounts} and tests. */
    long[] stats() {
        lock.lock();
        try {
            return new long[] {pages.size(), dirty, hits, misses, writebacks, limitPages};
        } finally {
            lock.unlock();
        }
    }
}
