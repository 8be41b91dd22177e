package org.anykernel.drivers.blk.sim;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.hw.api.DiskCompletion;
import org.anykernel.hw.api.DiskController;
import org.anykernel.hw.api.DiskInfo;
import org.anykernel.hw.api.DiskQueueFullException;

/**
 * One attached disk controller, shared by every instance of its block device (the front's, each library
 * kernel's): the controller has one submission queue, one completion queue and one interrupt line, so tags are
 * allocated here, and every completion, whichever instance's interrupt thread takes it from the controller, is
 * handed to the instance that issued the request. A controller reset, which aborts every outstanding request,
 * is made here too, once per stall, whichever instance notices the stall first.
 */
final class DiskPort {
    private static final System.Logger LOG = System.getLogger(DiskPort.class.getName());
    /** How often {@link #issue} tries another tag when the controller still holds one (from before an attach). */
    private static final int TAG_TRIES = 8;

    /** A request on the controller, and the instance to hand its completion to. */
    private record InFlight(SimBlockDevice owner, SimBlockDevice.Request request) {
    }

    private final String name;
    private final DiskController controller;
    private final DiskInfo info;
    private final Map<Integer, InFlight> inFlight = new ConcurrentHashMap<>();
    private final Object tagLock = new Object();
    private final Object resetLock = new Object();
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();
    private int nextTag;
    private volatile long lastProgress = System.nanoTime();
    /** Set when the driver incarnation that attached this port lets the controller go (a restart makes another). */
    private volatile boolean detached;

    DiskPort(String name, DiskController controller) {
        this.name = name;
        this.controller = controller;
        this.info = controller.info();
    }

    String name() {
        return name;
    }

    DiskController controller() {
        return controller;
    }

    DiskInfo info() {
        return info;
    }

    /**
     * Probe: resets the controller, so nothing an earlier driver incarnation left outstanding (a restart of the
     * domain) can come back with a tag this one uses, and drops every completion posted so far.
     */
    void attach() {
        controller.reset();
        while (controller.poll() != null) {
            // an earlier incarnation's
        }
        lastProgress = System.nanoTime();
    }

    /**
     * The driver incarnation that attached this port is going: from now on this port takes no completion from the
     * controller (an interrupt thread of the old incarnation still running must not take, and drop, a completion of
     * the next incarnation's requests).
     */
    void detach() {
        detached = true;
    }

    /** The reset generation: how many resets this port made. A request remembers the one it was issued in. */
    long generation() {
        return generation.get();
    }

    /** Controller resets made so far. */
    long resets() {
        return resets.get();
    }

    /** When a completion was last taken from the controller (or the controller last reset). */
    long lastProgress() {
        return lastProgress;
    }

    /**
     * Puts {@code r} on the controller under a fresh tag, recording when and in which reset generation.
     *
     * @return false when the controller's queue is full (nothing was queued; {@code r} is unchanged)
     * @throws KernelException {@code ENXIO} when the controller is shut down
     */
    boolean issue(SimBlockDevice owner, SimBlockDevice.Request r) {
        for (int i = 0; i < TAG_TRIES; i++) {
            int tag = newTag();
            r.tag = tag;
            r.issuedAt = System.nanoTime();
            r.generation = generation.get();
            inFlight.put(tag, new InFlight(owner, r));
            try {
                controller.submit(r.toDisk(tag));
                return true;
            } catch (DiskQueueFullException e) {
                inFlight.remove(tag);
                r.tag = -1;
                return false;
            } catch (IllegalArgumentException e) {
                // the controller still holds this tag: try the next one
                inFlight.remove(tag);
                r.tag = -1;
            } catch (IllegalStateException e) {
                inFlight.remove(tag);
                r.tag = -1;
                throw new KernelException(Errno.ENXIO, name, "disk controller shut down");
            }
        }
        return false;
    }

    private int newTag() {
        synchronized (tagLock) {
            do {
                nextTag = (nextTag + 1) & Integer.MAX_VALUE;
            } while (inFlight.containsKey(nextTag));
            return nextTag;
        }
    }

    /**
     * Takes every completion the controller has posted and hands each to the instance that issued it
     * (completions of requests nobody waits for any more are dropped). Called by every instance's interrupt
     * thread, holding no instance's lock.
     *
     * @return how many completions were taken
     */
    int drain() {
        if (detached) {
            return 0;
        }
        int n = 0;
        DiskCompletion c;
        while ((c = controller.poll()) != null) {
            n++;
            lastProgress = System.nanoTime();
            InFlight f = inFlight.remove(c.tag());
            if (f != null) {
                f.owner().completed(f.request(), c);
            }
        }
        return n;
    }

    /**
     * Resets the controller, unless it was reset since {@code since} (another instance noticed the same stall
     * first). Every outstanding request comes back ABORTED, and a hang ends.
     *
     * @return whether this call reset the controller
     */
    boolean resetSince(long since, String why) {
        synchronized (resetLock) {
            if (generation.get() != since) {
                return false;
            }
            generation.incrementAndGet();
            long n = resets.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "blk-sim " + name + ": " + why + ": resetting the controller (reset "
                    + n + "); aborted reads and writes are submitted again");
            controller.reset();
            lastProgress = System.nanoTime();
            return true;
        }
    }
}
