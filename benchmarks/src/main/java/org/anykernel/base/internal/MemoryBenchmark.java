package org.anykernel.base.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntFunction;

import org.anykernel.base.api.DomainDescriptor;
import org.anykernel.base.api.Placement;
import org.anykernel.bench.EmbeddedLibrary;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Heap retained per idle domain and per library kernel. JMH has no retained-heap measure, so each
 * invocation makes {@value #N} objects and keeps them referenced, measures the live heap after forced
 * garbage collections before and after, and reports bytes per object through an auxiliary counter
 * ({@link Retained}); then it releases them and measures again ({@code leakedBytesPerObject}: what stays
 * after close, which should be about 0). The time of an invocation (the primary score) means nothing
 * here: it is mostly the forced GCs and their pauses.
 *
 * <p>Live heap: after {@code System.gc()} (a full, compacting GC with G1, the default collector here)
 * every live object is in the old generation and eden is empty; the sum of the heap pools other than
 * eden is then the live data. Eden is left out because TLABs handed to other threads right after the
 * GC count as used in whole (up to megabytes), which over {@value #N} objects would add kilobytes of
 * noise per object.
 *
 * <ul>
 *   <li>{@link #idleDomainIsolated}: {@code new Domain(descriptor, host, supervisor)} as {@code
 *       DomainManager} makes one, isolated with hand-off IPC and 1 vCPU: it starts one worker thread,
 *       parked when idle. A thread's stack is native memory, not heap (1 MiB reserved by default, about
 *       100 KiB committed per idle worker by Native Memory Tracking); only the {@code Thread} object and
 *       what it references are counted.
 *       {@code threadsPerObject} shows the thread.</li>
 *   <li>{@link #idleDomainColocated}: the same, colocated (no thread).</li>
 *   <li>{@link #libraryKernelRetained}: in the {@code library} profile booted in this JVM (as in
 *       {@code org.anykernel.bench.LibraryKernelBenchmark}), {@code KernelFactory.create(name,
 *       List.of("char-std"), 1 MiB)}: a kernel with its process, every faction attached and private
 *       instances of char-std's components (null, zero, random, console) from SCR.</li>
 * </ul>
 *
 * Outside OSGi (the domains), no front and no registry entry is made: a domain with drivers would add
 * its fronts (proxies) and their service registrations.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class MemoryBenchmark {
    /** Objects made per invocation. */
    static final int N = 200;

    /** The figures of the last invocation, reported per iteration by JMH. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Retained {
        /** Live heap added per object while the objects are held. */
        public double bytesPerObject;
        /** Live heap still added per object after every object was closed and released. */
        public double leakedBytesPerObject;
        /** Live threads added per object while they are held. */
        public double threadsPerObject;

        @Setup(Level.Iteration)
        public void reset() {
            bytesPerObject = 0;
            leakedBytesPerObject = 0;
            threadsPerObject = 0;
        }
    }

    /** A host and a supervisor (its watchdog running), as {@code Placements} makes them; no domain watched. */
    @State(Scope.Benchmark)
    public static class Domains {
        Placements.Base base;

        @Setup(Level.Trial)
        public void setUp() {
            base = new Placements.Base();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            base.close();
        }
    }

    /** The library profile in this JVM. */
    @State(Scope.Benchmark)
    public static class Library {
        EmbeddedLibrary library;

        @Setup(Level.Trial)
        public void setUp() {
            library = new EmbeddedLibrary();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            library.close();
        }
    }

    @Benchmark
    public Object idleDomainIsolated(Domains s, Retained r) {
        return measure(r, i -> new Domain(DomainDescriptor.defaults("mem-" + i, Placement.ISOLATED), s.base.host,
                s.base.supervisor), o -> ((Domain) o).close());
    }

    @Benchmark
    public Object idleDomainColocated(Domains s, Retained r) {
        return measure(r, i -> new Domain(DomainDescriptor.defaults("mem-" + i, Placement.COLOCATED), s.base.host,
                s.base.supervisor), o -> ((Domain) o).close());
    }

    @Benchmark
    public Object libraryKernelRetained(Library s, Retained r) {
        return measure(r, i -> s.library.create("mem-" + i, List.of("char-std"), 1L << 20), s.library::close);
    }

    private static Object measure(Retained r, IntFunction<Object> make, Consumer<Object> close) {
        int threads0 = liveThreads();
        long before = liveHeap();
        Object[] held = new Object[N];
        for (int i = 0; i < N; i++) {
            held[i] = make.apply(i);
        }
        settle();
        int threads1 = liveThreads();
        long during = liveHeap();
        for (Object o : held) {
            close.accept(o);
        }
        r.bytesPerObject = (during - before) / (double) N;
        r.threadsPerObject = (threads1 - threads0) / (double) N;
        held = null;
        // closed isolated domains' workers end within their 100 ms poll: wait for them (bounded)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (liveThreads() > threads0 && System.nanoTime() < deadline) {
            settle();
        }
        long after = liveHeap();
        r.leakedBytesPerObject = (after - before) / (double) N;
        return r;
    }

    /** Live heap bytes: forced GCs, then the heap pools other than eden (see the class comment). */
    static long liveHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            if (i < 2) {
                settle();
            }
        }
        long used = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && !p.getName().contains("Eden")) {
                used += p.getUsage().getUsed();
            }
        }
        return used;
    }

    static int liveThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** Lets reference processing, finalization and thread starts and ends happen. */
    private static void settle() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
