package org.anykernel.drivers.fs.tmpfs;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;

/**
 * The data of one regular file: its 4 KiB pages by index, sparse, in a radix tree of 64-way nodes whose height grows
 * with the highest index present (a file of up to 64 pages is one node, up to 256 MiB three). An absent page is a
 * hole. Not thread-safe: the owning {@link Inode}'s monitor, or the volume's exclusive lock, guards it.
 */
final class Pages {
    /** Bits of page index per tree level. */
    private static final int SHIFT = 6;
    private static final int FAN = 1 << SHIFT;
    private static final int MASK = FAN - 1;

    private Object[] root;
    private int height;
    private long count;

    /** Pages present. */
    long count() {
        return count;
    }

    /**
     * The tree as plain JDK values ({@code {root, height, count}}: nested {@code Object[]} nodes with {@code byte[]}
     * pages at the leaves), for a live update to hand over whole: another build rebuilds it with {@link #adopt}.
     */
    Object[] export() {
        return new Object[] {root, height, count};
    }

    /** A tree from {@link #export}'s values (checked for shape: {@code EINVAL} if they are not one). */
    static Pages adopt(Object[] v) {
        if (v == null || v.length != 3 || (v[0] != null && !(v[0] instanceof Object[])) || !(v[1] instanceof Integer h)
                || !(v[2] instanceof Long c) || h < 0 || h > 11 || c < 0) {
            throw new KernelException(Errno.EINVAL, "tmpfs state",
                    "a page tree that is not {root, height, count}");
        }
        Pages p = new Pages();
        p.root = (Object[]) v[0];
        p.height = v[0] == null ? 0 : h;
        p.count = c;
        return p;
    }

    /** The page at {@code idx}, or null for a hole. */
    byte[] get(long idx) {
        Object[] node = root;
        if (node == null || (idx >>> (SHIFT * height)) != 0) {
            return null;
        }
        for (int level = height - 1; level > 0; level--) {
            node = (Object[]) node[(int) (idx >>> (SHIFT * level)) & MASK];
            if (node == null) {
                return null;
            }
        }
        return (byte[]) node[(int) idx & MASK];
    }

    /** Stores {@code page} at {@code idx} (which holds none yet). */
    void put(long idx, byte[] page) {
        if (root == null) {
            root = new Object[FAN];
            height = 1;
        }
        while ((idx >>> (SHIFT * height)) != 0) {
            Object[] r = new Object[FAN];
            r[0] = root;
            root = r;
            height++;
        }
        Object[] node = root;
        for (int level = height - 1; level > 0; level--) {
            int i = (int) (idx >>> (SHIFT * level)) & MASK;
            Object[] next = (Object[]) node[i];
            if (next == null) {
                next = new Object[FAN];
                node[i] = next;
            }
            node = next;
        }
        int i = (int) idx & MASK;
        if (node[i] == null) {
            count++;
        }
        node[i] = page;
    }

    /** The lowest index at or after {@code from} that holds a page, or -1. */
    long nextPresent(long from) {
        if (root == null || (from >>> (SHIFT * height)) != 0) {
            return -1;
        }
        return nextPresent(root, height - 1, from, 0);
    }

    private static long nextPresent(Object[] node, int level, long from, long base) {
        int shift = SHIFT * level;
        for (int i = (int) ((from - base) >>> shift); i < FAN; i++) {
            Object c = node[i];
            if (c != null) {
                long childBase = base + ((long) i << shift);
                if (level == 0) {
                    return childBase;
                }
                long r = nextPresent((Object[]) c, level - 1, Math.max(from, childBase), childBase);
                if (r >= 0) {
                    return r;
                }
            }
        }
        return -1;
    }

    /** The lowest index at or after {@code from} that holds no page. */
    long nextAbsent(long from) {
        if (root == null || (from >>> (SHIFT * height)) != 0) {
            return from;
        }
        long r = nextAbsent(root, height - 1, from, 0);
        return r >= 0 ? r : 1L << (SHIFT * height);
    }

    private static long nextAbsent(Object[] node, int level, long from, long base) {
        int shift = SHIFT * level;
        for (int i = (int) ((from - base) >>> shift); i < FAN; i++) {
            Object c = node[i];
            long childBase = base + ((long) i << shift);
            if (c == null) {
                return Math.max(from, childBase);
            }
            if (level > 0) {
                long r = nextAbsent((Object[]) c, level - 1, Math.max(from, childBase), childBase);
                if (r >= 0) {
                    return r;
                }
            }
        }
        return -1;
    }

    /** Drops every page at index {@code from} or above; returns how many there were. */
    long removeFrom(long from) {
        if (root == null || (from >>> (SHIFT * height)) != 0) {
            return 0;
        }
        long n;
        if (from == 0) {
            n = count;
            root = null;
            height = 0;
        } else {
            n = removeFrom(root, height - 1, from, 0);
        }
        count -= n;
        return n;
    }

    private static long removeFrom(Object[] node, int level, long from, long base) {
        int shift = SHIFT * level;
        long n = 0;
        for (int i = (int) ((from - base) >>> shift); i < FAN; i++) {
            Object c = node[i];
            if (c == null) {
                continue;
            }
            long childBase = base + ((long) i << shift);
            if (level == 0) {
                n++;
                node[i] = null;
            } else if (childBase >= from) {
                n += countAll((Object[]) c, level - 1);
                node[i] = null;
            } else {
                n += removeFrom((Object[]) c, level - 1, from, childBase);
            }
        }
        return n;
    }

    private static long countAll(Object[] node, int level) {
        long n = 0;
        for (Object c : node) {
            if (c != null) {
                n += level == 0 ? 1 : countAll((Object[]) c, level - 1);
            }
        }
        return n;
    }
}
