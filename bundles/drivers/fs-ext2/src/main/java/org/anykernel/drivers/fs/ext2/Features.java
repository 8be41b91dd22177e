package org.anykernel.drivers.fs.ext2;

import java.util.ArrayList;
import java.util.List;

/**
 * The superblock's feature bits, their e2fsprogs names, and this driver's policy on them.
 *
 * <ul>
 * <li>compat: {@code ext_attr}, {@code resize_inode} and {@code dir_index} are understood (xattr blocks are
 * reference-counted on free, reserved GDT blocks are never allocated, hashed directories are read linearly and
 * de-indexed when changed), {@code dir_prealloc} and {@code imagic_inodes} are harmless. {@code has_journal} allows
 * read-only mounts only: a read-write mount is refused with {@code EOPNOTSUPP}, as writing without the journal would
 * be unsafe. Any other compat bit ({@code sparse_super2}, {@code orphan_file}, ...) is readable but makes the
 * volume read-only, like an unknown ro_compat bit, since this driver would not keep it up to date.</li>
 * <li>incompat: only {@code filetype} is supported; any other bit refuses the mount with {@code EOPNOTSUPP} naming
 * the features.</li>
 * <li>ro_compat: {@code sparse_super} and {@code large_file} are supported; any other bit makes the volume
 * read-only (whether or not a read-only mount was asked: {@code statfs} reports {@code MS_RDONLY}, and every change
 * is {@code EROFS} naming the feature).</li>
 * </ul>
 */
final class Features {
    private Features() {
    }

    static final int COMPAT_HAS_JOURNAL = 0x4;
    static final int COMPAT_EXT_ATTR = 0x8;
    static final int COMPAT_RESIZE_INODE = 0x10;
    static final int COMPAT_DIR_INDEX = 0x20;
    static final int COMPAT_SPARSE_SUPER2 = 0x200;
    /** Compat features a read-write mount understands ({@code has_journal} is refused on its own). */
    static final int COMPAT_WRITABLE = 0x1 | 0x2 | COMPAT_HAS_JOURNAL | COMPAT_EXT_ATTR | COMPAT_RESIZE_INODE
            | COMPAT_DIR_INDEX;

    static final int INCOMPAT_FILETYPE = 0x2;
    static final int INCOMPAT_SUPPORTED = INCOMPAT_FILETYPE;

    static final int RO_COMPAT_SPARSE_SUPER = 0x1;
    static final int RO_COMPAT_LARGE_FILE = 0x2;
    static final int RO_COMPAT_SUPPORTED = RO_COMPAT_SPARSE_SUPER | RO_COMPAT_LARGE_FILE;

    private static final String[] COMPAT = {"dir_prealloc", "imagic_inodes", "has_journal", "ext_attr",
            "resize_inode", "dir_index", "lazy_bg", "snapshot_bitmap", "exclude_bitmap", "sparse_super2",
            "fast_commit", "stable_inodes", "orphan_file"};
    private static final String[] INCOMPAT = {"compression", "filetype", "needs_recovery", "journal_dev", "meta_bg",
            null, "extent", "64bit", "mmp", "flex_bg", "ea_inode", null, "dirdata", "metadata_csum_seed", "large_dir",
            "inline_data", "encrypt", "casefold"};
    private static final String[] RO_COMPAT = {"sparse_super", "large_file", "btree_dir", "huge_file", "uninit_bg",
            "dir_nlink", "extra_isize", "has_snapshot", "quota", "bigalloc", "metadata_csum", "replica", "read-only",
            "project", "shared_blocks", "verity", "orphan_present"};

    static String compatNames(long bits) {
        return names(bits, COMPAT, "FEATURE_C");
    }

    static String incompatNames(long bits) {
        return names(bits, INCOMPAT, "FEATURE_I");
    }

    static String roCompatNames(long bits) {
        return names(bits, RO_COMPAT, "FEATURE_R");
    }

    private static String names(long bits, String[] table, String unknown) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            if ((bits & (1L << i)) != 0) {
                out.add(i < table.length && table[i] != null ? table[i] : unknown + i);
            }
        }
        return String.join(", ", out);
    }
}
