package org.anykernel.base.spi;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where {@code poll} waits: a sequence number that files whose readiness changes (sockets) bump with
 * {@link #changed()}, and a condition to wait for the next bump. A poller reads {@link #sequence()}, checks its
 * files, and waits with that number, so a change between the check and the wait is never missed. One hub for the
 * JVM: a change wakes every poller, each checks its own files again (cheap beside a lost wake-up), and
 * {@link #changed()} costs one volatile read when nobody polls.
 */
public final class PollHub {
    /** Poll events, Linux numbers. */
    public static final int POLLIN = 1, POLLPRI = 2, POLLOUT = 4, POLLERR = 8, POLLHUP = 0x10, POLLNVAL = 0x20;

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Condition CHANGED = LOCK.newCondition();
    private static volatile long sequence;
    private static volatile int waiters;

    private PollHub() {
    }

    /** The current sequence number. */
    public static long sequence() {
        return sequence;
    }

    /** Some file's readiness changed: wakes every poller. */
    public static void changed() {
        if (waiters == 0) {
            sequence++; // racy increments are fine: any change of the number is a change
            return;
        }
        LOCK.lock();
        try {
            sequence++;
            CHANGED.signalAll();
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * Waits until the sequence number is no longer {@code seen} or {@code timeoutNanos} have passed.
     *
     * @return whether it changed
     */
    public static boolean await(long seen, long timeoutNanos) {
        LOCK.lock();
        try {
            waiters++;
            long left = timeoutNanos;
            while (sequence == seen && left > 0) {
                left = CHANGED.awaitNanos(left);
            }
            return sequence != seen;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.anykernel.base.api.KernelException(org.anykernel.base.api.Errno.EINTR, "poll",
                    "interrupted");
        } finally {
            waiters--;
            LOCK.unlock();
        }
    }
}
