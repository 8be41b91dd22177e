package org.anykernel.drivers.blk.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.spi.KernelMemory;
import org.anykernel.base.spi.KernelThreads;
import org.anykernel.dev.api.BlockCompletion;
import org.anykernel.dev.api.BlockDevice;
import org.anykernel.dev.api.BlockInfo;
import org.anykernel.dev.api.BlockRequest;
import org.anykernel.hw.api.DiskCompletion;
import org.anykernel.hw.api.DiskRequest;

/**
 * One instance of a block device over a hw-sim disk controller: the front's, or a library kernel's private one.
 *
 * <p>Requests wait in a software queue (oldest first) until the controller has a free slot, then go to the
 * controller under a tag ({@link DiskPort#issue}). The instance's interrupt thread, a kernel thread started on the
 * first request (so it is accounted to the domain, or library kernel, that uses the device), waits on the
 * controller's interrupt line (bounded), drains completions (handing each to the instance that issued it),
 * watches for a stall and feeds the controller from the queue.
 *
 * <p>A stall is {@link #IO_TIMEOUT_MILLIS} without a completion while a request of this instance is on the
 * controller (a hang, or a lost interrupt): the controller is reset, which aborts every outstanding request; an
 * aborted read, write or flush is idempotent and goes back to the queue, up to {@link #MAX_ATTEMPTS} times, then
 * fails with {@code EIO}. So does a request that completes with EIO (a transient media or link error: a bad sector
 * fails every attempt), and a read whose data does not match the device's guard (CRC-32C of the stored data, checked
 * here on every read: data damaged between the medium and the driver is never handed on). Device statuses map to
 * errnos: EIO, EROFS and EINVAL to themselves.
 *
 * <p>Outstanding requests are not ordered among themselves (as on any disk with a queue): a client that needs one
 * write to land after another waits for the first to complete.
 *
 * <p>Memory: the data of requests in flight is charged to the caller's domain when submitted, and released when
 * collected. Requests still uncollected when the instance is closed stay charged (the instance cannot tell which
 * domain to credit from the thread that closes it).
 */
final class SimBlockDevice implements BlockDevice {
    /** A request on the controller this long with no completion from it is a stall. */
    static final long IO_TIMEOUT_MILLIS = 300;
    /** How often a request is tried before it fails with {@code EIO} (aborts by a reset count). */
    static final int MAX_ATTEMPTS = 3;
    /** The longest a synchronous call waits for its requests (after that: {@code EIO}). */
    static final long SYNC_DEADLINE_MILLIS = IO_TIMEOUT_MILLIS * MAX_ATTEMPTS + 500;
    /** How often a synchronous caller checks, while it waits, that the interrupt thread still runs. */
    private static final long WATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long BUSY_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final System.Logger LOG = System.getLogger(SimBlockDevice.class.getName());

    /** One request: the caller's, as the controller will see it, and where it stands. */
    static final class Request {
        final long seq;
        final long handle;
        final BlockRequest.Op op;
        final long sector;
        final int sectors;
        final byte[] data;
        final boolean fua;
        // guarded by the owner's lock, except the three fields DiskPort.issue sets (also under the owner's lock)
        int tag = -1;
        long queuedAt;
        long issuedAt;
        long generation;
        int attempts;
        boolean abandoned;
        BlockCompletion result;

        Request(long seq, long handle, BlockRequest.Op op, long sector, int sectors, byte[] data, boolean fua) {
            this.seq = seq;
            this.handle = handle;
            this.op = op;
            this.sector = sector;
            this.sectors = sectors;
            this.data = data;
            this.fua = fua;
        }

        DiskRequest toDisk(int t) {
            return switch (op) {
                case READ -> DiskRequest.read(t, sector, sectors);
                case WRITE -> DiskRequest.write(t, sector, data, fua);
                case FLUSH -> DiskRequest.flush(t);
            };
        }
    }

