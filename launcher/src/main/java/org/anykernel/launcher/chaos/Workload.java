package org.anykernel.launcher.chaos;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

import org.anykernel.base.api.DirEntry;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Sys;

/**
 * A verifying file workload, deterministic from its seed: creates, overwrites, appends, truncates, renames, unlinks
 * files of 0..200 KiB, makes and removes directories, fsyncs some, under each root; touches the character and block
 * devices now and then (so every domain is called). Every acknowledged outcome goes into the {@link Model}; the file
 * an operation changed is read back after it, and every file of the model now and then.
 *
 * <p>Power cuts ({@link #requestPowerCut}) happen between two operations, on this thread: the reboot given to
 * {@link #powerCuts} (the disk loses its cache and is gone, the volume is dropped unwritten, checked with e2fsck and
 * mounted again), then every file under the volume's root is compared with the model: a file fsync'd since its last
 * change must be there as it was; any other may be older, different, gone, or back after an unlink (counted, allowed).
 */
final class Workload {
    static final int MAX_SIZE = 200 * 1024;
    private static final int MAX_FILES_PER_ROOT = 24;
    private static final int MAX_DIRS_PER_ROOT = 6;
    private static final long FULL_CHECK_MILLIS = 2000;

    private final Posix px;
    private final List<String> roots;
    private final AtomicBoolean cutRequested = new AtomicBoolean();
    /** The root on the disk whose power is cut, and the reboot; null without power cuts. */
    private String cutRoot;
    private Runnable reboot;
    private final boolean rawDisk;
    private final Random rnd;
    private final Model model = new Model();
    private final Stats stats;
    private final PrintStream err;
    private int next;
    private long lastFullCheck;
    private int findings;

    /**
     * @param rawDisk whether to read {@code /dev/sd0} now and then (when no file system on it calls the block driver)
     */
    Workload(Posix px, List<String> roots, boolean rawDisk, long seed, Stats stats, PrintStream err) {
        this.px = px;
        this.roots = new ArrayList<>(roots);
        this.rawDisk = rawDisk;
        this.rnd = new Random(seed);
        this.stats = stats;
        this.err = err;
    }

    /**
     * Lets {@link #requestPowerCut} cut the power of the disk under {@code root}: {@code reboot} cuts it, drops the
     * volume unwritten, checks it and mounts it again (or throws, with a one-line message).
     */
    void powerCuts(String root, Runnable reboot) {
        this.cutRoot = root;
        this.reboot = reboot;
    }

    /** A power cut before the next operation (false if one is pending already, or there is no disk to cut). */
    boolean requestPowerCut() {
        return reboot != null && roots.contains(cutRoot) && cutRequested.compareAndSet(false, true);
    }

    /** Makes the roots (before any fault). */
    void setUp() {
        for (String r : roots) {
            try {
                px.mkdir(r, 0755);
            } catch (KernelException e) {
                if (e.errno() != Errno.EEXIST) {
                    throw e;
                }
            }
            model.dirAdded(r);
        }
    }

    /** Runs operations until the deadline (System.nanoTime) or an interrupt. */
    void run(long deadlineNanos) {
        lastFullCheck = System.nanoTime();
        while (System.nanoTime() < deadlineNanos && !Thread.currentThread().isInterrupted()) {
            if (cutRequested.getAndSet(false)) {
                powerCut();
            }
            step();
            if (System.nanoTime() - lastFullCheck > FULL_CHECK_MILLIS * 1_000_000) {
                checkAll(1);
                lastFullCheck = System.nanoTime();
            }
        }
    }

    /** Reads every path of the model back, each up to {@code attempts} times while it fails with an errno. */
    void checkAll(int attempts) {
        for (String p : model.allPaths()) {
            checkTries(p, attempts, 300);
        }
        for (String d : model.maybeDirs()) {
            statDir(d, true);
        }
        for (String d : model.dirs()) {
            statDir(d, false);
        }
    }

