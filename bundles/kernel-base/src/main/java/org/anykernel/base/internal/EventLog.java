package org.anykernel.base.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import org.anykernel.base.api.KernelEvent;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel's record of what happened: a bounded ring for {@code kernel:events}, each event also logged
 * once and posted to EventAdmin (when present) under {@code org/anykernel/domain/TYPE}.
 */
final class EventLog {
    private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);
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
        if (type.equals("FAULT") || type.equals("FAILED") || type.equals("HUNG") || type.equals("REJECTED")) {
            LOG.warn("domain {}: {} {}", domain, type.toLowerCase(), message);
        } else {
            LOG.info("domain {}: {} {}", domain, type.toLowerCase(), message);
        }
        Object admin = eventAdmin == null || !eventAdminUsable ? null : eventAdmin.getService();
        if (admin != null) {
            try {
                EventAdminPoster.post(admin, e.topic(), Map.of("domain", domain, "message", message,
                        "timestamp", e.timeMillis()));
            } catch (NoClassDefFoundError | ClassCastException unwired) {
                // EventAdmin arrived after kernel-base resolved: its package is not wired to us
                eventAdminUsable = false;
                LOG.info("EventAdmin present but not wired to kernel-base; events stay in kernel:events");
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
