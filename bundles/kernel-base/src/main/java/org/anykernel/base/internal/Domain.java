package org.anykernel.base.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.anykernel.base.api.DomainDescriptor;
import org.anykernel.base.api.DomainDescriptor.RestartPolicy;
import org.anykernel.base.api.DomainInfo;
import org.anykernel.base.api.DomainState;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Placement;
import org.anykernel.base.spi.Hypercalls;

/**
 * A domain: the unit of placement, isolation and restart. Holds the descriptor in force and the call path
 * it implies (its {@link Mode}), switched atomically on re-placement; runs calls on that path with faults
 * contained and deadlines watched.
 */
final class Domain {
    /** How long a caller spins for a hand-off answer before parking. */
    static final long CALLER_SPIN_NANOS = 20_000;

    /**
     * The descriptor in force and its call path. Immutable: re-placement swaps the whole mode. Migrated calls
     * in flight sit in {@code flights}, one slot per vCPU (the semaphore bounds them), for the watchdog.
     */
    record Mode(DomainDescriptor descriptor, HandOffExecutor executor, Semaphore vcpus,
            AtomicReferenceArray<InFlight> flights) {
        Placement placement() {
            return descriptor.placement();
        }

        /** Puts a call in a free slot; there is one, since the caller holds a vCPU permit. */
        int enter(InFlight f) {
            int n = flights.length();
            int start = (int) (Thread.currentThread().threadId() % n);
            for (int i = 0;; i = (i + 1) % n) {
                int slot = (start + i) % n;
                if (flights.get(slot) == null && flights.compareAndSet(slot, null, f)) {
                    return slot;
                }
            }
        }
    }

    /** A call that migrated into the domain on its caller's thread, watched by the supervisor. */
    static final class InFlight {
        final Thread thread = Thread.currentThread();
        final long start;
        final Front front;
        final Method method;
        volatile boolean timedOut;
        /** A restart interrupted the thread (to get it out of the old driver), not its caller. */
        volatile boolean interruptedByRestart;

        InFlight(Front front, Method method, long start) {
            this.front = front;
            this.method = method;
            this.start = start;
        }
    }

    private static final Object RETRY = new Object();

    private final String name;
    private final Hypercalls host;
    private final Supervisor supervisor;
    private final Account account;
    private final CallStats stats = new CallStats();
    private final Set<Front> fronts = new CopyOnWriteArraySet<>();
    /** Most calls held at once while the domain's driver is away; more get {@code EAGAIN}. */
    static final int HOLD_MAX = 1024;
    private final java.util.concurrent.atomic.AtomicInteger holding = new java.util.concurrent.atomic.AtomicInteger();

    /** Counts a call that waits for the driver to come back; false if {@link #HOLD_MAX} already do. */
    boolean enterHold() {
        if (holding.incrementAndGet() > HOLD_MAX) {
            holding.decrementAndGet();
            return false;
        }
        return true;
    }

    void exitHold() {
        holding.decrementAndGet();
    }

    /** Idempotent calls whose run crashed the driver, waiting for the restart to replay them; guarded by this. */
    private final List<Call> crashed = new java.util.ArrayList<>();
    private final Deque<Long> restartTimes = new ArrayDeque<>();
    private volatile Mode mode;
    private volatile DomainState state = DomainState.ACTIVE;
    private volatile String lastFault = "";
    private volatile String rejected = "";
    private volatile int restarts;
    private int generation;

    Domain(DomainDescriptor descriptor, Hypercalls host, Supervisor supervisor) {
        this.name = descriptor.name();
        this.host = host;
        this.supervisor = supervisor;
        this.account = new Account(name, descriptor.memoryQuota());
        this.account.watch(new Account.Watcher() {
            @Override
            public void threadDied(String thread, Throwable cause) {
                stats.fault();
                supervisor.fault(Domain.this, "kernel thread " + thread, cause);
            }

            @Override
            public void quotaHit(String what) {
                supervisor.quota(Domain.this, what);
            }
        });
        apply(descriptor);
    }

    String name() {
        return name;
    }

    Account account() {
        return account;
    }

    DomainDescriptor descriptor() {
        return mode.descriptor();
    }

    Placement placement() {
        return mode.placement();
    }

    DomainState state() {
        return state;
    }

    void setState(DomainState s) {
        state = s;
    }

    Set<Front> fronts() {
        return fronts;
    }

    /** Migrated calls in flight now. */
    List<InFlight> migrating() {
        return migratingIn(mode);
    }

