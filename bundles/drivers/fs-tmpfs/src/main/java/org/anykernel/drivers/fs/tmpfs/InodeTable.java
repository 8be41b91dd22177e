package org.anykernel.drivers.fs.tmpfs;

import java.util.ArrayList;
import java.util.List;

/**
 * A volume's inodes by number: an open-addressing hash table of primitive keys (no boxing on the lookup every call
 * makes), with linear probing and backward-shift deletion. Key 0 marks an empty slot (no inode is numbered 0). Not
 * thread-safe: the volume's lock guards it.
 */
final class InodeTable {
    private long[] keys = new long[64];
    private Inode[] vals = new Inode[64];
    private int size;

    private static int slot(long key, int mask) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> 40) & mask;
    }

    /** The inode numbered {@code ino}, or null. */
    Inode get(long ino) {
        long[] k = keys;
        int mask = k.length - 1;
        int i = slot(ino, mask);
        long c;
        while ((c = k[i]) != 0) {
            if (c == ino) {
                return vals[i];
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /** Adds {@code node} (whose number is not in the table). */
    void put(Inode node) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        insert(keys, vals, node.ino, node);
        size++;
    }

    private static void insert(long[] k, Inode[] v, long key, Inode node) {
        int mask = k.length - 1;
        int i = slot(key, mask);
        while (k[i] != 0) {
            i = (i + 1) & mask;
        }
        k[i] = key;
        v[i] = node;
    }

    private void grow() {
        long[] nk = new long[keys.length * 2];
        Inode[] nv = new Inode[nk.length];
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != 0) {
                insert(nk, nv, keys[i], vals[i]);
            }
        }
        keys = nk;
        vals = nv;
    }

    /** Removes the inode numbered {@code ino}, if present. */
    void remove(long ino) {
        long[] k = keys;
        int mask = k.length - 1;
        int i = slot(ino, mask);
        while (k[i] != ino) {
            if (k[i] == 0) {
                return;
            }
            i = (i + 1) & mask;
        }
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (k[j] == 0) {
                break;
            }
            int home = slot(k[j], mask);
            // move k[j] into the gap at i unless its home lies cyclically in (i, j]
            boolean stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (!stays) {
                k[i] = k[j];
                vals[i] = vals[j];
                i = j;
            }
        }
        k[i] = 0;
        vals[i] = null;
        size--;
    }

    /** Inodes in the table. */
    int size() {
        return size;
    }

    /** Every inode, in no particular order (a copy: the caller may change the table meanwhile). */
    List<Inode> all() {
        List<Inode> out = new ArrayList<>();
        for (Inode n : vals) {
            if (n != null) {
                out.add(n);
            }
        }
        return out;
    }
}