    /**
     * Reads every path of the model back, retrying those that fail with an errno for up to {@code rounds} rounds;
     * returns the paths that still could not be read and that must exist (acknowledged content).
     */
    List<String> finalCheck(int rounds) {
        List<String> pending = model.allPaths();
        for (int r = 0; r < rounds && !pending.isEmpty() && !Thread.currentThread().isInterrupted(); r++) {
            if (r > 0) {
                pause(500);
            }
            pending = pending.stream().filter(p -> !check(p)).toList();
        }
        for (String d : model.maybeDirs()) {
            statDir(d, true);
        }
        for (String d : model.dirs()) {
            statDir(d, false);
        }
        return pending.stream().filter(model::mustExist).toList();
    }

    /** Files whose content is acknowledged (certain, or whichever outcome of a failed operation). */
    int acknowledgedFiles() {
        return (int) model.allPaths().stream().filter(model::mustExist).count();
    }

    private void step() {
        String root = roots.get(rnd.nextInt(roots.size()));
        List<String> files = model.certainFiles().stream().filter(p -> p.startsWith(root + "/")).toList();
        List<String> dirs = model.dirs().stream().filter(p -> p.equals(root) || p.startsWith(root + "/")).toList();
        int r = rnd.nextInt(100);
        if (files.size() < 3 || (r < 20 && files.size() < MAX_FILES_PER_ROOT)) {
            create(pick(dirs));
        } else if (r < 38) {
            overwrite(pick(files));
        } else if (r < 50) {
            append(pick(files));
        } else if (r < 58) {
            truncate(pick(files));
        } else if (r < 66) {
            rename(pick(files), dirs, files);
        } else if (r < 74 || files.size() >= MAX_FILES_PER_ROOT) {
            unlink(pick(files));
        } else if (r < 79) {
            if (dirs.size() < MAX_DIRS_PER_ROOT) {
                mkdir(pick(dirs));
            } else {
                fsync(pick(files));
            }
        } else if (r < 83) {
            List<String> empty = dirs.stream().filter(d -> !d.equals(root) && model.emptyDir(d)).toList();
            if (!empty.isEmpty()) {
                rmdir(pick(empty));
            } else {
                fsync(pick(files));
            }
        } else if (r < 90) {
            fsync(pick(files));
        } else {
            device();
        }
    }

    // operations

    private void create(String dir) {
        String p = dir + "/f" + next++;
        byte[] data = random(rnd.nextInt(MAX_SIZE + 1));
        boolean sync = rnd.nextInt(10) < 3;
        mutate(p, data, sync, () -> {
            int fd = px.open(p, Sys.O_CREAT | Sys.O_EXCL | Sys.O_WRONLY, 0644);
            try {
                writeAll(fd, data, -1);
                if (sync) {
                    px.fsync(fd);
                }
            } finally {
                px.close(fd);
            }
        });
    }

    private void overwrite(String p) {
        byte[] old = model.content(p);
        int off = rnd.nextInt(old.length + 1);
        byte[] chunk = random(rnd.nextInt(Math.min(64 * 1024, MAX_SIZE - off) + 1));
        byte[] after = Arrays.copyOf(old, Math.max(old.length, off + chunk.length));
        System.arraycopy(chunk, 0, after, off, chunk.length);
        boolean sync = rnd.nextInt(10) < 3;
        mutate(p, after, sync, () -> {
            int fd = px.open(p, Sys.O_WRONLY);
            try {
                writeAll(fd, chunk, off);
                if (sync) {
                    px.fsync(fd);
                }
            } finally {
                px.close(fd);
            }
        });
    }

