package org.anykernel.drivers.fs.tmpfs;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;

/**
 * The options of a tmpfs mount, parsed from {@code "size=16m,nr_inodes=1k,mode=0755,uid=0,gid=0"}: {@code size}
 * (bytes of file data, with an optional {@code k}/{@code m}/{@code g} suffix, rounded up to whole pages) and
 * {@code nr_inodes} (also with a suffix), 0 or absent meaning no limit but the memory quota as on Linux;
 * {@code mode} (octal, the root directory's permission bits, default 01777); {@code uid}, {@code gid} (the root
 * directory's owner, default 0). Empty items are ignored; anything else is {@code EINVAL} naming it.
 *
 * @param maxPages  the data limit in pages, 0 for none
 * @param maxInodes the inode limit, 0 for none
 * @param rootMode  the root directory's permission bits
 * @param uid       the root directory's owner
 * @param gid       the root directory's group
 */
record MountOptions(long maxPages, long maxInodes, int rootMode, int uid, int gid) {
    /** The options of {@code options} (null: all defaults), for the mount of {@code source}. */
    static MountOptions parse(String source, String options) {
        long maxPages = 0;
        long maxInodes = 0;
        int mode = 01777;
        int uid = 0;
        int gid = 0;
        if (options != null) {
            for (String item : options.split(",")) {
                String opt = item.strip();
                if (opt.isEmpty()) {
                    continue;
                }
                int eq = opt.indexOf('=');
                String key = eq < 0 ? opt : opt.substring(0, eq);
                String value = eq < 0 ? null : opt.substring(eq + 1);
                if (value == null || value.isEmpty()) {
                    throw bad(source, opt, "needs a value");
                }
                switch (key) {
                    case "size" -> {
                        long bytes = sized(source, opt, value);
                        maxPages = bytes / Volume.PAGE + (bytes % Volume.PAGE == 0 ? 0 : 1);
                    }
                    case "nr_inodes" -> maxInodes = sized(source, opt, value);
                    case "mode" -> {
                        long m = number(source, opt, value, 8);
                        if (m > 07777) {
                            throw bad(source, opt, "not a permission mode");
                        }
                        mode = (int) m;
                    }
                    case "uid" -> uid = id(source, opt, value);
                    case "gid" -> gid = id(source, opt, value);
                    default -> throw bad(source, opt, "unknown tmpfs option");
                }
            }
        }
        return new MountOptions(maxPages, maxInodes, mode, uid, gid);
    }

    private static KernelException bad(String source, String opt, String detail) {
        return new KernelException(Errno.EINVAL, "tmpfs " + source + " option " + opt, detail);
    }

    private static int id(String source, String opt, String value) {
        long v = number(source, opt, value, 10);
        if (v > 0xFFFF_FFFEL) {
            throw bad(source, opt, "not a user or group id");
        }
        return (int) v;
    }

    private static long sized(String source, String opt, String value) {
        int shift = switch (value.charAt(value.length() - 1)) {
            case 'k', 'K' -> 10;
            case 'm', 'M' -> 20;
            case 'g', 'G' -> 30;
            default -> 0;
        };
        long n = number(source, opt, shift == 0 ? value : value.substring(0, value.length() - 1), 10);
        if (n > (Long.MAX_VALUE >>> shift)) {
            throw bad(source, opt, "too large");
        }
        return n << shift;
    }

    private static long number(String source, String opt, String digits, int radix) {
        if (digits.isEmpty() || digits.charAt(0) == '+' || digits.charAt(0) == '-') {
            throw bad(source, opt, "not a number");
        }
        try {
            return Long.parseLong(digits, radix);
        } catch (NumberFormatException e) {
            throw bad(source, opt, "not a number");
        }
    }
}