    private static List<InFlight> migratingIn(Mode m) {
        AtomicReferenceArray<InFlight> f = m.flights();
        List<InFlight> out = new java.util.ArrayList<>();
        for (int i = 0; i < f.length(); i++) {
            InFlight x = f.get(i);
            if (x != null) {
                out.add(x);
            }
        }
        return out;
    }

    CallStats stats() {
        return stats;
    }

    /**
     * Records the latest fault, unless the domain is stopped: then the reason it was stopped stays (a call that was
     * still crashing while the supervisor gave up must not hide why). {@code Supervisor.fail} sets the reason before
     * the state.
     */
    void setLastFault(String f) {
        if (state != DomainState.FAILED) {
            lastFault = f;
        }
    }

    void setRejected(String r) {
        rejected = r;
    }

    /** Records a restart now; false if that would exceed the intensity limit (N restarts in T seconds). */
    synchronized boolean admitRestart(long nowMillis) {
        DomainDescriptor d = descriptor();
        while (!restartTimes.isEmpty() && nowMillis - restartTimes.peekFirst() > d.periodSeconds() * 1000L) {
            restartTimes.pollFirst();
        }
        if (restartTimes.size() >= d.intensity()) {
            return false;
        }
        restartTimes.addLast(nowMillis);
        restarts++;
        return true;
    }

    synchronized void clearRestartHistory() {
        restartTimes.clear();
    }

    /**
     * Puts a descriptor in force. The call path is swapped atomically: calls already queued on an old
     * executor are still run by it (it drains), new calls take the new path.
     */
    synchronized void apply(DomainDescriptor nd) {
        Mode old = mode;
        boolean sameShape = old != null && old.placement() == nd.placement() && old.descriptor().ipc() == nd.ipc()
                && old.descriptor().vcpus() == nd.vcpus();
        mode = sameShape ? new Mode(nd, old.executor(), old.vcpus(), old.flights()) : newMode(nd);
        account.setQuota(nd.memoryQuota());
        account.setThreadsMax(nd.threadsMax());
        if (!sameShape && old != null && old.executor() != null) {
            old.executor().drain();
        }
    }

    private Mode newMode(DomainDescriptor nd) {
        HandOffExecutor ex = nd.placement() == Placement.ISOLATED && nd.ipc() == DomainDescriptor.Ipc.HANDOFF
                ? new HandOffExecutor(this, nd.vcpus(), host, ++generation) : null;
        return new Mode(nd, ex, new Semaphore(nd.vcpus()), new AtomicReferenceArray<>(nd.vcpus()));
    }

    /**
     * A planned stop (a live update, a replace): fresh threads take the calls from now on ({@code fresh}, from {@link
     * #freshMode}, started before the calls were held; new ones if it is null or the descriptor changed since), while
     * the old ones finish what was queued and running, without interrupts; waits at most {@code millis} for those
     * calls (not for the old threads to exit: idle, they end by themselves).
     *
     * @return whether every call queued or running on the old threads finished in time
     */
    boolean drainThreads(Mode fresh, long millis) {
        Mode old;
        synchronized (this) {
            old = mode;
            if (fresh == null || fresh.descriptor() != old.descriptor()) {
                discard(fresh);
                fresh = newMode(old.descriptor());
            }
            mode = fresh;
            if (old.executor() != null) {
                old.executor().drain();
            }
        }
        return old.executor() == null || old.executor().awaitQuiet(millis);
    }

    /** Threads for a coming {@link #drainThreads(Mode, long)}, started ahead (a live update makes them before its pause). */
    synchronized Mode freshMode() {
        return newMode(mode.descriptor());
    }

    /** Lets the threads of a {@link #freshMode} that was not used end. */
    static void discard(Mode fresh) {
        if (fresh != null && fresh.executor() != null) {
            fresh.executor().drain();
        }
    }

    /** Restart: fails what is queued, abandons the old threads, starts fresh ones. */
    synchronized void resetThreads(String why) {
        Mode old = mode;
        mode = newMode(old.descriptor());
        if (old.executor() != null) {
            for (Call c : old.executor().kill()) {
                holdForRestart(c, why);
            }
        }
        for (InFlight f : migratingIn(old)) {
            f.interruptedByRestart = true;
            f.thread.interrupt();
        }
    }

