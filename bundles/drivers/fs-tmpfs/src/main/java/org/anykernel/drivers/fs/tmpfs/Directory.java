package org.anykernel.drivers.fs.tmpfs;

import java.util.Arrays;
import java.util.HashMap;

/**
 * The entries of one directory: a hash map by name for lookups, and the same entries in the order they were added
 * for {@code readdir}. Each entry gets the next of a per-directory sequence number (from 2: cookies 0 and 1 are
 * {@code .} and {@code ..}); a {@code readdir} cookie is the sequence number to resume at, found by binary search,
 * so a cookie stays valid however many entries are added or removed meanwhile. A removed entry is only marked, and
 * the order array is compacted once marks are the majority (or trimmed at once when it was the last). Not
 * thread-safe: the volume's lock guards it.
 */
final class Directory {
    /** One name in a directory. */
    static final class Entry {
        final String name;
        final Inode node;
        final long seq;
        /** Bytes charged to kernel memory for the name. */
        final long charge;
        boolean dead;

        Entry(String name, Inode node, long seq, long charge) {
            this.name = name;
            this.node = node;
            this.seq = seq;
            this.charge = charge;
        }
    }

    /** The directory this one is in (itself for the root). */
    Inode parent;
    private final HashMap<String, Entry> names = new HashMap<>();
    private Entry[] order = new Entry[4];
    private int length;
    private int dead;
    private long nextSeq = 2;

    Directory(Inode parent) {
        this.parent = parent;
    }

    Entry get(String name) {
        return names.get(name);
    }

    int size() {
        return names.size();
    }

    boolean isEmpty() {
        return names.isEmpty();
    }

    /** Adds {@code name} for {@code node} (the name is not taken). */
    void add(String name, Inode node, long charge) {
        Entry e = new Entry(name, node, nextSeq++, charge);
        names.put(name, e);
        if (length == order.length) {
            if (dead > 0) {
                compact();
            }
            if (length == order.length) {
                order = Arrays.copyOf(order, length * 2);
            }
        }
        order[length++] = e;
    }

    /** Removes the entry {@code e} (one of this directory's). */
    /** Puts back an entry as it was (a live update): entries come in the order they had, with their numbers. */
    void restore(String name, Inode node, long seq, long charge) {
        Entry e = new Entry(name, node, seq, charge);
        names.put(name, e);
        if (length == order.length) {
            order = Arrays.copyOf(order, length * 2);
        }
        order[length++] = e;
        nextSeq = Math.max(nextSeq, seq + 1);
    }

    /** The sequence number the next entry gets (kept across a live update, so cookies stay valid). */
    long nextSeq() {
        return nextSeq;
    }

    void setNextSeq(long seq) {
        nextSeq = Math.max(nextSeq, seq);
    }

    void remove(Entry e) {
        names.remove(e.name);
        e.dead = true;
        dead++;
        while (length > 0 && order[length - 1].dead) {
            order[--length] = null;
            dead--;
        }
        if (dead > 16 && dead * 2 > length) {
            compact();
        }
    }

    private void compact() {
        int j = 0;
        for (int i = 0; i < length; i++) {
            if (!order[i].dead) {
                order[j++] = order[i];
            }
        }
        Arrays.fill(order, j, length, null);
        length = j;
        dead = 0;
        if (order.length > 16 && length * 4 < order.length) {
            order = Arrays.copyOf(order, Math.max(16, length * 2));
        }
    }

    /** The index in the order of the first entry whose sequence number is at least {@code seq}. */
    int indexOf(long seq) {
        int lo = 0;
        int hi = length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (order[mid].seq < seq) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Entries in the order, live or marked removed ({@code null} past {@link #length()}). */
    Entry at(int index) {
        return order[index];
    }

    int length() {
        return length;
    }
}
