package org.anykernel.hw.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.anykernel.hw.api.DiskCompletion;
import org.anykernel.hw.api.DiskCompletion.Status;
import org.anykernel.hw.api.DiskController;
import org.anykernel.hw.api.DiskFaultPlan;
import org.anykernel.hw.api.DiskInfo;
import org.anykernel.hw.api.DiskQueueFullException;
import org.anykernel.hw.api.DiskRequest;
import org.anykernel.hw.api.DiskStats;

/**
 * The simulated disk controller: a submission queue, one device thread that executes requests in order, a write
 * cache in front of the backing (memory or an image file), an optional latency/bandwidth model that schedules
 * completions later (so they may be posted out of order), a completion queue and its interrupt line, and a fault
 * plan.
 *
 * <p>Locking: {@code lock} guards the queues, the counters and the device state and is only ever held briefly;
 * {@code media} is held by whoever touches the cache or the backing (the device thread while it executes one
 * request; reset, faults and close), so those see the medium between requests. Lock order: media, then lock.
 * Every wait is bounded.
 *
 * <p>Usable without OSGi: {@link #open(DiskConfig)} and {@link #close()}.
 */
public final class SimDisk implements DiskController, AutoCloseable {

    /** The largest READ or WRITE, in sectors (4 MiB). */
    public static final int MAX_TRANSFER_SECTORS = 8192;

    private static final Logger LOG = Logger.getLogger(SimDisk.class.getName());
    private static final int SECTOR = DiskInfo.SECTOR_SIZE;
    private static final long MAX_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MEDIA_WAIT_SECONDS = 30;
    private static final long JOIN_MILLIS = 5000;

    private record Scheduled(long due, long seq, DiskRequest request, DiskCompletion completion)
            implements Comparable<Scheduled> {
        @Override
        public int compareTo(Scheduled o) {
            long d = due - o.due;
            return d != 0 ? (d < 0 ? -1 : 1) : Long.compare(seq, o.seq);
        }
    }

    private final DiskConfig cfg;
    private final DiskInfo info;
    private final Backing backing;
    private final WriteCache cache;
    private final long sectors;
    private final Thread thread;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition irq = lock.newCondition();
    private final ReentrantLock media = new ReentrantLock();
    private final AtomicBoolean released = new AtomicBoolean();

    // guarded by lock
    private final ArrayDeque<DiskRequest> sq = new ArrayDeque<>();
    private final PriorityQueue<Scheduled> scheduled = new PriorityQueue<>();
    private final ArrayDeque<DiskCompletion> cq = new ArrayDeque<>();
    private final Set<Integer> tags = new HashSet<>();
    private final Random jitter;
    private boolean closed;
    private boolean hung;
    private long executed;
    private long busFreeAt;
    private long seq;
    private long requests;
    private long reads;
    private long writes;
    private long flushes;
    private long discards;
    private long sectorsRead;
    private long sectorsWritten;
    private long errors;
    private long aborted;
    private int depthMax;

    // written under media and lock; read by the device thread under media (and under lock for the counted faults)
    private volatile DiskFaultPlan plan = DiskFaultPlan.NONE;
    private Random corruptRng = new Random(0);

    /**
     * Opens a disk: its backing (creating an image file that does not exist, as a hole of the disk's size, when a
     * size is given and the disk is writable) and its device thread.
     *
     * @throws IllegalArgumentException naming the disk and the field ({@code backing} or {@code size})
     */
    public static SimDisk open(DiskConfig c) {
        String where = "hw.disk~" + c.name() + ": ";
        if (c.file() == null) {
            if (c.size() <= 0) {
                throw new IllegalArgumentException(where + "size: required for a memory disk");
            }
            return new SimDisk(c, new MemoryBacking(), c.size() / SECTOR);
        }
        FileBacking fb;
        long size;
        try {
            if (!Files.exists(c.file()) && (c.readOnly() || c.size() < 0)) {
                throw new NoSuchFileException(c.file().toString(), null,
                        c.readOnly() ? "no such file" : "no such file (give size to create it)");
            }
            fb = FileBacking.open(c.file(), c.readOnly(), c.size());
            size = Math.max(c.size(), fb.length()); // an existing image is never cut short
        } catch (IOException e) {
            throw new IllegalArgumentException(where + "backing: cannot open " + c.file() + ": " + message(e), e);
        }
        if (size < SECTOR) {
            try {
                fb.close();
            } catch (IOException e) {
                // nothing was written
            }
            throw new IllegalArgumentException(where + "size: the image file " + c.file() + " holds no whole sector (" + size
                    + " bytes); give size");
        }
        return new SimDisk(c, fb, size / SECTOR);
    }