    /**
     * A call that was queued when the threads were reset: an idempotent one waits (its caller's deadline extended)
     * until the restart is over, then runs again ({@link #replayCrashed}); any other fails with {@code EIO}, since
     * running it twice could do twice what it does.
     */
    private void holdForRestart(Call c, String why) {
        if (c.method.isAnnotationPresent(org.anykernel.base.api.Idempotent.class)) {
            c.extend(TimeUnit.MILLISECONDS.toNanos(descriptor().holdMillis() + descriptor().watchdogMillis()));
            crashed.add(c);
        } else {
            c.complete(null, new KernelException(Errno.EIO, c.front.describe(c.method), why));
        }
    }

    /**
     * Replays (or fails) the idempotent calls held for a restart: those queued when the threads were reset and
     * those whose own run crashed the driver ({@link #runInDomain}). The supervisor calls this once the domain is
     * back (they run on the new driver) or stopped (they fail with {@code ENXIO}), never while the old driver may
     * still be reached.
     */
    synchronized int replayCrashed(String why) {
        List<Call> calls = new java.util.ArrayList<>(crashed);
        crashed.clear();
        for (Call c : calls) {
            replayOrFail(c, why);
        }
        return calls.size();
    }

    /** Runs a held idempotent call again on the current threads (it takes the driver object when it runs). */
    private void replayOrFail(Call c, String why) {
        HandOffExecutor ex = mode.executor();
        if (c.method.isAnnotationPresent(org.anykernel.base.api.Idempotent.class) && ex != null) {
            c.target = null;
            // the abandoned attempt's thread may still be in the driver: it loses its views of the caller's buffers
            Copier.renewGrants(c.args);
            c.restart();
            c.executor = ex;
            if (ex.submit(c)) {
                stats.replayed();
                return;
            }
        }
        c.complete(null, new KernelException(Errno.EIO, c.front.describe(c.method), why));
    }

    /** Stops the domain's threads for good (domain deleted or kernel stopping). */
    synchronized void close() {
        if (mode.executor() != null) {
            mode.executor().drain();
        }
    }

    DomainInfo info(List<String> bundles) {
        return new DomainInfo(descriptor(), state, fronts.size(), bundles, restarts, account.used(), lastFault, rejected);
    }

    // ---- calls

    /**
     * A colocated or migrated call whose driver faulted in it, and that may run again on the restarted driver: the
     * fault is reported (the restart is on its way) and the caller's thread waits for the new driver ({@link #call}).
     */
    private static final class Replay extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Object crashed;
        /** The migrated call's flight (null for a colocated call): whether the restart interrupted its thread. */
        final transient InFlight flight;

