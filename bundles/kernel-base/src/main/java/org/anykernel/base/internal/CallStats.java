package org.anykernel.base.internal;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import org.anykernel.base.api.DomainStats;

/**
 * Calls, errors and a latency histogram of one domain. The histogram is log-linear (four buckets per
 * power of two, so a percentile is within 19% of the truth) and lock-free; the direct path samples it.
 */
final class CallStats {
    private static final int BUCKETS = 4 * 64;
    private final LongAdder calls = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder faults = new LongAdder();
    private final LongAdder replayed = new LongAdder();
    private final AtomicLongArray histogram = new AtomicLongArray(BUCKETS);

    void call() {
        calls.increment();
    }

    void error() {
        errors.increment();
    }

    void fault() {
        faults.increment();
        errors.increment();
    }

    void replayed() {
        replayed.increment();
    }

    long replayedCount() {
        return replayed.sum();
    }

    void latency(long nanos) {
        histogram.incrementAndGet(bucket(Math.max(1, nanos)));
    }

    static int bucket(long n) {
        int log = 63 - Long.numberOfLeadingZeros(n);
        int sub = log < 2 ? 0 : (int) ((n >>> (log - 2)) & 3);
        return log * 4 + sub;
    }

    /** Upper bound of a bucket's range. */
    static long upper(int bucket) {
        int log = bucket / 4;
        int sub = bucket % 4;
        if (log < 2) {
            return 1L << (log + 1);
        }
        return (1L << log) + ((long) (sub + 1) << (log - 2));
    }

    long percentile(double q) {
        long total = 0;
        long[] counts = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] = histogram.get(i);
            total += counts[i];
        }
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return upper(i);
            }
        }
        return upper(BUCKETS - 1);
    }

    DomainStats snapshot(String domain) {
        return new DomainStats(domain, calls.sum(), errors.sum(), faults.sum(), percentile(0.5), percentile(0.99));
    }
}