    private final DiskPort port;
    private final KernelThreads threads;
    private final KernelMemory memory;
    private final BlockInfo info;
    private final String name;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // guarded by lock
    private final Map<Long, Request> handles = new HashMap<>();
    private final Map<Long, Long> charges = new HashMap<>();
    private final Set<Request> pending = new LinkedHashSet<>();
    private final PriorityQueue<Request> queue = new PriorityQueue<>((a, b) -> Long.compare(a.seq, b.seq));
    private long nextSeq;
    private long nextHandle = 1;
    private Thread irq;
    private boolean closed;
    /** Requests sent again after an EIO, an abort or damaged data; reads whose data failed the guard check. */
    private long retried;
    private long damaged;

    SimBlockDevice(DiskPort port, KernelThreads threads, KernelMemory memory) {
        this.port = port;
        this.threads = threads;
        this.memory = memory;
        this.name = port.name();
        var d = port.info();
        this.info = new BlockInfo(name, d.sectors(), d.sectorSize(), d.readOnly(), d.queueDepth(), d.maxTransferSectors());
    }

    @Override
    public BlockInfo info() {
        return info;
    }

    // ---- asynchronous

    @Override
    public long submit(BlockRequest r) {
        if (r == null || r.op() == null) {
            throw new KernelException(Errno.EINVAL, name, "no request");
        }
        check(r);
        long bytes = (long) r.sectors() * info.sectorSize();
        byte[] data = r.op() == BlockRequest.Op.WRITE ? r.data().clone() : null;
        lock.lock();
        try {
            open();
            if (handles.size() >= info.queueDepth()) {
                throw new KernelException(Errno.EAGAIN, name, info.queueDepth() + " requests submitted and not collected");
            }
            startInterrupts();
            if (r.op() != BlockRequest.Op.FLUSH) {
                memory.charge(bytes);
            }
            long handle = nextHandle++;
            Request q = new Request(nextSeq++, handle, r.op(), r.sector(), r.sectors(), data, r.fua());
            handles.put(handle, q);
            if (r.op() != BlockRequest.Op.FLUSH) {
                charges.put(handle, bytes);
            }
            enqueue(q);
            return handle;
        } finally {
            lock.unlock();
        }
    }

    /** EINVAL for a malformed request, EROFS for a write to a read-only device. */
    private void check(BlockRequest r) {
        switch (r.op()) {
            case READ, WRITE -> {
                if (r.sectors() < 1 || r.sectors() > info.maxTransferSectors()) {
                    throw new KernelException(Errno.EINVAL, name, r.op() + " of " + r.sectors()
                            + " sectors: 1 to " + info.maxTransferSectors() + " allowed");
                }
                checkRange(r.sector(), r.sectors());
                if (r.op() == BlockRequest.Op.READ && r.data() != null) {
                    throw new KernelException(Errno.EINVAL, name, "READ with data");
                }
                if (r.op() == BlockRequest.Op.WRITE) {
                    if (r.data() == null || r.data().length != r.sectors() * info.sectorSize()) {
                        throw new KernelException(Errno.EINVAL, name, "WRITE of " + r.sectors() + " sectors needs "
                                + r.sectors() * info.sectorSize() + " bytes of data, got "
                                + (r.data() == null ? "none" : r.data().length));
                    }
                    checkWritable();
                }
            }
            case FLUSH -> {
                if (r.data() != null) {
                    throw new KernelException(Errno.EINVAL, name, "FLUSH with data");
                }
            }
        }
    }

    private void checkRange(long sector, long sectors) {
        if (sector < 0 || sectors < 0 || sector > info.sectors() - sectors) {
            throw new KernelException(Errno.EINVAL, name, "sectors " + sector + "+" + sectors + " out of range [0, "
                    + info.sectors() + ")");
        }
    }

    private void checkWritable() {
        if (info.readOnly()) {
            throw new KernelException(Errno.EROFS, name, "read-only block device");
        }
    }