    SimDisk(DiskConfig c, Backing backing, long sectors) {
        this.cfg = c;
        this.backing = backing;
        this.sectors = sectors;
        this.cache = c.writeCache() ? new WriteCache() : null;
        this.info = new DiskInfo(c.name(), sectors, SECTOR, c.readOnly(), c.writeCache(), c.queueDepth(), MAX_TRANSFER_SECTORS);
        this.jitter = new Random(c.seed());
        this.busFreeAt = System.nanoTime();
        this.thread = new Thread(this::run, "hw-disk-" + c.name());
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public DiskInfo info() {
        return info;
    }

    @Override
    public void submit(DiskRequest r) {
        Objects.requireNonNull(r, "request");
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("disk " + info.name() + " is shut down");
            }
            if (tags.size() >= cfg.queueDepth()) {
                throw new DiskQueueFullException("disk " + info.name() + ": queue full (" + cfg.queueDepth()
                        + " requests outstanding)");
            }
            if (!tags.add(r.tag())) {
                throw new IllegalArgumentException("disk " + info.name() + ": tag " + r.tag() + " is outstanding");
            }
            sq.add(r);
            requests++;
            depthMax = Math.max(depthMax, tags.size());
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public DiskCompletion poll() {
        lock.lock();
        try {
            DiskCompletion c = cq.poll();
            if (c != null) {
                tags.remove(c.tag());
            }
            return c;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean awaitInterrupt(long timeoutNanos) throws InterruptedException {
        long nanos = timeoutNanos;
        lock.lockInterruptibly();
        try {
            while (cq.isEmpty()) {
                if (closed || nanos <= 0) {
                    return false;
                }
                nanos = irq.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void reset() {
        controlChange("reset", () -> {
            abortAll();
            hung = false;
        });
    }

    @Override
    public void faults(DiskFaultPlan p) {
        Objects.requireNonNull(p, "plan");
        controlChange("faults", () -> {
            plan = p;
            corruptRng = new Random(p.seed());
            executed = 0;
            if (p.hang()) {
                hung = true;
            }
            if (p.powerCut() && cache != null) {
                cache.drop();
            }
        });
    }

    /**
     * A change of the controller's state from outside the device thread: waits for the request being executed
     * (the media lock), changes the state under the queue lock, and wakes the device thread.
     */
    private void controlChange(String what, Runnable change) {
        lockMedia(what);
        try {
            lock.lock();
            try {
                change.run();
                work.signalAll();
            } finally {
                lock.unlock();
            }
        } finally {
            media.unlock();
        }
    }

    @Override
    public DiskStats stats() {
        lock.lock();
        try {
            return new DiskStats(requests, reads, writes, flushes, discards, sectorsRead, sectorsWritten, errors, aborted,
                    tags.size(), depthMax);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Shuts the device down: requests not yet completed get ABORTED completions (they stay pollable), the write
     * cache is written back (an orderly power-off; a power cut is the fault plan's) and the backing is closed.
     * Idempotent.
     */
    @Override
    public void close() {
        boolean haveMedia = tryLockMedia();
        try {
            lock.lock();
            try {
                closed = true;
                abortAll();
                work.signalAll();
                irq.signalAll();
            } finally {
                lock.unlock();
            }
            if (released.getAndSet(true)) {
                return;
            }
            if (haveMedia && cache != null) {
                try {
                    cache.writeBack(backing);
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "hw.disk " + info.name() + ": writing the cache back at shutdown: " + message(e));
                }
            } else if (!haveMedia) {
                LOG.warning("hw.disk " + info.name() + ": the device is stuck in I/O; shutting down without writing the cache back");
            }
            try {
                backing.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "hw.disk " + info.name() + ": closing the backing: " + message(e));
            }
        } finally {
            if (haveMedia) {
                media.unlock();
            }
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Host storage the backing uses (memory chunks), -1 when unknown (an image file). */
    long allocatedBytes() {
        lockMedia("allocatedBytes");
        try {
            return backing.allocated();
        } finally {
            media.unlock();
        }
    }

    /** Sectors in the write cache. */
    long dirtySectors() {
        lockMedia("dirtySectors");
        try {
            return cache == null ? 0 : cache.dirtySectors();
        } finally {
            media.unlock();
        }
    }

    // ---- the device thread

    private void run() {
        try {
            while (step()) {
                // one request per step
            }
        } catch (InterruptedException e) {
            // shutting down
        } catch (RuntimeException | Error e) {
            LOG.log(Level.SEVERE, "hw.disk " + info.name() + ": device thread failed; the device is shut down", e);
            lock.lock();
            try {
                closed = true;
                abortAll();
                irq.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Waits (bounded) for a request and executes it; false once the device is shut down. */
    private boolean step() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    return false;
                }
                long now = System.nanoTime();
                if (!hung) {
                    deliverDue(now);
                    if (!sq.isEmpty()) {
                        break;
                    }
                }
                long wait = MAX_WAIT_NANOS;
                if (!hung && !scheduled.isEmpty()) {
                    wait = Math.min(wait, scheduled.peek().due() - now);
                }
                if (wait > 0) {
                    work.awaitNanos(wait);
                }
            }
        } finally {
            lock.unlock();
        }
        if (!media.tryLock(MAX_WAIT_NANOS, TimeUnit.NANOSECONDS)) {
            return true;
        }
        try {
            DiskRequest r;
            boolean eioNow;
            boolean corruptNow;
            lock.lock();
            try {
                if (closed) {
                    return false;
                }
                if (hung || sq.isEmpty()) {
                    return true;
                }
                r = sq.poll();
                long n = ++executed;
                DiskFaultPlan p = plan;
                if (p.hangOnRequest() == n) {
                    hung = true;
                    sq.addFirst(r);
                    return true;
                }
                eioNow = p.eioOnRequest() == n;
                corruptNow = p.corruptOnRequest() == n;
            } finally {
                lock.unlock();
            }
            DiskCompletion c = execute(r, eioNow, corruptNow);
            lock.lock();
            try {
                post(r, c);
            } finally {
                lock.unlock();
            }
            return true;
        } finally {
            media.unlock();
        }
    }

    /** Executes one request on the medium (under media). */
    private DiskCompletion execute(DiskRequest r, boolean eioNow, boolean corruptNow) {
        DiskFaultPlan p = plan;
        boolean valid = switch (r.op()) {
            case READ -> r.data() == null && r.count() <= MAX_TRANSFER_SECTORS && inRange(r.sector(), r.count());
            case WRITE -> r.data() != null && r.count() <= MAX_TRANSFER_SECTORS && inRange(r.sector(), r.count())
                    && r.data().length == r.count() * SECTOR;
            case DISCARD -> r.data() == null && inRange(r.sector(), r.count());
            case FLUSH -> r.data() == null;
        };
        if (!valid) {
            return done(r, Status.EINVAL);
        }
        if (info.readOnly() && (r.op() == DiskRequest.Op.WRITE || r.op() == DiskRequest.Op.DISCARD)) {
            return done(r, Status.EROFS);
        }
        if (eioNow || (r.op() != DiskRequest.Op.FLUSH && overlaps(p.eio(), r.sector(), r.count()))) {
            return done(r, Status.EIO);
        }
        try {
            switch (r.op()) {
                case READ -> {
                    byte[] buf = new byte[r.count() * SECTOR];
                    backing.read(r.sector() * SECTOR, buf, 0, buf.length);
                    if (cache != null) {
                        cache.overlay(r.sector(), buf, 0, r.count());
                    }
                    int guard = DiskCompletion.crc32c(buf);
                    corrupt(corruptNow ? List.of(new DiskFaultPlan.Range(r.sector(), r.count())) : p.corrupt(),
                            r.sector(), r.count(), buf);
                    return new DiskCompletion(r.tag(), Status.OK, buf, guard);
                }
                case WRITE -> {
                    int keep = r.count();
                    boolean torn = p.tornWriteSectors() >= 0 && r.count() > p.tornWriteSectors();
                    if (torn) {
                        keep = p.tornWriteSectors();
                    }
                    if (keep > 0) {
                        if (cache == null || (r.fua() && !torn)) {
                            backing.write(r.sector() * SECTOR, r.data(), 0, keep * SECTOR);
                            if (cache != null) {
                                cache.invalidate(r.sector(), keep);
                            }
                            if (cfg.flushSync()) {
                                backing.sync();
                            }
                        } else {
                            cache.write(r.sector(), r.data(), 0, keep);
                            if (cache.dirtySectors() * SECTOR > cfg.cacheBytes()) {
                                cache.writeBack(backing);
                            }
                        }
                    }
                    return done(r, torn ? Status.EIO : Status.OK);
                }
                case FLUSH -> {
                    if (cache != null) {
                        cache.writeBack(backing);
                    }
                    if (cfg.flushSync()) {
                        backing.sync();
                    }
                    return done(r, Status.OK);
                }
                case DISCARD -> {
                    if (cache != null) {
                        cache.invalidate(r.sector(), r.count());
                    }
                    backing.discard(r.sector() * SECTOR, (long) r.count() * SECTOR);
                    return done(r, Status.OK);
                }
                default -> throw new AssertionError(r.op());
            }
        } catch (IOException e) {
            LOG.warning("hw.disk " + info.name() + ": " + r.op() + " at sector " + r.sector() + ": " + message(e));
            return done(r, Status.EIO);
        }
    }

    private boolean inRange(long sector, int count) {
        return count >= 1 && sector >= 0 && sector <= sectors - count;
    }

    private static boolean overlaps(List<DiskFaultPlan.Range> ranges, long sector, long count) {
        for (DiskFaultPlan.Range range : ranges) {
            if (range.overlaps(sector, count)) {
                return true;
            }
        }
        return false;
    }

    /** Flips one bit (chosen by the plan's seeded generator) in each sector of the read that a corrupt range holds. */
    private void corrupt(List<DiskFaultPlan.Range> ranges, long sector, int count, byte[] buf) {
        for (DiskFaultPlan.Range range : ranges) {
            long from = Math.max(sector, range.first());
            long to = Math.min(sector + count, range.first() + range.count());
            for (long s = from; s < to; s++) {
                int at = (int) (s - sector) * SECTOR + corruptRng.nextInt(SECTOR);
                buf[at] ^= (byte) (1 << corruptRng.nextInt(8));
            }
        }
    }

    private static DiskCompletion done(DiskRequest r, Status s) {
        return new DiskCompletion(r.tag(), s);
    }

    /** Posts a completion now, or (latency model) schedules it (under lock). */
    private void post(DiskRequest r, DiskCompletion c) {
        long latency = cfg.latencyNanos();
        long bps = cfg.bytesPerSecond();
        if (latency == 0 && bps == 0) {
            complete(r, c);
            return;
        }
        long now = System.nanoTime();
        long bytes = c.ok() && (r.op() == DiskRequest.Op.READ || r.op() == DiskRequest.Op.WRITE) ? (long) r.count() * SECTOR : 0;
        long transfer = bps > 0 ? (long) (bytes * 1e9 / bps) : 0;
        long start = busFreeAt - now > 0 ? busFreeAt : now;
        busFreeAt = start + transfer;
        // each request's latency is drawn from [latency/2, 3*latency/2): that is how completions overtake each other
        long lat = latency > 0 ? latency / 2 + (long) (jitter.nextDouble() * latency) : 0;
        scheduled.add(new Scheduled(busFreeAt + lat, seq++, r, c));
    }

    private void deliverDue(long now) {
        while (!scheduled.isEmpty() && scheduled.peek().due() - now <= 0) {
            Scheduled s = scheduled.poll();
            complete(s.request(), s.completion());
        }
    }

    /** Puts a completion in the completion queue and raises the interrupt (under lock). */
    private void complete(DiskRequest r, DiskCompletion c) {
        switch (c.status()) {
            case OK -> {
                switch (r.op()) {
                    case READ -> {
                        reads++;
                        sectorsRead += r.count();
                    }
                    case WRITE -> {
                        writes++;
                        sectorsWritten += r.count();
                    }
                    case FLUSH -> flushes++;
                    case DISCARD -> discards++;
                }
            }
            case ABORTED -> aborted++;
            default -> errors++;
        }
        cq.add(c);
        irq.signalAll();
    }

    /** Completes every queued and scheduled request with ABORTED (under lock). */
    private void abortAll() {
        for (DiskRequest r : sq) {
            complete(r, done(r, Status.ABORTED));
        }
        sq.clear();
        Scheduled s;
        while ((s = scheduled.poll()) != null) {
            complete(s.request(), done(s.request(), Status.ABORTED));
        }
        busFreeAt = System.nanoTime();
    }

    private void lockMedia(String what) {
        try {
            if (!media.tryLock(MEDIA_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("disk " + info.name() + ": " + what + ": the device is stuck in I/O");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("disk " + info.name() + ": " + what + ": interrupted", e);
        }
    }

    private boolean tryLockMedia() {
        try {
            return media.tryLock(MEDIA_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String message(IOException e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
