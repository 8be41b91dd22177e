package org.anykernel.hw.internal;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import org.anykernel.hw.api.DiskInfo;

/**
 * A disk's configuration, parsed and checked from the properties of its {@code hw.disk~NAME} configuration.
 *
 * @param name           the disk's name
 * @param file           the image file, or null for memory backing
 * @param size           bytes, a multiple of 512; -1: the image file's size
 * @param readOnly       refuse writes
 * @param latencyNanos   per-request latency (0: off)
 * @param bytesPerSecond transfer bandwidth (0: unlimited)
 * @param queueDepth     outstanding requests at most
 * @param writeCache     the device has a volatile write cache
 * @param cacheBytes     dirty bytes the cache holds before it writes back on its own
 * @param flushSync      FLUSH and FUA also force the image file to the host's storage
 * @param seed           seeds the latency jitter
 */
public record DiskConfig(String name, Path file, long size, boolean readOnly, long latencyNanos, long bytesPerSecond,
        int queueDepth, boolean writeCache, long cacheBytes, boolean flushSync, long seed) {

    /** Queue slots unless configured. */
    public static final int DEFAULT_QUEUE_DEPTH = 64;
    /** Dirty bytes in the write cache unless configured. */
    public static final long DEFAULT_CACHE_BYTES = 64L << 20;

    /** A memory disk of {@code size} bytes with the defaults. */
    public static DiskConfig memory(String name, long size) {
        return new DiskConfig(name, null, size, false, 0, 0, DEFAULT_QUEUE_DEPTH, true, DEFAULT_CACHE_BYTES, false, 0);
    }

    /** An image-file disk ({@code size} -1: the file's size) with the defaults. */
    public static DiskConfig file(String name, Path file, long size) {
        return new DiskConfig(name, file, size, false, 0, 0, DEFAULT_QUEUE_DEPTH, true, DEFAULT_CACHE_BYTES, false, 0);
    }

    public DiskConfig withReadOnly(boolean ro) {
        return new DiskConfig(name, file, size, ro, latencyNanos, bytesPerSecond, queueDepth, writeCache, cacheBytes, flushSync, seed);
    }

    public DiskConfig withLatency(long nanos, long bps) {
        return new DiskConfig(name, file, size, readOnly, nanos, bps, queueDepth, writeCache, cacheBytes, flushSync, seed);
    }

    public DiskConfig withQueueDepth(int depth) {
        return new DiskConfig(name, file, size, readOnly, latencyNanos, bytesPerSecond, depth, writeCache, cacheBytes, flushSync, seed);
    }

    public DiskConfig withWriteCache(boolean on, long bytes) {
        return new DiskConfig(name, file, size, readOnly, latencyNanos, bytesPerSecond, queueDepth, on, bytes, flushSync, seed);
    }

    /**
     * Parses a configuration's properties. Keys: {@code backing} ({@code memory}, the default, or an image file
     * path), {@code size} (bytes, or with a K/M/G/T suffix: binary units; required for memory; for an image file at
     * least this, default the file's
     * size), {@code read.only}, {@code latency.us}, {@code bandwidth.mbps} (megabytes, 10^6 bytes, per second),
     * {@code queue.depth} (default 64), {@code write.cache} (default true), {@code cache.size} (default 64M),
     * {@code flush.sync} (default false), {@code seed}. Other keys are ignored.
     *
     * @throws IllegalArgumentException naming the disk and the field, on the first bad value
     */
    public static DiskConfig parse(String name, Map<String, ?> p) {
        String where = "hw.disk~" + name + ": ";
        try {
            Object b = p.get("backing");
            String backing = b == null ? "memory" : b.toString().trim();
            if (backing.isEmpty()) {
                throw new IllegalArgumentException("backing: empty (memory or an image file path)");
            }
            Path file = backing.equals("memory") ? null : Path.of(backing);
            long size = -1;
            if (p.get("size") != null) {
                size = parseSize("size", p.get("size"));
                if (size <= 0 || size % DiskInfo.SECTOR_SIZE != 0) {
                    throw new IllegalArgumentException("size: " + p.get("size") + " is not a positive multiple of 512 bytes");
                }
            } else if (file == null) {
                throw new IllegalArgumentException("size: required for a memory disk (bytes, or like 64M)");
            }
            boolean ro = bool(p, "read.only", false);
            long latencyUs = ConfigValues.number(p, "latency.us", 0, 0, 60_000_000L);
            double mbps = decimal(p, "bandwidth.mbps", 0);
            int depth = (int) ConfigValues.number(p, "queue.depth", DEFAULT_QUEUE_DEPTH, 1, 65536);
            boolean cache = bool(p, "write.cache", true);
            long cacheBytes = p.get("cache.size") == null ? DEFAULT_CACHE_BYTES : parseSize("cache.size", p.get("cache.size"));
            if (cacheBytes < DiskInfo.SECTOR_SIZE) {
                throw new IllegalArgumentException("cache.size: " + p.get("cache.size") + " is less than one sector");
            }
            boolean sync = bool(p, "flush.sync", false);
            long seed = ConfigValues.number(p, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
            return new DiskConfig(name, file, size, ro, latencyUs * 1000, (long) (mbps * 1_000_000), depth, cache,
                    cacheBytes, sync, seed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + e.getMessage(), e);
        }
    }

    /** Bytes from a number or a string like {@code 4096}, {@code 64M}, {@code 1g}, {@code 2KiB}. */
    static long parseSize(String key, Object v) {
        if (v instanceof Number n) {
            return n.longValue();
        }
        String s = v.toString().trim().toUpperCase(Locale.ROOT);
        String digits = s;
        int shift = 0;
        if (digits.endsWith("IB")) {
            digits = digits.substring(0, digits.length() - 2);
        } else if (digits.endsWith("B")) {
            digits = digits.substring(0, digits.length() - 1);
        }
        if (!digits.isEmpty()) {
            switch (digits.charAt(digits.length() - 1)) {
                case 'K' -> shift = 10;
                case 'M' -> shift = 20;
                case 'G' -> shift = 30;
                case 'T' -> shift = 40;
                default -> shift = 0;
            }
            if (shift != 0) {
                digits = digits.substring(0, digits.length() - 1).trim();
            }
        }
        try {
            long n = Long.parseLong(digits);
            if (n < 0 || (shift > 0 && n > (Long.MAX_VALUE >> shift))) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not a size (bytes, or a number with K, M, G or T)");
        }
    }

    private static boolean bool(Map<String, ?> p, String key, boolean dflt) {
        Object v = p.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().trim().toLowerCase(Locale.ROOT);
        if (s.equals("true")) {
            return true;
        }
        if (s.equals("false")) {
            return false;
        }
        throw new IllegalArgumentException(key + ": '" + v + "' is not true or false");
    }

    private static double decimal(Map<String, ?> p, String key, double dflt) {
        Object v = p.get(key);
        if (v == null) {
            return dflt;
        }
        double d;
        try {
            d = v instanceof Number n ? n.doubleValue() : Double.parseDouble(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not a number");
        }
        if (!(d >= 0) || Double.isInfinite(d)) {
            throw new IllegalArgumentException(key + ": " + v + " must be 0 (unlimited) or more");
        }
        return d;
    }
}
