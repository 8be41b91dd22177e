package org.anykernel.hw.internal;

import java.util.SplittableRandom;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.anykernel.hw.api.WireFaultPlan;

/**
 * Applies a {@link WireFaultPlan} to the frames of one direction (a NIC's transmit or receive path) and passes what
 * survives to a sink.
 *
 * <p>Per frame, in this order, each decision drawn from a {@link SplittableRandom} seeded with the plan's seed (so a
 * sequence of frames meets the same faults every run): link down (lost), drop (lost), corrupt (one byte at a random
 * position from 14 on, so the Ethernet header stays routable and the frame reaches its destination; a frame of just a
 * header gets one of its bytes changed; the byte is XORed with a non-zero value, so it always changes), duplicate (a
 * second copy follows), reorder (the frame is held back and delivered right after the next frame, or after
 * {@link #REORDER_BOUND_NANOS} if no frame follows, so it is never stuck), delay plus a uniform jitter (frames are
 * handed to one shared daemon scheduler thread; jitter may reorder them, as on a real path). Lost frames are counted
 * with the {@code lost} callback.
 *
 * <p>Without faults (the common case) a frame goes straight to the sink on the caller's thread, with no lock taken.
 */
final class FaultStage {

    /** How long a frame held back for reordering waits for a follower at most. */
    static final long REORDER_BOUND_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private static final Logger LOG = Logger.getLogger(FaultStage.class.getName());

    /** The shared scheduler of delayed frames: one daemon thread per JVM, created on first use. */
    private static final class Delays {
        static final ScheduledThreadPoolExecutor EXECUTOR = create();

        private static ScheduledThreadPoolExecutor create() {
            ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "hw-sim-wire-delay");
                t.setDaemon(true);
                return t;
            });
            e.setRemoveOnCancelPolicy(true);
            return e;
        }
    }

    private final String where;
    private final Consumer<byte[]> sink;
    private final Runnable lost;
    private volatile WireFaultPlan plan = WireFaultPlan.NONE;

    // guarded by this
    private SplittableRandom random = new SplittableRandom(0);
    private byte[] held;
    private boolean heldTwice;

    /**
     * @param where names the NIC and direction in log messages
     * @param sink  where surviving frames go
     * @param lost  called once per frame the plan loses
     */
    FaultStage(String where, Consumer<byte[]> sink, Runnable lost) {
        this.where = where;
        this.sink = sink;
        this.lost = lost;
    }

    /** The plan in force. */
    WireFaultPlan plan() {
        return plan;
    }

    /** Replaces the plan and restarts the random source from its seed; a frame held back is released now. */
    void plan(WireFaultPlan p) {
        byte[] release;
        boolean twice;
        synchronized (this) {
            plan = p;
            random = new SplittableRandom(p.seed());
            release = held;
            twice = heldTwice;
            held = null;
        }
        if (release != null) {
            deliver(release);
            if (twice) {
                deliver(release.clone());
            }
        }
    }

    /** Passes {@code frame} (owned by the stage from now on) through the plan. */
    void accept(byte[] frame) {
        WireFaultPlan p = plan;
        if (p.isNone()) {
            sink.accept(frame);
            return;
        }
        if (p.linkDown()) {
            lost.run();
            return;
        }
        byte[] f = frame;
        boolean twice;
        byte[] release = null;
        boolean releaseTwice = false;
        long delay1;
        long delay2 = 0;
        long delayR1 = 0;
        long delayR2 = 0;
        synchronized (this) {
            SplittableRandom r = random;
            if (p.drop() > 0 && r.nextDouble() < p.drop()) {
                lost.run();
                return;
            }
            if (p.corrupt() > 0 && r.nextDouble() < p.corrupt()) {
                int pos = f.length > 14 ? 14 + r.nextInt(f.length - 14) : r.nextInt(f.length);
                f[pos] ^= (byte) (1 + r.nextInt(255));
            }
            twice = p.duplicate() > 0 && r.nextDouble() < p.duplicate();
            if (p.reorder() > 0 && r.nextDouble() < p.reorder() && held == null) {
                held = f;
                heldTwice = twice;
                byte[] token = f;
                Delays.EXECUTOR.schedule(() -> releaseHeld(token), REORDER_BOUND_NANOS, TimeUnit.NANOSECONDS);
                return;
            }
            delay1 = delay(p, r);
            if (twice) {
                delay2 = delay(p, r);
            }
            if (held != null) {
                release = held;
                releaseTwice = heldTwice;
                held = null;
                delayR1 = delay(p, r);
                if (releaseTwice) {
                    delayR2 = delay(p, r);
                }
            }
        }
        emit(f, delay1);
        if (twice) {
            emit(f.clone(), delay2);
        }
        if (release != null) {
            emit(release, delayR1);
            if (releaseTwice) {
                emit(release.clone(), delayR2);
            }
        }
    }

    private static long delay(WireFaultPlan p, SplittableRandom r) {
        return p.delayNanos() + (p.jitterNanos() > 0 ? r.nextLong(p.jitterNanos() + 1) : 0);
    }

    private void releaseHeld(byte[] token) {
        boolean twice;
        long d1;
        long d2 = 0;
        synchronized (this) {
            if (held != token) {
                return; // already released behind a follower
            }
            held = null;
            twice = heldTwice;
            d1 = delay(plan, random);
            if (twice) {
                d2 = delay(plan, random);
            }
        }
        // the bound has already delayed it: only the part of the plan's delay beyond that is left
        emit(token, Math.max(0, d1 - REORDER_BOUND_NANOS));
        if (twice) {
            emit(token.clone(), Math.max(0, d2 - REORDER_BOUND_NANOS));
        }
    }

    private void emit(byte[] f, long delayNanos) {
        if (delayNanos <= 0) {
            sink.accept(f);
        } else {
            Delays.EXECUTOR.schedule(() -> deliver(f), delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Runs the sink on the scheduler thread, logging (not losing) what it throws. */
    private void deliver(byte[] f) {
        try {
            sink.accept(f);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, where + ": delivering a delayed frame failed: " + e, e);
        }
    }
}
