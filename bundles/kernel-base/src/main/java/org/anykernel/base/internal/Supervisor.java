package org.anykernel.base.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.anykernel.base.api.DomainDescriptor.RestartPolicy;
import org.anykernel.base.api.DomainState;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;

/**
 * Watches every domain and applies its restart policy, after OTP supervisors: a fault or a hang
 * restarts the domain (stop its bundles, start them again, fronts re-bind with consumers untouched);
 * more than N restarts in T seconds stops it for good, and its services answer {@code ENXIO}.
 * Escalation stops at the domain: the kernel itself never goes down.
 */
final class Supervisor {
    /** How often migrated calls are checked against their deadline. */
    static final long WATCHDOG_PERIOD_MS = 20;

    private final EventLog events;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "anyk-supervisor");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final Set<Long> stopping = ConcurrentHashMap.newKeySet();
    private volatile DomainManager manager;
    private volatile Thread watchdog;
    private volatile boolean closed;
    /** The watchdog's clock: nanoTime read once a period, so calls can stamp their start for free. */
    private volatile long coarseNanos = System.nanoTime();

    Supervisor(EventLog events) {
        this.events = events;
    }

    void start(DomainManager m) {
        manager = m;
        watch(m::domainList);
    }

    /** Starts the watchdog over the domains {@code domains} supplies. */
    void watch(java.util.function.Supplier<java.util.Collection<Domain>> domains) {
        watchdog = new Thread(() -> watchLoop(domains), "anyk-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    void close() {
        closed = true;
        if (watchdog != null) {
            watchdog.interrupt();
        }
        worker.shutdownNow();
    }

    /** A monotonic time at most one watchdog period old: what migrated calls stamp their start with. */
    long coarseNanos() {
        return coarseNanos;
    }

    /** Whether the supervisor itself is stopping this bundle (so its stop is no failure). */
    boolean isStopping(Bundle b) {
        return stopping.contains(b.getBundleId());
    }

    /** Driver code threw: log it once, and restart the domain if its policy says so. */
    void fault(Domain d, String where, Throwable t) {
        String line = where + ": " + t;
        d.setLastFault(line);
        events.post("FAULT", d.name(), line);
        if (d.descriptor().restart() != RestartPolicy.NEVER) {
            schedule(d, "fault: " + line, false);
        }
    }

    /** When each domain last reported its quota hit (millis), so a busy domain does not flood the events. */
    private final java.util.Map<String, Long> quotaReported = new ConcurrentHashMap<>();

    /**
     * A domain is at its memory or thread quota: one {@code QUOTA} event per domain per second, and the health shows
     * it. No restart: a full domain is not a faulty one (the callers get {@code ENOMEM} or {@code EAGAIN}).
     */
    void quota(Domain d, String what) {
        long now = System.currentTimeMillis();
        Long last = quotaReported.get(d.name());
        if (last == null || now - last >= 1000) {
            quotaReported.put(d.name(), now);
            d.setLastFault("quota: " + what);
            events.post("QUOTA", d.name(), what);
        }
    }

    /** A call overran its watchdog. */
    void hung(Domain d, String where, long millis) {
        if (d.state() != DomainState.ACTIVE) {
            return;
        }
        d.setState(DomainState.HUNG);
        String line = where + ": no answer within " + millis + " ms";
        d.setLastFault(line);
        events.post("HUNG", d.name(), line);
        if (d.descriptor().restart() != RestartPolicy.NEVER) {
            schedule(d, "hang: " + line, false);
        }
    }

    /** A driver bundle of a domain with policy {@code always} stopped without the supervisor asking. */
    void stoppedUnexpectedly(Domain d, Bundle b) {
        events.post("STOPPED", d.name(), "bundle " + b.getSymbolicName() + " stopped");
        schedule(d, "bundle " + b.getSymbolicName() + " stopped", false);
    }

    /** Restarts a domain on the supervisor's thread; a request for a domain already pending is merged. */
    void schedule(Domain d, String reason, boolean manual) {
        if (closed || !pending.add(d.name())) {
            return;
        }
        worker.execute(() -> {
            try {
                restart(d, reason, manual);
            } finally {
                // a restart that brought the domain back has taken it off the list itself (a request made
                // since then is a new one and stays); any other outcome ends the request here
                if (d.state() != DomainState.ACTIVE) {
                    pending.remove(d.name());
                }
            }
        });
    }

    /** Claims the domain for an operation no restart may overlap (a replace); false if one is pending. */
    boolean beginExclusive(Domain d) {
        return !closed && pending.add(d.name());
    }

    void endExclusive(Domain d) {
        pending.remove(d.name());
    }

    /** Stops a bundle on the supervisor's behalf (so a domain with policy {@code always} does not restart it). */
    void stopQuietly(Bundle b) throws BundleException {
        stopAll(List.of(b));
    }

    /** Runs {@link #schedule} and waits for it, bounded. */
    void restartNow(Domain d, String reason) {
        schedule(d, reason, true);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(d.descriptor().holdMillis() + 10_000);
        while (pending.contains(d.name()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void restart(Domain d, String reason, boolean manual) {
        long t0 = System.nanoTime();
        // RESTARTING before the restart is counted: nobody may see the new count with the old state
        d.setState(DomainState.RESTARTING);
        if (manual) {
            d.clearRestartHistory();
        }
        if (!d.admitRestart(System.currentTimeMillis())) {
            fail(d, "more than " + d.descriptor().intensity() + " restarts in " + d.descriptor().periodSeconds()
                    + " s (last: " + reason + ")");
            return;
        }
        events.post("RESTARTING", d.name(), reason);
        d.resetThreads("domain " + d.name() + " restarting: " + reason);
        List<Bundle> bundles = manager.bundlesOf(d);
        try {
            stopAll(bundles);
            for (Bundle b : bundles) {
                b.start(Bundle.START_TRANSIENT);
            }
        } catch (BundleException | IllegalStateException e) {
            fail(d, "restart failed: " + e.getMessage());
            return;
        }
        boolean bound = manager.awaitBound(d, d.descriptor().holdMillis());
        // take the domain off the pending list before it is ACTIVE again: a fault from here on asks for a
        // new restart instead of being merged into this one, which is over
        pending.remove(d.name());
        d.setState(DomainState.ACTIVE);
        int replayed = d.replayCrashed("domain " + d.name() + " restarted after: " + reason);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        events.post("RESTARTED", d.name(), "in " + ms + " ms" + (bound ? "" : " (some services not yet bound)")
                + (replayed > 0 ? ", " + replayed + " held call(s) replayed" : "") + " after " + reason);
    }

    private void stopAll(List<Bundle> bundles) throws BundleException {
        for (Bundle b : bundles) {
            if (b.getState() == Bundle.ACTIVE || b.getState() == Bundle.STARTING) {
                stopping.add(b.getBundleId());
                try {
                    b.stop(Bundle.STOP_TRANSIENT);
                } finally {
                    stopping.remove(b.getBundleId());
                }
            }
        }
    }

    private void fail(Domain d, String why) {
        // the reason first: whoever sees FAILED must also see why
        d.setLastFault(why);
        d.setState(DomainState.FAILED);
        d.resetThreads("domain " + d.name() + " stopped: " + why);
        d.replayCrashed("domain " + d.name() + " stopped: " + why); // the held calls fail with ENXIO now
        try {
            stopAll(manager.bundlesOf(d));
        } catch (BundleException | IllegalStateException e) {
            why = why + "; stopping its bundles failed: " + e.getMessage();
        }
        events.post("FAILED", d.name(), why);
    }

    private void watchLoop(java.util.function.Supplier<java.util.Collection<Domain>> domains) {
        while (!closed) {
            try {
                Thread.sleep(WATCHDOG_PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            coarseNanos = now;
            for (Domain d : domains.get()) {
                // a start stamp may be one period old, so allow one period more
                long limit = TimeUnit.MILLISECONDS.toNanos(d.descriptor().watchdogMillis() + WATCHDOG_PERIOD_MS);
                for (Domain.InFlight f : d.migrating()) {
                    if (!f.timedOut && now - f.start > limit) {
                        f.timedOut = true;
                        // the domain is marked hung before the caller is woken to report ETIMEDOUT
                        hung(d, f.front.describe(f.method), d.descriptor().watchdogMillis());
                        f.thread.interrupt();
                    }
                }
            }
        }
    }
}
