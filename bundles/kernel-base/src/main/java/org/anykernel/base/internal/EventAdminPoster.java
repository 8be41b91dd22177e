package org.anykernel.base.internal;

import java.util.Map;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/** Kept apart so that kernel-base loads EventAdmin's classes only when EventAdmin is there. */
final class EventAdminPoster {
    private EventAdminPoster() {
    }

    static void post(Object admin, String topic, Map<String, Object> props) {
        ((EventAdmin) admin).postEvent(new Event(topic, props));
    }
}