    private void append(String p) {
        byte[] old = model.content(p);
        byte[] chunk = random(rnd.nextInt(Math.max(0, Math.min(32 * 1024, MAX_SIZE - old.length)) + 1));
        byte[] after = Arrays.copyOf(old, old.length + chunk.length);
        System.arraycopy(chunk, 0, after, old.length, chunk.length);
        mutate(p, after, () -> {
            int fd = px.open(p, Sys.O_WRONLY | Sys.O_APPEND);
            try {
                writeAll(fd, chunk, -1);
            } finally {
                px.close(fd);
            }
        });
    }

    private void truncate(String p) {
        byte[] old = model.content(p);
        int len = rnd.nextInt(Math.min(MAX_SIZE, old.length + 16 * 1024) + 1);
        mutate(p, Arrays.copyOf(old, len), () -> px.truncate(p, len));
    }

    private void rename(String from, List<String> dirs, List<String> files) {
        String to;
        if (rnd.nextInt(4) == 0 && files.size() > 1) {
            to = pick(files); // over an existing file
            if (to.equals(from)) {
                return;
            }
        } else {
            to = pick(dirs) + "/f" + next++;
        }
        byte[] content = model.content(from);
        String target = to;
        if (op(() -> px.rename(from, target))) {
            model.set(from, null);
            model.set(to, content);
        } else {
            model.failed(from, null);
            model.failed(to, content);
        }
        check(from);
        check(to);
    }

    private void unlink(String p) {
        mutate(p, null, () -> px.unlink(p));
    }

    private void mkdir(String parent) {
        String d = parent + "/d" + next++;
        if (op(() -> px.mkdir(d, 0755))) {
            model.dirAdded(d);
        } else {
            model.dirUncertain(d);
        }
        statDir(d, model.maybeDirs().contains(d));
    }

    private void rmdir(String d) {
        if (op(() -> px.rmdir(d))) {
            model.dirRemoved(d);
        } else {
            model.dirUncertain(d);
        }
    }

    private void fsync(String p) {
        boolean done = op(() -> {
            int fd = px.open(p, Sys.O_RDWR);
            try {
                px.fsync(fd);
            } finally {
                px.close(fd);
            }
        });
        if (done) {
            model.synced(p);
        }
        check(p);
    }

    private void device() {
        int which = rnd.nextInt(rawDisk ? 3 : 2);
        int len = 1 + rnd.nextInt(8192);
        if (which == 0) {
            op(() -> {
                byte[] b = new byte[len];
                Arrays.fill(b, (byte) 1);
                int fd = px.open("/dev/zero", Sys.O_RDONLY);
                try {
                    int n = px.read(fd, b);
                    for (int i = 0; i < n; i++) {
                        if (b[i] != 0) {
                            stats.mismatches.incrementAndGet();
                            err.println("anyk chaos: mismatch: /dev/zero gave a non-zero byte at " + i);
                            break;
                        }
                    }
                } finally {
                    px.close(fd);
                }
            });
        } else if (which == 1) {
            byte[] b = random(len);
            op(() -> {
                int fd = px.open("/dev/null", Sys.O_WRONLY);
                try {
                    px.write(fd, b);
                } finally {
                    px.close(fd);
                }
            });
        } else {
            long pos = (long) rnd.nextInt(1024) * 4096;
            op(() -> {
                int fd = px.open("/dev/sd0", Sys.O_RDONLY);
                try {
                    px.pread(fd, new byte[4096], 0, 4096, pos);
                } finally {
                    px.close(fd);
                }
            });
        }
    }

    // power cuts