    @Override
    public BlockCompletion await(long handle, long timeoutMillis) {
        if (timeoutMillis < 0) {
            throw new KernelException(Errno.EINVAL, name, "negative timeout " + timeoutMillis);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(timeoutMillis, MAX_AWAIT_MILLIS));
        Long released = null;
        BlockCompletion done;
        lock.lock();
        try {
            Request r = handles.get(handle);
            if (r == null) {
                throw new KernelException(Errno.EINVAL, name, "no request handle " + handle
                        + " (never issued by this instance, or already collected)");
            }
            if (!waitFor(r, deadline)) {
                throw new KernelException(Errno.ETIMEDOUT, name, "request " + handle + " not complete after "
                        + Math.min(timeoutMillis, MAX_AWAIT_MILLIS) + " ms (the handle stays valid)");
            }
            handles.remove(handle);
            released = charges.remove(handle);
            done = r.result;
        } finally {
            lock.unlock();
        }
        if (released != null) {
            memory.release(released);
        }
        return done;
    }

    /** Waits (under lock) until {@code r} has its result or the deadline passes; false on timeout. */
    private boolean waitFor(Request r, long deadline) {
        while (r.result == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                if (changed.awaitNanos(Math.min(left, WATCH_NANOS)) <= 0 && r.result == null
                        && (irq == null || !irq.isAlive())) {
                    // the interrupt thread is gone (it ends when interrupted): the completions need another
                    LOG.log(System.Logger.Level.WARNING, "blk-sim " + name + ": no interrupt thread; starting another");
                    irq = null;
                    startInterrupts();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KernelException(Errno.EINTR, name, "interrupted waiting for request " + r.handle);
            }
        }
        return true;
    }

    // ---- synchronous

    @Override
    public int read(long sector, byte[] buf, int off, int sectors) {
        checkBuffer(buf, off, sectors);
        checkRange(sector, sectors);
        if (sectors == 0) {
            return 0;
        }
        List<Request> rs = runSync(BlockRequest.Op.READ, sector, sectors, buf, off, false);
        int ss = info.sectorSize();
        int at = off;
        for (Request r : rs) {
            System.arraycopy(r.result.data(), 0, buf, at, r.sectors * ss);
            at += r.sectors * ss;
        }
        return sectors;
    }

    @Override
    public int write(long sector, byte[] buf, int off, int sectors, boolean fua) {
        checkBuffer(buf, off, sectors);
        checkRange(sector, sectors);
        checkWritable();
        if (sectors == 0) {
            return 0;
        }
        runSync(BlockRequest.Op.WRITE, sector, sectors, buf, off, fua);
        return sectors;
    }

    @Override
    public void flush() {
        runSync(BlockRequest.Op.FLUSH, 0, 0, null, 0, false);
    }

    private void checkBuffer(byte[] buf, int off, int sectors) {
        if (buf == null) {
            throw new KernelException(Errno.EFAULT, name, "null buffer");
        }
        if (off < 0 || sectors < 0 || (long) off + (long) sectors * info.sectorSize() > buf.length) {
            throw new KernelException(Errno.EINVAL, name, sectors + " sectors at offset " + off
                    + " do not fit a buffer of " + buf.length + " bytes");
        }
    }

