package org.anykernel.base.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedTransferQueue;

import org.anykernel.base.spi.Hypercalls;

/**
 * An isolated domain's own threads (its virtual CPUs): they take calls from one queue and run them in
 * the domain's context. Idle workers spin a little before parking, so a steady stream of calls avoids
 * the slow cross-CPU wake-up; a stopped executor either drains its queue (re-placement) or fails it
 * (restart).
 */
final class HandOffExecutor {
    /** How long an idle worker spins before it parks. */
    static final long WORKER_SPIN_NANOS = 50_000;

    /** A no-op in the queue that wakes an idle worker to see that the executor is draining. */
    private static final Call WAKE = new Call(null, null, null, null);

    private final Domain domain;
    private final LinkedTransferQueue<Call> queue = new LinkedTransferQueue<>();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean accepting = true;
    private volatile boolean stopped;
    /**
     * Calls taken into the queue (by callers), and calls run or dropped since (by each worker on a counter of its own,
     * allocated on its own thread, so that the two sides never write one cache line): equal sums when none is queued
     * or running.
     */
    private final java.util.concurrent.atomic.LongAdder taken = new java.util.concurrent.atomic.LongAdder();
    private final List<java.util.concurrent.atomic.AtomicLong> done = new java.util.concurrent.CopyOnWriteArrayList<>();

    HandOffExecutor(Domain domain, int vcpus, Hypercalls host, int generation) {
        this.domain = domain;
        for (int i = 0; i < vcpus; i++) {
            workers.add(host.spawn("anyk-" + domain.name() + "-g" + generation + "-" + i, false, this::work));
        }
    }

    /** Queues a call; false if this executor no longer takes calls (the caller re-reads the domain's mode). */
    boolean submit(Call c) {
        if (!accepting) {
            return false;
        }
        taken.increment();
        queue.offer(c);
        if (!accepting && queue.remove(c)) {
            taken.decrement();
            return false;
        }
        return true;
    }

    private void work() {
        java.util.concurrent.atomic.AtomicLong mine = new java.util.concurrent.atomic.AtomicLong();
        done.add(mine);
        Account prev = ExecutionContext.enter(domain.account());
        try {
            while (!stopped) {
                Call c = queue.poll();
                if (c == null) {
                    long spinEnd = System.nanoTime() + WORKER_SPIN_NANOS;
                    for (int i = 1; c == null && !stopped; i++) {
                        if ((i & 63) == 0 && System.nanoTime() > spinEnd) {
                            break;
                        }
                        Thread.onSpinWait();
                        c = queue.poll();
                    }
                }
                if (c == null) {
                    if (!accepting) {
                        return;
                    }
                    try {
                        // an idle domain costs no CPU: its workers sleep until a call or a stop wakes them
                        c = queue.take();
                    } catch (InterruptedException e) {
                        continue;
                    }
                }
                if (c != WAKE) {
                    try {
                        if (c.start()) {
                            domain.runInDomain(c);
                        }
                    } finally {
                        mine.incrementAndGet();
                    }
                }
            }
        } finally {
            ExecutionContext.exit(prev);
        }
    }

    /**
     * Waits (at most {@code millis}) after {@link #drain} until no call is queued or running any more; whether that
     * came. The idle workers end by themselves meanwhile or after: nothing waits for their threads to exit.
     */
    boolean awaitQuiet(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        for (int spins = 0; doneSum() != taken.sum(); spins++) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            if (spins < 100) {
                Thread.onSpinWait();
            } else {
                java.util.concurrent.locks.LockSupport.parkNanos(50_000);
            }
        }
        return true;
    }

    private long doneSum() {
        long n = 0;
        for (java.util.concurrent.atomic.AtomicLong d : done) {
            n += d.get();
        }
        return n;
    }

    /** Re-placement: takes no more calls, runs what is queued, then lets the workers end. */
    void drain() {
        accepting = false;
        // wake idle workers with one no-op each (not an interrupt: a busy worker is in driver code)
        workers.forEach(w -> queue.offer(WAKE));
    }

    /**
     * Restart: takes no more calls, interrupts the workers (a hung one is abandoned) and hands back what was
     * queued and not started, for the domain to replay or fail.
     */
    java.util.List<Call> kill() {
        accepting = false;
        stopped = true;
        java.util.List<Call> pending = new ArrayList<>();
        Call c;
        while ((c = queue.poll()) != null) {
            if (c != WAKE && c.start()) {
                pending.add(c);
            }
        }
        workers.forEach(Thread::interrupt);
        return pending;
    }
}