    private void powerCut() {
        long t0 = System.nanoTime();
        try {
            reboot.run();
        } catch (RuntimeException e) {
            stats.failedReboots.incrementAndGet();
            err.println("anyk chaos: power cut: the reboot failed, " + cutRoot + " is no longer tested: " + e.getMessage());
            roots.remove(cutRoot);
            model.forget(cutRoot); // not checked at the end either: the failed reboot is the finding
            return;
        } finally {
            stats.fault("power-cut");
        }
        stats.reboot((System.nanoTime() - t0) / 1_000_000);
        String prefix = cutRoot + "/";
        for (String p : model.allPaths()) {
            if (!p.startsWith(prefix)) {
                continue;
            }
            if (model.durable(p)) {
                // fsync'd since its last change: it must be as it was
                if (checkTries(p, 3, 100)) {
                    model.synced(p);
                }
                continue;
            }
            byte[] actual = readSettled(p);
            if (actual != ABSENT_UNREADABLE) {
                byte[] expected = model.uncertain(p) ? null : model.content(p);
                if (model.uncertain(p) || !Arrays.equals(expected, actual)) {
                    stats.unsyncedChanged.incrementAndGet();
                }
                model.settleDurable(p, actual);
            }
        }
        // what the volume holds now: files back from before an unlink, directories made or removed
        TreeSet<String> found = new TreeSet<>();
        scan(cutRoot, found);
        for (String d : model.dirs()) {
            if (d.startsWith(prefix) && !found.contains(d)) {
                stats.unsyncedChanged.incrementAndGet();
                model.dirRemoved(d);
            }
        }
        for (String d : model.maybeDirs()) {
            if (d.startsWith(prefix)) {
                if (found.contains(d)) {
                    model.dirAdded(d);
                } else {
                    model.dirRemoved(d);
                }
            }
        }
    }

    /** Marks a read that failed with an errno, in {@link #readSettled}. */
    private static final byte[] ABSENT_UNREADABLE = new byte[0];

    /** {@link #check} up to {@code attempts} times, {@code pauseMillis} apart, while the read fails with an errno. */
    private boolean checkTries(String p, int attempts, long pauseMillis) {
        for (int i = 0; i < attempts; i++) {
            if (check(p)) {
                return true;
            }
            if (i + 1 < attempts) {
                pause(pauseMillis);
            }
        }
        return false;
    }

    /** The file's content (null: absent), read up to three times while it fails; {@link #ABSENT_UNREADABLE} if never. */
    private byte[] readSettled(String p) {
        KernelException last = null;
        for (int i = 0; i < 3; i++) {
            try {
                stats.reads.incrementAndGet();
                return readFile(p);
            } catch (KernelException e) {
                stats.failedReads.incrementAndGet();
                stats.errno(e.errno().name());
                last = e;
                pause(100);
            }
        }
        err.println("anyk chaos: warning: after a power cut, " + p + " could not be read: " + last.getMessage());
        return ABSENT_UNREADABLE;
    }

    /** Walks the directory {@code d} after a reboot: directories go into {@code dirs}, files unknown to the model in. */
    private void scan(String d, TreeSet<String> dirs) {
        dirs.add(d);
        List<DirEntry> entries;
        try {
            entries = px.readdir(d);
        } catch (KernelException e) {
            err.println("anyk chaos: warning: after a power cut, directory " + d + " could not be read: "
                    + e.getMessage());
            return;
        }
        for (DirEntry e : entries) {
            String name = e.name();
            if (name.equals(".") || name.equals("..") || (d.equals(cutRoot) && name.equals("lost+found"))) {
                continue;
            }
            String p = d + "/" + name;
            if (e.type() == Sys.DT_DIR) {
                if (!model.known(p)) {
                    model.dirAdded(p);
                }
                scan(p, dirs);
            } else if (!model.known(p)) {
                byte[] actual = readSettled(p);
                if (actual != ABSENT_UNREADABLE) {
                    stats.unsyncedChanged.incrementAndGet();
                    model.settleDurable(p, actual);
                }
            }
        }
    }

    // helpers

    /** Runs a change of {@code p} to {@code after} (null: gone) and reads it back. */
    private void mutate(String p, byte[] after, Runnable body) {
        mutate(p, after, false, body);
    }

    /** As above; {@code synced}: the body ends with an fsync of {@code p}. */
    private void mutate(String p, byte[] after, boolean synced, Runnable body) {
        if (op(body)) {
            model.set(p, after);
            if (synced) {
                model.synced(p);
            }
        } else {
            model.failed(p, after);
        }
        check(p);
    }