        Replay(Object crashed, InFlight flight) {
            super(null, null, false, false);
            this.crashed = crashed;
            this.flight = flight;
        }
    }

    /** Runs a call of {@code front} on {@code target} along the domain's current path. */
    Object call(Front front, Object target, Method m, Object[] args) throws Throwable {
        long replayUntil = 0;
        for (;;) {
            Mode md = mode;
            if (state == DomainState.FAILED) {
                throw new KernelException(Errno.ENXIO, front.describe(m), "domain " + name + " is stopped: " + lastFault);
            }
            try {
                switch (md.placement()) {
                    case COLOCATED:
                        return direct(front, target, m, args);
                    case ISOLATED:
                        if (md.executor() == null) {
                            return migrate(md, front, target, m, args);
                        }
                        Object r = handOff(md, front, target, m, args);
                        if (r != RETRY) {
                            return r;
                        }
                        continue;
                    default:
                        throw new KernelException(Errno.ENXIO, front.describe(m),
                                "domain " + name + " is library-placed: no shared instance");
                }
            } catch (Replay crash) {
                // a colocated or migrated call (a hand-off call is held and replayed by the restart itself)
                if (replayUntil == 0) {
                    // as for a held hand-off call: the caller waits at most the hold time plus one watchdog period
                    replayUntil = System.nanoTime()
                            + TimeUnit.MILLISECONDS.toNanos(descriptor().holdMillis() + descriptor().watchdogMillis());
                }
                target = awaitRestarted(front, crash.crashed, m, replayUntil);
                if (crash.flight != null && crash.flight.interruptedByRestart) {
                    // the restart interrupted this thread to get it out of the old driver, which it had left already:
                    // that interrupt is not the caller's, and must not end the call run again
                    Thread.interrupted();
                }
                stats.replayed();
            }
        }
    }

    /**
     * Waits until the driver object {@code crashed} has been replaced by the restart and returns the new one; {@code
     * ENXIO} if the domain is stopped meanwhile, {@code EIO} if it is not back by {@code deadline}.
     */
    private Object awaitRestarted(Front front, Object crashed, Method m, long deadline) {
        while (front.isCurrent(crashed) || !front.bound()) {
            if (state == DomainState.FAILED) {
                throw new KernelException(Errno.ENXIO, front.describe(m), "domain " + name + " is stopped: " + lastFault);
            }
            if (System.nanoTime() > deadline) {
                throw new KernelException(Errno.EIO, front.describe(m), "driver fault in domain " + name
                        + ", and the domain was not back in time to run the call again: " + lastFault);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(500_000);
        }
        return front.currentTarget(this, m);
    }

    /** Whether a call that faulted with {@code t} may run again on the restarted driver. */
    private boolean replayable(Method m, Throwable t) {
        return !(t instanceof KernelException) && descriptor().restart() != RestartPolicy.NEVER
                && m.isAnnotationPresent(org.anykernel.base.api.Idempotent.class);
    }

    /** Reports the fault of a replayable call (as {@link #contain} does) and sends its caller to wait for the restart. */
    private Replay replay(Front front, Object target, Method m, Throwable t, InFlight flight) {
        stats.fault();
        supervisor.fault(this, front.describe(m), t);
        return new Replay(target, flight);
    }

    private Object direct(Front front, Object target, Method m, Object[] args) {
        stats.call();
        boolean sample = (ThreadLocalRandom.current().nextInt() & 15) == 0;
        long t0 = sample ? System.nanoTime() : 0;
        Account prev = ExecutionContext.enter(account);
        try {
            if (front.injectFault(m)) {
                return Front.corrupt(m.invoke(target, args), args);
            }
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw replayable(m, e.getCause()) ? replay(front, target, m, e.getCause(), null) : contain(front, m, e.getCause());
        } catch (RuntimeException | Error e) {
            // an injected fault (kernel:fault) is thrown here, as the driver would throw it
            throw replayable(m, e) ? replay(front, target, m, e, null) : contain(front, m, e);
        } catch (ReflectiveOperationException e) {
            throw contain(front, m, e);
        } finally {
            ExecutionContext.exit(prev);
            if (sample) {
                stats.latency(System.nanoTime() - t0);
            }
        }
    }

    private Object handOff(Mode md, Front front, Object target, Method m, Object[] args) throws Throwable {
        Object[] copies = Copier.copyIn(args, true);
        Call c = new Call(front, target, m, copies);
        c.executor = md.executor();
        if (!md.executor().submit(c)) {
            return RETRY;
        }
        long t0 = System.nanoTime();
        long watchdog = TimeUnit.MILLISECONDS.toNanos(md.descriptor().watchdogMillis());
        if (!c.await(t0 + watchdog, CALLER_SPIN_NANOS)) {
            stats.error();
            // the call may still run: what it was lent, it loses now, before its caller moves on
            Copier.revokeGrants(args);
            if (c.wasStarted()) {
                supervisor.hung(this, front.describe(m), md.descriptor().watchdogMillis());
            }
            throw new KernelException(Errno.ETIMEDOUT, front.describe(m),
                    "no answer from domain " + name + " within " + md.descriptor().watchdogMillis() + " ms");
        }
        stats.latency(System.nanoTime() - t0);
        if (c.error != null) {
            throw c.error;
        }
        Copier.copyOut(args, copies);
        return c.result;
    }

    /** Worker side of a hand-off: runs the call in the domain with faults contained. */
    void runInDomain(Call c) {
        stats.call();
        Object used = null;
        try {
            Object target = c.target;
            if (target == null) {
                target = c.front.currentTarget(this, c.method);
            }
            used = target;
            boolean corrupt = c.front.injectFault(c.method);
            Object r = c.method.invoke(target, c.args);
            c.complete(Copier.copy(corrupt ? Front.corrupt(r, c.args) : r), null);
        } catch (InvocationTargetException e) {
            crashed(c, used, e.getCause());
        } catch (Throwable t) {
            crashed(c, used, t);
        }
    }

    /**
     * A call ended in an error. An {@link org.anykernel.base.api.Idempotent} call of a domain that restarts is held
     * for the restart and runs again on the new driver (its caller's deadline extended by the hold time) when the
     * error is not the caller's: a driver fault in the call itself, or any error of a call a restart overtook (its
     * threads reset, or its driver object stopped and replaced, while it ran). Anything else is the caller's error
     * ({@code EIO} for a fault).
     */
    private void crashed(Call c, Object used, Throwable t) {
        boolean fault = !(t instanceof KernelException);
        // abandoned: its threads were reset, or the driver object it ran on was replaced, while it ran
        boolean abandoned = (c.executor != null && c.executor != mode.executor())
                || (used != null && !c.front.isCurrent(used));
        if ((fault || abandoned) && descriptor().restart() != RestartPolicy.NEVER
                && c.method.isAnnotationPresent(org.anykernel.base.api.Idempotent.class)) {
            c.extend(TimeUnit.MILLISECONDS.toNanos(descriptor().holdMillis() + descriptor().watchdogMillis()));
            if (abandoned) {
                synchronized (this) {
                    if (state == DomainState.RESTARTING) {
                        crashed.add(c); // the restart under way replays it when it is over
                    } else {
                        replayOrFail(c, "domain " + name + " restarted"); // it is over already
                    }
                }
                return;
            }
            stats.fault();
            synchronized (this) {
                crashed.add(c);
            }
            supervisor.fault(this, c.front.describe(c.method), t);
            return;
        }
        c.complete(null, contain(c.front, c.method, t));
    }

    private Object migrate(Mode md, Front front, Object target, Method m, Object[] args) {
        long watchdog = md.descriptor().watchdogMillis();
        acquireVcpu(md, front, m, watchdog);
        stats.call();
        boolean sample = (ThreadLocalRandom.current().nextInt() & 15) == 0;
        long t0 = sample ? System.nanoTime() : 0;
        InFlight flight = new InFlight(front, m, supervisor.coarseNanos());
        int slot = md.enter(flight);
        Object[] copies = Copier.copyIn(args, false);
        Account prev = ExecutionContext.enter(account);
        try {
            boolean corrupt = front.injectFault(m);
            Object r = m.invoke(target, copies);
            if (corrupt) {
                Front.corrupt(r, copies);
            }
            if (flight.timedOut) {
                throw timedOut(front, m, watchdog);
            }
            Copier.copyOut(args, copies);
            return Copier.copy(r);
        } catch (InvocationTargetException e) {
            if (flight.timedOut) {
                throw timedOut(front, m, watchdog);
            }
            throw replayable(m, e.getCause()) ? replay(front, target, m, e.getCause(), flight) : contain(front, m, e.getCause());
        } catch (RuntimeException | Error e) {
            if (flight.timedOut) {
                throw timedOut(front, m, watchdog);
            }
            throw replayable(m, e) ? replay(front, target, m, e, flight) : contain(front, m, e);
        } catch (ReflectiveOperationException e) {
            if (flight.timedOut) {
                throw timedOut(front, m, watchdog);
            }
            throw contain(front, m, e);
        } finally {
            ExecutionContext.exit(prev);
            md.flights().set(slot, null);
            md.vcpus().release();
            if (sample) {
                stats.latency(System.nanoTime() - t0);
            }
        }
    }

    /** Takes one of the domain's vCPUs, waiting at most the watchdog deadline. */
    private void acquireVcpu(Mode md, Front front, Method m, long watchdog) {
        if (md.vcpus().tryAcquire()) {
            return;
        }
        try {
            if (!md.vcpus().tryAcquire(watchdog, TimeUnit.MILLISECONDS)) {
                stats.error();
                throw new KernelException(Errno.ETIMEDOUT, front.describe(m),
                        "all " + md.descriptor().vcpus() + " vCPUs of domain " + name + " busy for " + watchdog + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KernelException(Errno.EINTR, front.describe(m), "interrupted waiting for a vCPU");
        }
    }

    private KernelException timedOut(Front front, Method m, long watchdog) {
        Thread.interrupted();
        stats.error();
        return new KernelException(Errno.ETIMEDOUT, front.describe(m),
                "domain " + name + " did not finish within " + watchdog + " ms");
    }

    /**
     * What the caller gets for a throwable from driver code: a {@link KernelException} passes as is (an
     * ordinary error return); anything else is a fault, reported to the supervisor, and becomes {@code EIO}.
     */
    private KernelException contain(Front front, Method m, Throwable t) {
        if (t instanceof KernelException ke) {
            stats.error();
            return ke;
        }
        stats.fault();
        supervisor.fault(this, front.describe(m), t);
        return new KernelException(Errno.EIO, front.describe(m), "driver fault in domain " + name + ": " + t);
    }
}
