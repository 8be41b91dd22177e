package org.anykernel.launcher.chaos;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of one run, shared by the workload, the fault injector and the final check. */
final class Stats {
    final AtomicLong ops = new AtomicLong();
    final AtomicLong failedOps = new AtomicLong();
    final AtomicLong reads = new AtomicLong();
    final AtomicLong failedReads = new AtomicLong();
    final AtomicLong lost = new AtomicLong();
    final AtomicLong mismatches = new AtomicLong();
    final AtomicLong skippedTicks = new AtomicLong();
    private final Map<String, Long> errnos = new TreeMap<>();
    private final Map<String, Long> faults = new TreeMap<>();
    /** Milliseconds each simulated reboot after a power cut took (unmount, e2fsck, mount). */
    private final java.util.List<Long> reboots = new java.util.ArrayList<>();
    /** Files a power cut took back to an earlier state, or away, that were not fsync'd (allowed; counted). */
    final AtomicLong unsyncedChanged = new AtomicLong();
    /** Reboots after a power cut that failed (the volume could not be checked or mounted again). */
    final AtomicLong failedReboots = new AtomicLong();

    synchronized void errno(String name) {
        errnos.merge(name, 1L, Long::sum);
    }

    synchronized void fault(String kind) {
        faults.merge(kind, 1L, Long::sum);
    }

    synchronized void reboot(long millis) {
        reboots.add(millis);
    }

    synchronized java.util.List<Long> reboots() {
        java.util.List<Long> out = new java.util.ArrayList<>(reboots);
        out.sort(null);
        return out;
    }

    synchronized Map<String, Long> errnos() {
        return new TreeMap<>(errnos);
    }

    synchronized Map<String, Long> faults() {
        return new TreeMap<>(faults);
    }

    synchronized long faultCount() {
        return faults.values().stream().mapToLong(Long::longValue).sum();
    }
}