    /** One operation; false (counted) if the kernel answered with an errno. */
    private boolean op(Runnable body) {
        stats.ops.incrementAndGet();
        try {
            body.run();
            return true;
        } catch (KernelException e) {
            stats.failedOps.incrementAndGet();
            stats.errno(e.errno().name());
            return false;
        }
    }

    /**
     * Reads {@code p} and compares it with the model: false if the read failed with an errno (nothing learnt), true
     * once compared (a difference is counted and reported).
     */
    private boolean check(String p) {
        byte[] actual;
        stats.reads.incrementAndGet();
        try {
            actual = readFile(p);
        } catch (KernelException e) {
            stats.failedReads.incrementAndGet();
            stats.errno(e.errno().name());
            return false;
        }
        boolean uncertain = model.uncertain(p);
        byte[] expected = model.content(p);
        switch (model.check(p, actual)) {
            case OK -> {
            }
            case LOST -> {
                stats.lost.incrementAndGet();
                finding("anyk chaos: lost: " + p + (uncertain ? " (after a failed operation)" : "")
                        + ": expected " + (expected == null ? "content" : expected.length + " bytes")
                        + ", the file is gone");
            }
            case MISMATCH -> {
                stats.mismatches.incrementAndGet();
                finding("anyk chaos: mismatch: " + p + (uncertain ? " (after a failed operation)" : "")
                        + ": expected " + (expected == null ? (uncertain ? "its content before or after" : "no file")
                        : expected.length + " bytes") + ", read " + (actual == null ? "no file" : actual.length
                        + " bytes" + firstDifference(expected, actual)));
            }
        }
        return true;
    }

    /** Reports a lost or changed file: the first few in full, then only counted. */
    private void finding(String line) {
        findings++;
        if (findings <= 20) {
            err.println(line);
        } else if (findings == 21) {
            err.println("anyk chaos: (further lost or changed files are only counted)");
        }
    }

    private static String firstDifference(byte[] expected, byte[] actual) {
        if (expected == null) {
            return "";
        }
        int n = Math.min(expected.length, actual.length);
        for (int i = 0; i < n; i++) {
            if (expected[i] != actual[i]) {
                return ", first difference at byte " + i;
            }
        }
        return "";
    }

    private void statDir(String d, boolean settle) {
        boolean exists;
        try {
            px.stat(d);
            exists = true;
        } catch (KernelException e) {
            if (e.errno() != Errno.ENOENT) {
                stats.errno(e.errno().name());
                return;
            }
            exists = false;
        }
        if (settle) {
            if (exists) {
                model.dirAdded(d);
            } else {
                model.dirRemoved(d);
            }
        } else if (!exists) {
            stats.lost.incrementAndGet();
            err.println("anyk chaos: lost: directory " + d + " is gone");
            model.dirRemoved(d);
        }
    }

    /** The file's content, or null if it does not exist. */
    private byte[] readFile(String p) {
        int fd;
        try {
            fd = px.open(p, Sys.O_RDONLY);
        } catch (KernelException e) {
            if (e.errno() == Errno.ENOENT) {
                return null;
            }
            throw e;
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = px.read(fd, buf)) > 0; ) {
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } finally {
            px.close(fd);
        }
    }

    /** Writes all of {@code data} at {@code pos} (or at the file offset if negative). */
    private void writeAll(int fd, byte[] data, long pos) {
        int done = 0;
        while (done < data.length) {
            int n = pos < 0 ? px.write(fd, data, done, data.length - done)
                    : px.pwrite(fd, data, done, data.length - done, pos + done);
            if (n <= 0) {
                throw new KernelException(Errno.EIO, "write", "wrote nothing");
            }
            done += n;
        }
    }

    private byte[] random(int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private <T> T pick(List<T> list) {
        return list.get(rnd.nextInt(list.size()));
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