    /**
     * Submits the requests of one synchronous call (a transfer split at the controller's largest) and waits for
     * all of them, at most {@link #SYNC_DEADLINE_MILLIS}.
     *
     * @return the completed requests, in order
     * @throws KernelException the first failure's errno; {@code EIO} when the deadline passes
     */
    private List<Request> runSync(BlockRequest.Op op, long sector, int sectors, byte[] buf, int off, boolean fua) {
        int ss = info.sectorSize();
        long bytes = (long) sectors * ss;
        if (bytes > 0) {
            memory.charge(bytes);
        }
        List<Request> rs = new ArrayList<>();
        try {
            lock.lock();
            try {
                open();
                startInterrupts();
                if (op == BlockRequest.Op.FLUSH) {
                    rs.add(new Request(nextSeq++, 0, op, 0, 0, null, false));
                }
                for (int done = 0; done < sectors;) {
                    int n = Math.min(sectors - done, info.maxTransferSectors());
                    byte[] data = null;
                    if (op == BlockRequest.Op.WRITE) {
                        data = new byte[n * ss];
                        System.arraycopy(buf, off + done * ss, data, 0, n * ss);
                    }
                    rs.add(new Request(nextSeq++, 0, op, sector + done, n, data, fua));
                    done += n;
                }
                rs.forEach(this::enqueue);
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SYNC_DEADLINE_MILLIS);
                for (Request r : rs) {
                    boolean complete;
                    try {
                        complete = waitFor(r, deadline);
                    } catch (KernelException e) {
                        abandon(rs);
                        throw e;
                    }
                    if (!complete) {
                        abandon(rs);
                        throw new KernelException(Errno.EIO, name, op + " of sectors " + sector + "+" + sectors
                                + ": no completion within " + SYNC_DEADLINE_MILLIS + " ms");
                    }
                    if (!r.result.ok()) {
                        abandon(rs);
                        throw new KernelException(r.result.error(), r.result.message());
                    }
                }
                return rs;
            } finally {
                lock.unlock();
            }
        } finally {
            if (bytes > 0) {
                memory.release(bytes);
            }
        }
    }

    /** Drops the unfinished requests of a failed synchronous call: queued ones now, issued ones on completion. */
    private void abandon(List<Request> rs) {
        for (Request r : rs) {
            if (r.result == null) {
                r.abandoned = true;
                if (queue.remove(r)) {
                    pending.remove(r);
                }
            }
        }
    }

    // ---- the queue, completions, the interrupt thread

    private void open() {
        if (closed) {
            throw new KernelException(Errno.ENXIO, name, "block device detached");
        }
    }

    /** Under lock: queues a request and feeds the controller. */
    private void enqueue(Request r) {
        r.queuedAt = System.nanoTime();
        pending.add(r);
        queue.add(r);
        dispatch();
    }

    /** Under lock: moves queued requests to the controller while it has free slots. */
    private void dispatch() {
        Request r;
        while ((r = queue.peek()) != null) {
            boolean issued;
            try {
                issued = port.issue(this, r);
            } catch (KernelException e) {
                queue.poll();
                finish(r, e.errno(), e.getMessage(), null);
                continue;
            }
            if (!issued) {
                return;
            }
            queue.poll();
        }
    }

    /** A completion of a request of this instance, from whichever interrupt thread took it. */
    void completed(Request r, DiskCompletion c) {
        lock.lock();
        try {
            if (closed || r.result != null) {
                return;
            }
            r.tag = -1;
            r.attempts++;
            switch (c.status()) {
                case OK -> {
                    if (c.intact()) {
                        finish(r, null, "", c.data());
                    } else {
                        damaged++;
                        LOG.log(System.Logger.Level.DEBUG, "{0}: READ of sectors {1}+{2}: data damaged in transfer",
                                name, r.sector, r.sectors);
                        again(r, "data damaged in transfer (guard mismatch) " + r.attempts + " times");
                    }
                }
                case ABORTED -> {
                    if (r.abandoned) {
                        pending.remove(r);
                    } else {
                        again(r, "aborted by " + r.attempts + " controller resets (the device does not complete it)");
                    }
                }
                case EIO -> again(r, "media error (" + r.attempts + " attempts)");
                case EROFS -> finish(r, Errno.EROFS, name + ": read-only device", null);
                case EINVAL -> finish(r, Errno.EINVAL, name + ": " + r.op + " of sectors " + r.sector + "+" + r.sectors
                        + ": refused by the device", null);
            }
            dispatch();
        } finally {
            lock.unlock();
        }
    }

    /** Requests sent again so far (after an EIO, an abort or damaged data) and reads found damaged. */
    long[] retries() {
        lock.lock();
        try {
            return new long[] {retried, damaged};
        } finally {
            lock.unlock();
        }
    }

    /** Under lock: {@code r} goes back to the queue unless it has had its attempts, then fails with EIO ({@code why}). */
    private void again(Request r, String why) {
        if (r.attempts < MAX_ATTEMPTS && !r.abandoned) {
            retried++;
            r.queuedAt = System.nanoTime();
            queue.add(r);
        } else {
            finish(r, Errno.EIO, name + ": " + r.op + " of sectors " + r.sector + "+" + r.sectors + ": " + why, null);
        }
    }

    /** Under lock: the request's outcome; waiters are woken. */
    private void finish(Request r, Errno error, String message, byte[] data) {
        r.result = new BlockCompletion(r.handle, r.op, r.sector, r.sectors, error, error == null ? "" : message,
                error == null && r.op == BlockRequest.Op.READ ? data : null);
        pending.remove(r);
        changed.signalAll();
    }

    /** Under lock: starts the interrupt thread, in the domain of the caller, unless it runs. */
    private void startInterrupts() {
        if (irq == null) {
            irq = threads.spawn("blk-sim-" + name + "-irq", true, this::interrupts);
        }
    }

    /** The interrupt thread: bounded waits on the interrupt line, drains, stall checks, dispatch. */
    private void interrupts() {
        try {
            while (true) {
                boolean busy;
                lock.lock();
                try {
                    if (closed) {
                        return;
                    }
                    busy = !pending.isEmpty();
                }
                finally {
                    lock.unlock();
                }
                long wait = busy ? BUSY_WAIT_NANOS : IDLE_WAIT_NANOS;
                long t0 = System.nanoTime();
                boolean raised;
                try {
                    raised = port.controller().awaitInterrupt(wait);
                } catch (InterruptedException e) {
                    continue;
                }
                if (!raised && System.nanoTime() - t0 < wait / 2) {
                    // the controller is shut down and answers at once: do not spin until the driver detaches
                    Thread.sleep(TimeUnit.NANOSECONDS.toMillis(wait));
                }
                port.drain();
                checkStall();
                lock.lock();
                try {
                    if (!closed) {
                        dispatch();
                    }
                } finally {
                    lock.unlock();
                }
            }
        } catch (InterruptedException e) {
            // closing
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "blk-sim " + name + ": interrupt thread failed; the next request starts another", e);
        } finally {
            lock.lock();
            try {
                if (irq == Thread.currentThread()) {
                    irq = null;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Resets the controller when a request of this instance has been on it too long with no completion from it, or
     * has waited in the queue that long for a slot that the stalled controller does not free.
     */
    private void checkStall() {
        long now = System.nanoTime();
        long limit = TimeUnit.MILLISECONDS.toNanos(IO_TIMEOUT_MILLIS);
        long since = -1;
        Request stalled = null;
        lock.lock();
        try {
            long quiet = now - port.lastProgress();
            for (Request r : pending) {
                boolean issued = r.tag != -1;
                if (quiet > limit && now - (issued ? r.issuedAt : r.queuedAt) > limit) {
                    stalled = r;
                    since = issued ? r.generation : port.generation();
                    break;
                }
            }
        } finally {
            lock.unlock();
        }
        if (stalled != null) {
            port.resetSince(since, "no completion for " + IO_TIMEOUT_MILLIS + " ms (" + stalled.op + " of sectors "
                    + stalled.sector + "+" + stalled.sectors + " outstanding)");
        }
    }

    /** Detaches this instance: every unfinished request fails with {@code ENXIO}, the interrupt thread ends. */
    void close() {
        Thread t;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            for (Request r : new ArrayList<>(pending)) {
                finish(r, Errno.ENXIO, name + ": block device detached", null);
            }
            queue.clear();
            closed = true;
            changed.signalAll();
            t = irq;
        } finally {
            lock.unlock();
        }
        if (t != null) {
            t.interrupt();
        }
    }

    /** Requests of this instance submitted or running and not yet complete (for tests). */
    int pendingCount() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }
}
