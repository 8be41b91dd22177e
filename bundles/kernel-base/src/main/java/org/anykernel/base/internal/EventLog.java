package org.anykernel.base.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import org.anykernel.base.api.KernelEvent;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The kernel's record of what happened: a bounded ring for {@code kernel:events}, each event also logged
 * once and posted to EventAdmin (when present) under {@code org/anykernel/domain/TYPE}. Logging goes through
 * the JDK's {@code System.Logger}: no logging bundles to boot, and any backend can be plugged in behind it.
 */
final class EventLog {
    private static final System.Logger LOG = System.getLogger(EventLog.class.getName());
    private static final int CAPACITY = 1000;

    private final Deque<KernelEvent> ring = new ArrayDeque<>();
    private final ServiceTracker<Object, Object> eventAdmin;
    private volatile boolean eventAdminUsable = true;

    EventLog(BundleContext ctx) {
        eventAdmin = ctx == null ? null : new ServiceTracker<>(ctx, "org.osgi.service.event.EventAdmin", null);
        if (eventAdmin != null) {
            eventAdmin.open();
        }
    }

    void close() {
        if (eventAdmin != null) {
            eventAdmin.close();
        }
    }

    /** Records an event of {@code type} ({@code RESTARTED}, {@code FAULT}, ...) about {@code domain}. */
    void post(String type, String domain, String message) {
        KernelEvent e = new KernelEvent(System.currentTimeMillis(), KernelEvent.TOPIC_PREFIX + type, domain, message);
        synchronized (ring) {
            if (ring.size() == CAPACITY) {
                ring.pollFirst();
            }
            ring.addLast(e);
        }
        boolean bad = type.equals("FAULT") || type.equals("FAILED") || type.equals("HUNG") || type.equals("REJECTED")
                || type.equals("QUOTA") || type.equals("ROLLED_BACK");
        LOG.log(bad ? System.Logger.Level.WARNING : System.Logger.Level.INFO, "domain {0}: {1} {2}", domain,
                type.toLowerCase(), message);
        Object admin = eventAdmin == null || !eventAdminUsable ? null : eventAdmin.getService();
        if (admin != null) {
            try {
                EventAdminPoster.post(admin, e.topic(), Map.of("domain", domain, "message", message,
                        "timestamp", e.timeMillis()));
            } catch (NoClassDefFoundError | ClassCastException unwired) {
                // EventAdmin arrived after kernel-base resolved: its package is not wired to us
                eventAdminUsable = false;
                LOG.log(System.Logger.Level.INFO, "EventAdmin present but not wired to kernel-base; events stay in kernel:events");
            }
        }
    }

    List<KernelEvent> recent(int max) {
        synchronized (ring) {
            List<KernelEvent> all = new ArrayList<>(ring);
            return all.subList(Math.max(0, all.size() - max), all.size());
        }
    }
}
