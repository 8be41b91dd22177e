package org.anykernel.base.api;

import java.util.Locale;

/**
 * A fault to inject into a driver's calls, inside its domain (on the thread that runs driver code), so the
 * kernel reacts exactly as to a real driver bug.
 *
 * @param kind   what happens
 * @param every  on every Nth call (1: every call); 0: once, on the next call
 * @param millis for {@link Kind#DELAY}: how long; for {@link Kind#HANG}: how long at most (0: an hour)
 * @param method only calls of this method, or empty for any
 */
public record FaultSpec(Kind kind, int every, long millis, String method) {

    /** Kinds of injected fault. */
    public enum Kind {
        /** The driver throws a RuntimeException. */
        CRASH,
        /** The driver throws an Error. */
        ERROR,
        /** The driver never answers (until interrupted). */
        HANG,
        /** The driver answers late. */
        DELAY,
        /**
         * The driver allocates past its domain's memory quota: the call fails with {@code ENOMEM} and the domain posts
         * a {@code QUOTA} event (a full domain is not restarted).
         */
        ALLOCATE,
        /**
         * The driver returns corrupt data: the call runs, then one byte of every byte array it returns or fills (and
         * of each one in a returned list) is flipped, as a driver with a bad DMA or a broken parser would.
         */
        CORRUPT,
        /** Remove the fault plan. */
        CLEAR;

        public static Kind parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new KernelException(Errno.EINVAL, "fault kind '" + s + "'", "expected crash, error, hang, delay, allocate, corrupt or clear");
            }
        }
    }

    public FaultSpec {
        if (every < 0 || millis < 0) {
            throw new KernelException(Errno.EINVAL, "fault", "every and millis must not be negative");
        }
        method = method == null ? "" : method;
    }

    /** A fault on the next call only. */
    public static FaultSpec once(Kind kind) {
        return new FaultSpec(kind, 0, 0, "");
    }
}
