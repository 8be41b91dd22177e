package org.anykernel.launcher.chaos;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What must be on the file systems: per path, the acknowledged content (null: must be absent). After an operation
 * that failed, the outcome is not known: the path then accepts its content before or after the operation, byte by
 * byte (a write that failed half way), until a read settles it.
 *
 * <p>For power cuts, the model also knows which paths are durable: those whose content was fsync'd after their last
 * change (an fsync writes back the file and the whole volume's metadata, so its name is durable too). Only those must
 * survive a power cut as they are; any other path may come back older, different or gone.
 */
final class Model {
    /** One path's expectation. */
    static final class Expect {
        byte[] content;
        /** The other acceptable outcome of a failed operation, when {@link #uncertain}. */
        byte[] alt;
        boolean uncertain;

        Expect(byte[] content) {
            this.content = content;
        }
    }

    /** What a read of a path found, compared with the model. */
    enum Verdict {
        OK, LOST, MISMATCH
    }

    private final TreeMap<String, Expect> files = new TreeMap<>();
    /** Directories known to exist; those whose mkdir or rmdir failed are in {@link #maybeDirs}. */
    private final TreeSet<String> dirs = new TreeSet<>();
    private final TreeSet<String> maybeDirs = new TreeSet<>();
    /** Files whose model content is on the medium (fsync'd since their last change). */
    private final TreeSet<String> durable = new TreeSet<>();

    /** Paths of files whose content is known and present. */
    List<String> certainFiles() {
        List<String> out = new ArrayList<>();
        files.forEach((p, e) -> {
            if (!e.uncertain && e.content != null) {
                out.add(p);
            }
        });
        return out;
    }

    List<String> allPaths() {
        return new ArrayList<>(files.keySet());
    }

    boolean known(String path) {
        return files.containsKey(path) || dirs.contains(path) || maybeDirs.contains(path);
    }

    boolean isCertainAbsentOrUnknown(String path) {
        Expect e = files.get(path);
        return (e == null || (!e.uncertain && e.content == null)) && !dirs.contains(path) && !maybeDirs.contains(path);
    }

    byte[] content(String path) {
        Expect e = files.get(path);
        return e == null || e.uncertain ? null : e.content;
    }

    boolean uncertain(String path) {
        Expect e = files.get(path);
        return e != null && e.uncertain;
    }

    /** An acknowledged outcome (not durable until an fsync says so). */
    void set(String path, byte[] content) {
        durable.remove(path);
        if (content == null) {
            files.remove(path);
        } else {
            files.put(path, new Expect(content));
        }
    }

    /** An operation on {@code path} failed: before or after it are both acceptable until a read settles it. */
    void failed(String path, byte[] after) {
        durable.remove(path);
        Expect e = files.computeIfAbsent(path, p -> new Expect(null));
        if (e.uncertain) {
            // already undecided: keep the widest reading (both earlier outcomes stay acceptable via content/alt)
            return;
        }
        e.alt = after;
        e.uncertain = true;
    }

    /**
     * Compares what a read found ({@code actual}, null when the path does not exist) with the model, and settles the
     * path to it (so one difference is counted once).
     */
    Verdict check(String path, byte[] actual) {
        Expect e = files.get(path);
        if (e == null) {
            return actual == null ? Verdict.OK : Verdict.MISMATCH;
        }
        Verdict v;
        if (e.uncertain) {
            v = acceptable(e.content, e.alt, actual) ? Verdict.OK : actual == null ? Verdict.LOST : Verdict.MISMATCH;
        } else if (e.content == null) {
            v = actual == null ? Verdict.OK : Verdict.MISMATCH;
        } else if (actual == null) {
            v = Verdict.LOST;
        } else {
            v = Arrays.equals(e.content, actual) ? Verdict.OK : Verdict.MISMATCH;
        }
        boolean wasDurable = durable.contains(path);
        set(path, actual);
        if (wasDurable && v == Verdict.OK && actual != null) {
            durable.add(path); // read as it was: still what the medium has
        }
        return v;
    }

    /** Forgets {@code root} and everything under it (a volume no longer tested). */
    void forget(String root) {
        String prefix = root + "/";
        files.keySet().removeIf(p -> p.startsWith(prefix));
        durable.removeIf(p -> p.startsWith(prefix));
        dirs.removeIf(d -> d.equals(root) || d.startsWith(prefix));
        maybeDirs.removeIf(d -> d.equals(root) || d.startsWith(prefix));
    }

    /** An fsync of {@code path} succeeded: its content, if certain, is on the medium. */
    void synced(String path) {
        Expect e = files.get(path);
        if (e != null && !e.uncertain && e.content != null) {
            durable.add(path);
        }
    }

    /** Whether {@code path}'s content is on the medium (must survive a power cut). */
    boolean durable(String path) {
        return durable.contains(path);
    }

    /** Whatever is read is now on the medium: after a reboot, what the file system has is all there is. */
    void settleDurable(String path, byte[] actual) {
        set(path, actual);
        if (actual != null) {
            durable.add(path);
        }
    }

    /** Whether {@code c} is a byte-wise mix of {@code a} and {@code b} (or zeros where the file grew). */
    static boolean acceptable(byte[] a, byte[] b, byte[] c) {
        if (c == null) {
            return a == null || b == null;
        }
        if (a == null && b == null) {
            return false;
        }
        if (Arrays.equals(a, c) || Arrays.equals(b, c)) {
            return true;
        }
        byte[] o = a == null ? new byte[0] : a;
        byte[] n = b == null ? new byte[0] : b;
        if (c.length < Math.min(o.length, n.length) || c.length > Math.max(o.length, n.length)) {
            return false;
        }
        for (int i = 0; i < c.length; i++) {
            boolean ok = c[i] == 0 || (i < o.length && c[i] == o[i]) || (i < n.length && c[i] == n[i]);
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    // directories

    List<String> dirs() {
        return new ArrayList<>(dirs);
    }

    List<String> maybeDirs() {
        return new ArrayList<>(maybeDirs);
    }

    void dirAdded(String d) {
        maybeDirs.remove(d);
        dirs.add(d);
    }

    void dirRemoved(String d) {
        maybeDirs.remove(d);
        dirs.remove(d);
    }

    void dirUncertain(String d) {
        dirs.remove(d);
        maybeDirs.add(d);
    }

    /** Whether no file of the model (certain or not) is under {@code d}. */
    boolean emptyDir(String d) {
        String prefix = d + "/";
        String next = files.ceilingKey(prefix);
        if (next != null && next.startsWith(prefix)) {
            return false;
        }
        String nd = dirs.ceiling(prefix);
        String nm = maybeDirs.ceiling(prefix);
        return !(nd != null && nd.startsWith(prefix)) && !(nm != null && nm.startsWith(prefix));
    }

    /** Whether the path must exist whatever the outcome of a failed operation on it. */
    boolean mustExist(String path) {
        Expect e = files.get(path);
        return e != null && e.content != null && (!e.uncertain || e.alt != null);
    }
}
