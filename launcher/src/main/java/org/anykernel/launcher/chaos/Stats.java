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

    synchronized void errno(String name) {
        errnos.merge(name, 1L, Long::sum);
    }

    synchronized void fault(String kind) {
        faults.merge(kind, 1L, Long::sum);
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
