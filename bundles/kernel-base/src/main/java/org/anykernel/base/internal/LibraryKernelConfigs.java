package org.anykernel.base.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.LibraryKernel;
import org.osgi.service.cm.ManagedServiceFactory;

/**
 * Library kernels made at boot from configurations {@code kernel.library~NAME} ({@code components}: the drivers,
 * {@code memory.quota}: bytes): a second kernel in the same framework with private instances of those drivers, as a
 * profile needs for two kernels on one simulated switch ({@code net-demo}). The kernel is made once its drivers'
 * services are there and the kernel has settled (at most {@link #WAIT_MS} after the configuration arrives), and
 * closed when the configuration goes.
 */
final class LibraryKernelConfigs implements ManagedServiceFactory {
    private static final System.Logger LOG = System.getLogger(LibraryKernelConfigs.class.getName());
    /** The factory PID. */
    static final String PID = "kernel.library";
    /** How long a kernel waits for its drivers, ms. */
    static final long WAIT_MS = 30_000;
    /** Services must stay the same this long before the kernel is made, ms (NICs appear one by one). */
    private static final long QUIET_MS = 150;

    private final DomainManager manager;
    private final LibraryKernels factory;
    private final Map<String, Entry> kernels = new ConcurrentHashMap<>();

    private static final class Entry {
        volatile LibraryKernel kernel;
        volatile boolean gone;
    }

    LibraryKernelConfigs(DomainManager manager, LibraryKernels factory) {
        this.manager = manager;
        this.factory = factory;
    }

    @Override
    public String getName() {
        return "anykernel library kernels";
    }

    @Override
    public void updated(String pid, Dictionary<String, ?> properties) {
        String name = pid.contains("~") ? pid.substring(pid.indexOf('~') + 1) : pid;
        Object n = properties.get("name");
        if (n != null && !n.toString().isBlank()) {
            name = n.toString().trim();
        }
        List<String> components = strings(properties.get("components"));
        long quota = Long.MAX_VALUE;
        Object q = properties.get("memory.quota");
        if (q != null) {
            try {
                quota = Long.parseLong(q.toString().trim());
            } catch (NumberFormatException e) {
                LOG.log(System.Logger.Level.ERROR, PID + "~" + name + ": memory.quota: '" + q + "' is not a number");
                return;
            }
        }
        deleted(pid);
        Entry e = new Entry();
        kernels.put(pid, e);
        String kname = name;
        long kquota = quota;
        Thread t = new Thread(() -> make(e, kname, components, kquota), "library-kernel-" + name);
        t.setDaemon(true);
        t.start();
    }

    private void make(Entry e, String name, List<String> components, long quota) {
        long deadline = System.nanoTime() + WAIT_MS * 1_000_000L;
        int lastCount = -1;
        long stableSince = System.nanoTime();
        while (!e.gone) {
            int count = 0;
            boolean all = true;
            for (String c : components) {
                int k = servicesOf(c);
                all &= k > 0;
                count += k;
            }
            long now = System.nanoTime();
            if (count != lastCount) {
                lastCount = count;
                stableSince = now;
            }
            if (all && manager.settled() && now - stableSince >= QUIET_MS * 1_000_000L) {
                break;
            }
            if (now > deadline) {
                LOG.log(System.Logger.Level.ERROR, PID + "~" + name + ": drivers " + components
                        + " not all there after " + WAIT_MS / 1000 + " s; no kernel made");
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException ie) {
                return;
            }
        }
        try {
            LibraryKernel k = factory.create(name, components, quota);
            e.kernel = k;
            if (e.gone) {
                k.close();
            } else {
                LOG.log(System.Logger.Level.INFO, "library kernel " + name + " started with " + components);
            }
        } catch (KernelException ex) {
            LOG.log(System.Logger.Level.ERROR, PID + "~" + name + ": " + ex.getMessage());
        }
    }

    /** How many kernel services driver {@code c} has now (0 while it is not there or not started). */
    private int servicesOf(String c) {
        try {
            return manager.rawServicesOf(c).size();
        } catch (KernelException notYet) {
            return 0; // ENXIO/ENOENT: installed but not started, or not installed yet: the loop waits, bounded
        }
    }

    @Override
    public void deleted(String pid) {
        Entry e = kernels.remove(pid);
        if (e != null) {
            e.gone = true;
            LibraryKernel k = e.kernel;
            if (k != null) {
                k.close();
            }
        }
    }

    /** Closes every kernel made here. */
    void close() {
        for (String pid : List.copyOf(kernels.keySet())) {
            deleted(pid);
        }
    }

    private static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof String s) {
            for (String x : s.split(",")) {
                if (!x.isBlank()) {
                    out.add(x.trim());
                }
            }
        } else if (o instanceof String[] a) {
            for (String x : a) {
                out.add(x.trim());
            }
        } else if (o instanceof Collection<?> c) {
            for (Object x : c) {
                out.add(String.valueOf(x).trim());
            }
        }
        return out;
    }
}
