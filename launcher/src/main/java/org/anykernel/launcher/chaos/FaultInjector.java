package org.anykernel.launcher.chaos;

import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.anykernel.base.api.KernelException;
import org.anykernel.launcher.embed.DiskHandle;
import org.anykernel.launcher.embed.KernelHandle;

/**
 * Every second or so (jitter from the seed), injects one fault of a kind picked from the list into one of the
 * isolated domains, once ({@code every} 0: on its next call). A domain is skipped while it is not ACTIVE or while
 * another fault would let its restarts in the supervisor's period reach the descriptor's intensity (which would stop
 * the domain for good instead of testing its recovery).
 *
 * <p>Two kinds are hardware faults of the disk instead: {@code corrupt-io} makes one of the next few requests fail
 * with EIO and one of the next few reads bring damaged data (transient, as on a flaky link); {@code power-cut} asks
 * the workload for a power cut and reboot before its next operation (the workload counts it when done).
 */
final class FaultInjector implements Runnable {
    private final KernelHandle kernel;
    private final List<String> kinds;
    private final List<String> domains;
    private final Random rnd;
    private final Stats stats;
    private final PrintStream log;
    private final long deadlineNanos;
    private final Map<String, ArrayDeque<Long>> injected = new HashMap<>();
    /** Domains with a fault plan that has not fired yet: their restart count when it was injected. */
    private final Map<String, Integer> armed = new HashMap<>();

    private final DiskHandle disk;
    private final java.util.function.BooleanSupplier powerCut;

    /**
     * @param disk     the disk {@code corrupt-io} damages (null: none)
     * @param powerCut requests a power cut; false if one is pending or none can be made (null: none)
     */
    FaultInjector(KernelHandle kernel, DiskHandle disk, java.util.function.BooleanSupplier powerCut, List<String> kinds,
                  List<String> domains, long seed, Stats stats, PrintStream log, long deadlineNanos) {
        this.kernel = kernel;
        this.disk = disk;
        this.powerCut = powerCut;
        this.kinds = kinds;
        this.domains = domains;
        this.rnd = new Random(seed * 0x9E3779B97F4A7C15L + 1);
        this.stats = stats;
        this.log = log;
        this.deadlineNanos = deadlineNanos;
    }

    @Override
    public void run() {
        while (!Thread.currentThread().isInterrupted()) {
            long sleep = 700 + rnd.nextInt(601);
            if (System.nanoTime() + sleep * 1_000_000 >= deadlineNanos) {
                return;
            }
            if (!watch(sleep)) {
                return;
            }
            String kind = kinds.get(rnd.nextInt(kinds.size()));
            if (kind.equals("power-cut")) {
                if (powerCut == null || !powerCut.getAsBoolean()) {
                    stats.skippedTicks.incrementAndGet();
                }
                continue;
            }
            if (kind.equals("corrupt-io")) {
                long eioOn = 1 + rnd.nextInt(16);
                long corruptOn = eioOn + 1 + rnd.nextInt(16);
                try {
                    disk.transientFaults(eioOn, corruptOn, rnd.nextLong());
                    stats.fault(kind);
                } catch (KernelException | IllegalStateException e) {
                    log.println("anyk chaos: warning: fault " + kind + ": " + e.getMessage());
                }
                continue;
            }
            if (domains.isEmpty()) {
                stats.skippedTicks.incrementAndGet();
                continue;
            }
            long millis = kind.equals("delay") ? 100 + rnd.nextInt(1400) : 0;
            int start = rnd.nextInt(domains.size());
            try {
                Map<String, KernelHandle.Domain> now = new HashMap<>();
                for (KernelHandle.Domain d : kernel.domains()) {
                    now.put(d.name(), d);
                }
                String target = null;
                for (int i = 0; i < domains.size() && target == null; i++) {
                    String name = domains.get((start + i) % domains.size());
                    if (eligible(now.get(name))) {
                        target = name;
                    }
                }
                if (target == null) {
                    stats.skippedTicks.incrementAndGet();
                    continue;
                }
                int services = kernel.fault(target, kind.toUpperCase(Locale.ROOT), 0, millis);
                armed.put(target, now.get(target).restarts());
                // the plan is one per service of the domain: until disarmed, each may restart it
                ArrayDeque<Long> times = injected.computeIfAbsent(target, k -> new ArrayDeque<>());
                long t = System.currentTimeMillis();
                for (int i = 0; i < Math.max(1, Math.min(services, budget(now.get(target)))); i++) {
                    times.addLast(t);
                }
                stats.fault(kind);
            } catch (KernelException e) {
                log.println("anyk chaos: warning: fault " + kind + ": " + e.getMessage());
            }
        }
    }

    /**
     * Sleeps {@code millis}, meanwhile disarming each plan that has fired: a plan given to a domain is one per service
     * of the domain, each firing once, so a domain of several services would otherwise restart once per service.
     *
     * @return false if interrupted
     */
    private boolean watch(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (true) {
            long left = (end - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return true;
            }
            try {
                Thread.sleep(Math.min(left, armed.isEmpty() ? 20 : 2));
            } catch (InterruptedException e) {
                return false;
            }
            if (armed.isEmpty()) {
                continue;
            }
            try {
                for (KernelHandle.Domain d : kernel.domains()) {
                    Integer at = armed.get(d.name());
                    if (at != null && (d.restarts() > at || !d.state().equals("ACTIVE"))) {
                        kernel.fault(d.name(), "CLEAR", 0, 0);
                        armed.remove(d.name());
                    }
                }
            } catch (KernelException e) {
                log.println("anyk chaos: warning: disarming a fault: " + e.getMessage());
            }
        }
    }

    private boolean eligible(KernelHandle.Domain d) {
        if (d == null || !d.state().equals("ACTIVE")) {
            return false;
        }
        ArrayDeque<Long> times = injected.computeIfAbsent(d.name(), k -> new ArrayDeque<>());
        long now = System.currentTimeMillis();
        // the period plus a margin: a restart happens some time after its fault is injected
        while (!times.isEmpty() && now - times.peekFirst() > d.periodSeconds() * 1000L + d.watchdogMillis() + 2000) {
            times.pollFirst();
        }
        return times.size() < budget(d);
    }

    /** Faults a domain may take within its supervisor's period, one less than its restart intensity. */
    private static int budget(KernelHandle.Domain d) {
        return Math.max(1, d.intensity() - 1);
    }

    /** Removes every fault plan. */
    static List<String> clear(KernelHandle kernel, List<String> domains) {
        List<String> problems = new ArrayList<>();
        for (String d : domains) {
            try {
                kernel.fault(d, "CLEAR", 0, 0);
            } catch (KernelException e) {
                problems.add(d + ": " + e.getMessage());
            }
        }
        return problems;
    }
}
