package org.anykernel.drivers.net.inet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071) eight bytes at a time: the one's complement sum of 16-bit words equals, after the
 * carries are folded back in, the sum of 32-bit words, so a long read gives two 32-bit words per step instead of
 * eight byte reads. The checksum of every TCP and UDP segment in and out goes through here.
 */
public final class Checksum {
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Checksum() {
    }

    /** {@code sum} plus the one's complement sum of {@code b[off..off+len)}, not yet folded. */
    public static long sum(byte[] b, int off, int len, long sum) {
        int i = off;
        int end = off + len;
        long s = sum;
        // 32-bit halves of each long: at most 2^33 per step, so 2^30 steps (8 GiB) before a long could overflow
        for (; i + 7 < end; i += 8) {
            long v = (long) LONG_BE.get(b, i);
            s += (v >>> 32) + (v & 0xFFFFFFFFL);
        }
        for (; i + 1 < end; i += 2) {
            s += (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF);
        }
        if (i < end) {
            s += (b[i] & 0xFF) << 8;
        }
        return s;
    }

    /** Folds a sum to 16 bits and complements it: the checksum field value (0 when the data checks). */
    public static int fold(long sum) {
        long s = sum;
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) (~s & 0xFFFF);
    }
}
