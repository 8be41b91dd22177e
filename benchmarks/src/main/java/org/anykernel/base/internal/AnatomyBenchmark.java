package org.anykernel.base.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.anykernel.base.spi.FdTable;
import org.anykernel.base.spi.OpenFile;
import org.anykernel.base.spi.SyscallTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Diagnostics, not targets: the single steps the syscall and isolated paths take per call, measured alone,
 * to explain where {@link PlacementBenchmark}'s time goes. Each mirrors one line of kernel-base (named in
 * its comment); none changes kernel code.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class AnatomyBenchmark {
    FdTable fds;
    int fd;
    String name = "/dev/zero";
    final byte[] buf = new byte[1];
    Placements.Base base;
    Domain holder;
    Semaphore vcpus;
    Set<Object> migrating;
    Thread self;

    @Setup(Level.Trial)
    public void setUp() {
        fds = new FdTable();
        fd = fds.install(new OpenFile() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return len;
            }

            @Override
            public int write(byte[] b, int off, int len) {
                return len;
            }

            @Override
            public long ioctl(long request, long arg) {
                return 0;
            }
        });
        base = new Placements.Base();
        holder = base.holder("bench");
        vcpus = new Semaphore(1);
        migrating = ConcurrentHashMap.newKeySet();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        base.close();
    }

    /** System.nanoTime(): the migrate path reads the clock three times per call, hand-off twice (plus the spin loop). */
    @Benchmark
    public long nanoTime() {
        return System.nanoTime();
    }

    /** FdTable.get: a synchronized method, once per read(2). */
    @Benchmark
    public Object fdTableGet() {
        return fds.get(fd);
    }

    /** BaseSyscalls' read handler: SyscallTable.checkRange("read " + f.name(), ...), the message built on every call. */
    @Benchmark
    public String checkRangeWithMessage() {
        String what = "read " + name;
        SyscallTable.checkRange(what, buf, 0, 1);
        return what;
    }

    /** A library kernel's syscall entry and a front's direct/migrate path: ExecutionContext enter + exit (ThreadLocal set twice). */
    @Benchmark
    public Object executionContextEnterExit() {
        var account = holder.account();
        var prev = ExecutionContext.enter(account);
        ExecutionContext.exit(prev);
        return prev;
    }

    /** Domain.migrate: vCPU semaphore tryAcquire(timeout) + release. */
    @Benchmark
    public boolean semaphoreAcquireRelease() throws InterruptedException {
        boolean ok = vcpus.tryAcquire(2000, TimeUnit.MILLISECONDS);
        vcpus.release();
        return ok;
    }

    /** Domain.migrate: an InFlight record added to and removed from a concurrent set. */
    @Benchmark
    public boolean inFlightAddRemove() {
        Object flight = new Object();
        migrating.add(flight);
        return migrating.remove(flight);
    }

    /** Copier.copyIn / copyOut for a 1-byte array (clone, args array clone, copy back). */
    @Benchmark
    public Object[] copyInOut() {
        Object[] args = {buf, 0, 1};
        Object[] copies = Copier.copyIn(args, true);
        Copier.copyOut(args, copies);
        return copies;
    }
}
