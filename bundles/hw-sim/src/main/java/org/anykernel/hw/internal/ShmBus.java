package org.anykernel.hw.internal;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A shared-memory Ethernet bus, like NetBSD rump's shmif: NICs in several JVMs (and several NICs in one JVM) open
 * the same file, map it with {@link FileChannel#map} READ_WRITE, and see every frame any of them writes. A bus is a
 * hub, not a switch: every frame reaches every other NIC, which filters by destination MAC.
 *
 * <h2>File layout</h2> (all numbers little-endian)
 * <pre>
 * header, 4096 bytes:
 *   0  int  magic 0x414b5342 ("BSKA" on disk)     4  int  version (1)
 *   8  long data size D (bytes of the ring)       16 long lock word (0: free; else owner pid &lt;&lt; 32 | nonce)
 *   24 long write position W (bytes ever written)  32 long next frame sequence number
 *   40 long generation (random, set when the file is initialized)   48 long lock take-overs
 * ring, D bytes from offset 4096: records, each 8-byte aligned, at ring offset (position mod D):
 *   int length (-1: "wrap", the rest of the ring is skipped), int 0, long sender id, long sequence number, frame
 * </pre>
 * A record never wraps around the end of the ring: a writer that does not fit before the end writes a wrap marker
 * and starts at ring offset 0. The first JVM to open the file (an empty file, or a header of zeros) initializes it
 * while holding an OS lock on the file ({@link FileChannel#tryLock()}); a file with another magic number or version
 * is refused.
 *
 * <h2>Writing</h2> Writers append under the lock word, which survives a writer that dies holding it: it holds the
 * owner's pid and a nonce new at every acquisition, and is taken with a compare-and-set on the mapped memory (a
 * {@link VarHandle} view of the buffer, atomic across processes). A waiter notes, on its own monotonic clock, since
 * when it has seen the same lock word; it takes the lock over (compare-and-set from that word) when the same word has
 * stayed for {@link #DEAD_OWNER_NANOS} and the owner's pid is not a live process (or is its own pid: within a JVM
 * writers are serialized by an ordinary lock first, so a word with its own pid is a leftover), or has stayed for
 * {@link #STUCK_OWNER_NANOS} whatever the owner (a stopped or wedged process). No clock is shared between processes,
 * so a wall-clock step cannot block or break the lock. Take-overs are counted in the header and logged. (Caveat: all
 * processes on a bus must share a pid namespace, or a live owner in another namespace looks dead after 10 ms.) A
 * writer copies the record into the ring past W, then publishes W with a release store; a writer that dies before
 * that leaves nothing visible.
 *
 * <h2>Reading</h2> Each JVM has one poller thread per bus with its own read position R, starting at W when the bus is
 * opened. It reads the records between R and W (acquire load of W), copies each frame, then re-reads W: if the writers
 * may have overwritten the record meanwhile (W + 2 records &gt; R + D) the copy is discarded. A reader that fell
 * behind by more than the ring (less that margin) skips to W; the frames lost are counted from the sequence numbers
 * ({@link #lost()}, and each attached NIC's {@code rxDropped}) when the next frame is read. Frames are delivered to every attached NIC of this JVM
 * except the one that wrote them (each NIC writes with its own random sender id).
 *
 * <h2>Latency</h2> The poller spins ({@link Thread#onSpinWait()}) for {@link #SPIN_AFTER_ACTIVITY_NANOS} after the
 * last frame it read or a NIC of this JVM wrote (so a reply from another JVM is picked up within a microsecond or
 * so), yielding its core now and then (so that a thread it has just woken is not kept waiting for a scheduler tick on a
 * machine with as many spinners as cores), then parks {@link #PARK_NANOS} at a time; after {@link #IDLE_AFTER_NANOS} without traffic, {@link
 * #IDLE_PARK_NANOS} at a time. A write from this JVM unparks it.
 *
 * <p>A thread waiting for a frame reads the ring itself ({@link #poll()}, the one cursor taken in turn with the
 * poller): a NIC's driver thread spinning in {@code awaitReceive} (as long as the poller would), or an application
 * thread busy-polling its socket through the NIC's {@code receive}. That saves the hand-off from the poller to the
 * waiter; meanwhile the poller rests ({@link #IDLE_PARK_NANOS} at a time), so that two spinners do not share two
 * cores with the threads doing the work. A waiter that stops spinning to park hands the watch back
 * ({@link #spinEnd}); a busy poller that stops hands nothing back: the NIC's driver thread, which the network stack
 * lets rest while applications busy-poll, reads the ring again within that rest (200 µs), and the poller, which
 * rests while anyone read the ring in the last {@link #POLLED_REST_NANOS}, within its own.
 *
 * <p>The mapping is released when the buffer is garbage collected (Java 21 has no unmap); the file is left in place.
 */
final class ShmBus implements Wire {

    static final int MAGIC = 0x414b5342;
    static final int VERSION = 1;
    static final int HEADER_BYTES = 4096;
    static final int DEFAULT_DATA_BYTES = 1 << 20;
    static final int MIN_DATA_BYTES = 16 << 10;
    static final int REC_HEADER = 24;

    static final int OFF_MAGIC = 0;
    static final int OFF_VERSION = 4;
    static final int OFF_DATA = 8;
    static final int OFF_LOCK = 16;
    static final int OFF_WPOS = 24;
    static final int OFF_SEQ = 32;
    static final int OFF_GENERATION = 40;
    static final int OFF_TAKEOVERS = 48;

    /** A lock word that stays this long with a dead owner is taken over. */
    static final long DEAD_OWNER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** A lock word that stays this long is taken over, whoever the owner. */
    static final long STUCK_OWNER_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** The poller spins this long after activity. */
    static final long SPIN_AFTER_ACTIVITY_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** Then parks this long at a time. */
    static final long PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    /** Until the bus has been idle this long. */
    static final long IDLE_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** From then on it parks this long at a time. */
    static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** The poller rests while another thread of this JVM has read the ring within this time. */
    static final long POLLED_REST_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    /** While spinning, the poller yields its core every this many + 1 turns. */
    static final int YIELD_MASK = 63;

    private static final Logger LOG = Logger.getLogger(ShmBus.class.getName());
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicInteger NONCE = new AtomicInteger();
    private static final long INIT_LOCK_WAIT_MILLIS = 5000;
    private static final long JOIN_MILLIS = 5000;

    /** Open buses of this JVM by absolute path. Guarded by itself. */
    private static final Map<Path, ShmBus> OPEN = new HashMap<>();

    private final Path file;
    private final MappedByteBuffer buf;
    private final int data;
    private final int maxFrame;
    private final int margin;
    private final long generation;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Map<SimNic, Long> nics = new ConcurrentHashMap<>();
    private final LongAdder lost = new LongAdder();
    private final LongAdder takeovers = new LongAdder();
    private final Cursor cursor;
    private volatile long activity = System.nanoTime();
    /** Set while a thread reads the ring with {@link #cursor} (the poller, or a NIC's waiting driver thread). */
    private final java.util.concurrent.atomic.AtomicBoolean reading = new java.util.concurrent.atomic.AtomicBoolean();
    /** Receivers of this JVM spinning on {@link #poll()}: while there are any, the poller rests. */
    private final AtomicInteger spinners = new AtomicInteger();
    /** When a thread other than the poller last read the ring ({@code nanoTime}): a driver polling, or busy-polling. */
    private volatile long polledBy = System.nanoTime() - 2 * POLLED_REST_NANOS;
    private volatile boolean pollerParked;
    private volatile boolean closed;
    private Thread poller; // guarded by OPEN
    private int pending; // opened but not yet attached; guarded by OPEN

    /** Receives frames read from the ring. */
    interface Handler {
        void frame(long sender, byte[] frame);
    }

    private ShmBus(Path file, MappedByteBuffer buf, int data) {
        this.file = file;
        this.buf = buf;
        this.data = data;
        this.maxFrame = Math.min(NicConfig.MAX_MTU + SimNic.HEADER, data / 8 - REC_HEADER);
        this.margin = 2 * align(REC_HEADER + maxFrame);
        this.generation = buf.getLong(OFF_GENERATION);
        this.cursor = new Cursor();
    }

    /**
     * The bus on {@code file} (a 1 MiB ring if the file is new), shared by the NICs of this JVM. Attach a NIC right
     * away: the bus closes when its last NIC detaches.
     *
     * @throws IllegalArgumentException naming the file when it cannot be mapped or is not a bus file
     */
    static ShmBus open(Path file) {
        return open(file, DEFAULT_DATA_BYTES);
    }

    /** {@link #open(Path)} with a ring of {@code dataBytes} for a new file (an existing file keeps its size). */
    static ShmBus open(Path file, int dataBytes) {
        if (dataBytes < MIN_DATA_BYTES || dataBytes % 8 != 0) {
            throw new IllegalArgumentException("shm:" + file + ": ring size " + dataBytes + " is not a multiple of 8 >= " + MIN_DATA_BYTES);
        }
        Path key = file.toAbsolutePath().normalize();
        synchronized (OPEN) {
            ShmBus b = OPEN.get(key);
            if (b == null) {
                b = map(key, dataBytes);
                OPEN.put(key, b);
            }
            b.pending++;
            return b;
        }
    }

    private static ShmBus map(Path file, int dataBytes) {
        String where = "shm:" + file + ": ";
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            FileLock init = null;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(INIT_LOCK_WAIT_MILLIS);
            while ((init = ch.tryLock()) == null) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalArgumentException(where + "another process holds the file's lock for more than "
                            + INIT_LOCK_WAIT_MILLIS + " ms while initializing it");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            try {
                long size = ch.size();
                int magic = 0;
                if (size >= HEADER_BYTES) {
                    ByteBuffer h = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
                    ch.read(h, 0);
                    magic = h.getInt(OFF_MAGIC);
                    if (magic == MAGIC) {
                        int version = h.getInt(OFF_VERSION);
                        if (version != VERSION) {
                            throw new IllegalArgumentException(where + "bus version " + version + ", this one speaks " + VERSION);
                        }
                        long d = h.getLong(OFF_DATA);
                        if (d < MIN_DATA_BYTES || d % 8 != 0 || d > Integer.MAX_VALUE - HEADER_BYTES || size < HEADER_BYTES + d) {
                            throw new IllegalArgumentException(where + "corrupt header: ring size " + d + ", file size " + size);
                        }
                        MappedByteBuffer mb = ch.map(FileChannel.MapMode.READ_WRITE, 0, HEADER_BYTES + d);
                        mb.order(ByteOrder.LITTLE_ENDIAN);
                        return new ShmBus(file, mb, (int) d);
                    }
                }
                if (size != 0 && magic != 0) {
                    throw new IllegalArgumentException(where + "not a bus file (magic 0x" + Integer.toHexString(magic) + ")");
                }
                if (size > HEADER_BYTES + (long) dataBytes) {
                    throw new IllegalArgumentException(where + "not a bus file (" + size + " bytes, no header)");
                }
                // new: size it, write the header, the magic last
                ch.write(ByteBuffer.allocate(1), HEADER_BYTES + (long) dataBytes - 1);
                MappedByteBuffer mb = ch.map(FileChannel.MapMode.READ_WRITE, 0, HEADER_BYTES + (long) dataBytes);
                mb.order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < HEADER_BYTES; i += 8) {
                    mb.putLong(i, 0);
                }
                mb.putInt(OFF_VERSION, VERSION);
                mb.putLong(OFF_DATA, dataBytes);
                mb.putLong(OFF_GENERATION, ThreadLocalRandom.current().nextLong() | 1);
                VarHandle.releaseFence();
                mb.putInt(OFF_MAGIC, MAGIC);
                return new ShmBus(file, mb, dataBytes);
            } finally {
                init.release();
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(where + "cannot map: " + e, e);
        }
    }

    @Override
    public void attach(SimNic nic) {
        synchronized (OPEN) {
            if (closed) {
                throw new IllegalStateException("shm:" + file + ": bus closed");
            }
            if (pending > 0) {
                pending--;
            }
            nics.put(nic, ThreadLocalRandom.current().nextLong() | 1);
            if (poller == null) {
                poller = new Thread(this::pollLoop, "hw-sim-shm-" + file.getFileName());
                poller.setDaemon(true);
                poller.start();
            }
        }
        activity = System.nanoTime();
    }

    @Override
    public void detach(SimNic nic) {
        synchronized (OPEN) {
            if (nics.remove(nic) == null && pending > 0) {
                pending--; // opened, never attached (its NIC failed to open)
            }
            if (!nics.isEmpty() || pending > 0) {
                return;
            }
        }
        close();
    }

    /** Stops the poller and forgets the bus (the file stays). Idempotent. */
    void close() {
        Thread t;
        synchronized (OPEN) {
            if (closed) {
                return;
            }
            closed = true;
            OPEN.remove(file, this);
            t = poller;
            poller = null;
        }
        if (t != null) {
            LockSupport.unpark(t);
            if (t != Thread.currentThread()) {
                try {
                    if (!t.join(java.time.Duration.ofMillis(JOIN_MILLIS))) {
                        LOG.warning("shm:" + file + ": poller did not stop within " + JOIN_MILLIS + " ms");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    Path file() {
        return file;
    }

    /** The largest frame the ring takes. */
    int maxFrame() {
        return maxFrame;
    }

    /** The generation of the file (random, set when it was initialized). */
    long generation() {
        return generation;
    }

    /** Frames this JVM's reader lost by falling behind. */
    long lost() {
        return lost.sum();
    }

    /** Lock take-overs by this JVM. */
    long takeovers() {
        return takeovers.sum();
    }

    /** Lock take-overs by every process, from the header. */
    long takeoversInFile() {
        return (long) LONGS.getVolatile(buf, OFF_TAKEOVERS);
    }

    /** The lock word (tests simulate a writer that died holding it). */
    long lockWord() {
        return (long) LONGS.getVolatile(buf, OFF_LOCK);
    }

    void lockWord(long w) {
        LONGS.setVolatile(buf, OFF_LOCK, w);
    }

    /** The pid-and-nonce word of this process for one acquisition. */
    static long ownerWord(long pid, int nonce) {
        return pid << 32 | (nonce & 0xffffffffL);
    }

    @Override
    public boolean send(SimNic from, byte[] frame) {
        Long sender = nics.get(from);
        if (sender == null || closed) {
            return false;
        }
        return write(sender, frame);
    }

    /** Appends one frame as {@code sender}; false if the frame does not fit the ring's largest record. */
    boolean write(long sender, byte[] f) {
        if (f.length > maxFrame) {
            return false;
        }
        int rec = align(REC_HEADER + f.length);
        writeLock.lock();
        try {
            long token = lock();
            try {
                long w = (long) LONGS.getVolatile(buf, OFF_WPOS);
                long seq = (long) LONGS.getVolatile(buf, OFF_SEQ);
                int off = (int) (w % data);
                long start = w;
                if (off + rec > data) {
                    buf.putInt(HEADER_BYTES + off, -1);
                    start = w + (data - off);
                    off = 0;
                }
                int base = HEADER_BYTES + off;
                buf.putInt(base, f.length);
                buf.putInt(base + 4, 0);
                buf.putLong(base + 8, sender);
                buf.putLong(base + 16, seq);
                buf.put(base + REC_HEADER, f, 0, f.length);
                LONGS.setRelease(buf, OFF_SEQ, seq + 1);
                LONGS.setRelease(buf, OFF_WPOS, start + rec);
            } finally {
                unlock(token);
            }
        } finally {
            writeLock.unlock();
        }
        activity = System.nanoTime();
        if (pollerParked) {
            Thread t = poller;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
        return true;
    }

    /**
     * Takes the lock word (see the class documentation); returns the word written. Called under writeLock (tests
     * call it directly to make a process that dies holding the lock).
     */
    long lock() {
        int n;
        do {
            n = NONCE.incrementAndGet();
        } while (n == 0);
        long me = ownerWord(PID, n);
        long seen = 0;
        long seenSince = 0;
        boolean checked = false;
        boolean dead = false;
        int spins = 0;
        while (true) {
            long cur = (long) LONGS.getVolatile(buf, OFF_LOCK);
            if (cur == 0) {
                if (LONGS.compareAndSet(buf, OFF_LOCK, 0L, me)) {
                    return me;
                }
                continue;
            }
            long now = System.nanoTime();
            if (cur != seen) {
                seen = cur;
                seenSince = now;
                checked = false;
                dead = false;
                spins = 0;
            }
            long held = now - seenSince;
            if (held >= DEAD_OWNER_NANOS && !checked) {
                long pid = cur >>> 32;
                dead = pid == PID || ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
                checked = true;
            }
            if ((dead && held >= DEAD_OWNER_NANOS) || held >= STUCK_OWNER_NANOS) {
                if (LONGS.compareAndSet(buf, OFF_LOCK, cur, me)) {
                    takeovers.increment();
                    LONGS.getAndAdd(buf, OFF_TAKEOVERS, 1L);
                    LOG.warning("shm:" + file + ": took the bus lock over from pid " + (cur >>> 32) + " ("
                            + (dead ? "not running" : "alive") + "), which held it for at least "
                            + TimeUnit.NANOSECONDS.toMillis(held) + " ms");
                    return me;
                }
                continue;
            }
            spins++;
            if (spins < 2000) {
                Thread.onSpinWait();
            } else if (spins < 2100) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(20));
            }
        }
    }

    private void unlock(long me) {
        if (!LONGS.compareAndSet(buf, OFF_LOCK, me, 0L)) {
            LOG.warning("shm:" + file + ": the bus lock was taken over while this process held it (it was too slow); "
                    + "the frame it wrote may be damaged");
        }
    }

    /** A new read position at the current end of the ring. */
    Cursor newCursor() {
        return new Cursor();
    }

    /** A reader's position in the ring. Not thread-safe: one thread polls a cursor. */
    final class Cursor {
        private long rpos;
        private long expect;
        private long lostHere;

        Cursor() {
            // a consistent (write position, next sequence number) pair: writers store the sequence number first,
            // so equal sequence numbers around the read of W mean W is that of the same record, or one behind it
            // (then one frame of no loss is expected too early, which counts nothing)
            while (true) {
                long s1 = (long) LONGS.getVolatile(buf, OFF_SEQ);
                long w = (long) LONGS.getVolatile(buf, OFF_WPOS);
                long s2 = (long) LONGS.getVolatile(buf, OFF_SEQ);
                if (s1 == s2) {
                    rpos = w;
                    expect = s1;
                    return;
                }
                Thread.onSpinWait();
            }
        }

        /** Frames this cursor lost. */
        long lost() {
            return lostHere;
        }

        /**
         * Reads the frames written since the last poll, handing each to {@code h}.
         *
         * @return how many frames were read
         */
        int poll(Handler h) {
            long w = (long) LONGS.getAcquire(buf, OFF_WPOS);
            int n = 0;
            while (rpos != w) {
                if (w - rpos > data - margin || w < rpos) {
                    rpos = w; // fell behind (or the file was re-initialized): catch up, count by sequence numbers
                    break;
                }
                int off = (int) (rpos % data);
                int len = buf.getInt(HEADER_BYTES + off);
                if (len == -1) {
                    rpos += data - off;
                    continue;
                }
                int rec = align(REC_HEADER + len);
                if (len < SimNic.HEADER || len > maxFrame || off + rec > data) {
                    rpos = (long) LONGS.getAcquire(buf, OFF_WPOS); // overwritten under us
                    break;
                }
                int base = HEADER_BYTES + off;
                long sender = buf.getLong(base + 8);
                long seq = buf.getLong(base + 16);
                byte[] f = new byte[len];
                buf.get(base + REC_HEADER, f, 0, len);
                VarHandle.loadLoadFence();
                long w2 = (long) LONGS.getAcquire(buf, OFF_WPOS);
                if (w2 + margin > rpos + data) {
                    rpos = w2; // the writers may have overwritten what we copied: discard it
                    break;
                }
                rpos += rec;
                if (seq > expect) {
                    lose(seq - expect);
                }
                expect = seq + 1;
                h.frame(sender, f);
                n++;
            }
            return n;
        }

        private void lose(long k) {
            lostHere += k;
            if (this == cursor) {
                lost.add(k);
                for (SimNic nic : nics.keySet()) {
                    nic.lostOnWire(k);
                }
            }
        }
    }

    private void deliver(long sender, byte[] f) {
        SimNic last = null;
        for (Map.Entry<SimNic, Long> e : nics.entrySet()) {
            if (e.getValue() == sender) {
                continue;
            }
            if (last != null) {
                last.fromWire(f.clone());
            }
            last = e.getKey();
        }
        if (last != null) {
            last.fromWire(f);
        }
    }

    /** Reads the ring into this JVM's NICs, unless another thread is at it; whether frames came. */
    @Override
    public boolean poll() {
        if (closed) {
            return false;
        }
        polledBy = System.nanoTime();
        return read() > 0;
    }

    /** Receivers spin as the poller would: for a while after the last traffic, at least {@code dflt}. */
    @Override
    public long spinNanos(long dflt) {
        return Math.max(dflt, activity + SPIN_AFTER_ACTIVITY_NANOS - System.nanoTime());
    }

    @Override
    public void spinStart() {
        spinners.incrementAndGet();
    }

    @Override
    public void spinEnd(boolean parks) {
        if (spinners.decrementAndGet() == 0 && parks) {
            polledBy = System.nanoTime() - 2 * POLLED_REST_NANOS; // the waiter no longer reads the ring
            Thread t = poller;
            if (t != null) {
                LockSupport.unpark(t); // the poller takes over the watch
            }
        }
    }

    /** Frames read by this thread, 0 if none came or another thread is reading. */
    private int read() {
        if (reading.get() || !reading.compareAndSet(false, true)) {
            return 0;
        }
        try {
            int n = cursor.poll(this::deliver);
            if (n > 0) {
                activity = System.nanoTime();
            }
            return n;
        } finally {
            reading.set(false);
        }
    }

    private void pollLoop() {
        int spins = 0;
        while (!closed) {
            int n;
            try {
                n = read();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "shm:" + file + ": poller: " + e, e);
                n = 0;
                LockSupport.parkNanos(IDLE_PARK_NANOS);
            }
            long now = System.nanoTime();
            if (n > 0) {
                continue;
            }
            long idle = now - activity;
            if (spinners.get() > 0 || now - polledBy < POLLED_REST_NANOS) {
                // a NIC's driver thread, or an application thread busy-polling, reads the ring: no need for a
                // second spinner
                pollerParked = true;
                if (!closed) {
                    // whoever stops reading hands the watch back (spinEnd), so a long rest loses nothing
                    LockSupport.parkNanos(this, IDLE_PARK_NANOS);
                }
                pollerParked = false;
            } else if (idle < SPIN_AFTER_ACTIVITY_NANOS) {
                // yield now and then: with as many spinners as cores (2 here), a thread just unparked to take a
                // frame would otherwise wait for the scheduler's tick (4 ms)
                if ((++spins & YIELD_MASK) == 0) {
                    Thread.yield();
                } else {
                    Thread.onSpinWait();
                }
            } else {
                pollerParked = true;
                if ((long) LONGS.getVolatile(buf, OFF_WPOS) == cursorPosition() && !closed) {
                    LockSupport.parkNanos(this, idle < IDLE_AFTER_NANOS ? PARK_NANOS : IDLE_PARK_NANOS);
                }
                pollerParked = false;
            }
        }
    }

    private long cursorPosition() {
        return cursor.rpos;
    }

    private static int align(int n) {
        return (n + 7) & ~7;
    }

    @Override
    public String describe() {
        return "shm:" + file;
    }
}
