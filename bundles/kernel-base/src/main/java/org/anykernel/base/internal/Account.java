package org.anykernel.base.internal;

import java.util.concurrent.atomic.AtomicLong;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;

/**
 * What one domain (or library kernel) holds against its quotas: bytes of kernel buffers and kernel threads.
 */
final class Account {
    private final String name;
    /** What drivers of this domain keep in the base ({@code KernelObjects}). */
    private final java.util.concurrent.ConcurrentHashMap<String, Object> objects = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong used = new AtomicLong();
    private volatile long quota;
    private final java.util.concurrent.atomic.AtomicInteger threads = new java.util.concurrent.atomic.AtomicInteger();
    private volatile int threadsMax = Integer.MAX_VALUE;
    /** Told when a kernel thread of this account dies of an uncaught throwable, or a quota is hit. */
    private volatile Watcher watcher;

    /** What a domain wants to hear of its account: detection for the supervisor. */
    interface Watcher {
        /** A kernel thread ended with an uncaught throwable: the driver lost a thread it relies on. */
        void threadDied(String thread, Throwable cause);

        /** A charge or a thread was refused: the domain is at its quota. */
        void quotaHit(String what);
    }

    Account(String name, long quota) {
        this.name = name;
        this.quota = quota;
    }

    String name() {
        return name;
    }

    void watch(Watcher w) {
        watcher = w;
    }

    /** A kernel thread of this account died of {@code cause}. */
    void threadDied(String thread, Throwable cause) {
        Watcher w = watcher;
        if (w != null) {
            w.threadDied(thread, cause);
        }
    }

    private void quotaHit(String what) {
        Watcher w = watcher;
        if (w != null) {
            w.quotaHit(what);
        }
    }

    long used() {
        return used.get();
    }

    long quota() {
        return quota;
    }

    void setQuota(long quota) {
        this.quota = quota;
    }

    void charge(long bytes) {
        if (bytes < 0) {
            throw new KernelException(Errno.EINVAL, "charge", "negative size " + bytes);
        }
        long q = quota;
        long now;
        do {
            now = used.get();
            if (now + bytes > q) {
                String why = "memory quota of " + q + " bytes exceeded (" + now + " used, " + bytes + " asked)";
                quotaHit(why);
                throw new KernelException(Errno.ENOMEM, "domain " + name, why);
            }
        } while (!used.compareAndSet(now, now + bytes));
    }

    void setThreadsMax(int max) {
        threadsMax = max;
    }

    int threads() {
        return threads.get();
    }

    /** Takes a thread slot; {@code EAGAIN} past the quota, as {@code fork} at {@code RLIMIT_NPROC}. */
    void takeThread(String name) {
        int now;
        do {
            now = threads.get();
            if (now >= threadsMax) {
                String why = "thread quota of " + threadsMax + " reached (spawning " + name + ")";
                quotaHit(why);
                throw new KernelException(Errno.EAGAIN, "domain " + this.name, why);
            }
        } while (!threads.compareAndSet(now, now + 1));
    }

    void giveThread() {
        threads.decrementAndGet();
    }

    void release(long bytes) {
        used.addAndGet(-Math.min(bytes, used.get()));
    }

    /** The objects drivers keep in the base for this domain. */
    java.util.concurrent.ConcurrentHashMap<String, Object> objects() {
        return objects;
    }
}
