package org.anykernel.base.internal;

import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;

import org.osgi.service.cm.ManagedServiceFactory;

/** Receives domain descriptors ({@code org.anykernel.domain~NAME}) from ConfigAdmin. */
final class DomainConfigs implements ManagedServiceFactory {
    private final DomainManager manager;

    DomainConfigs(DomainManager manager) {
        this.manager = manager;
    }

    @Override
    public String getName() {
        return "anykernel domain descriptors";
    }

    @Override
    public void updated(String pid, Dictionary<String, ?> properties) {
        Map<String, Object> props = new HashMap<>();
        for (Enumeration<String> e = properties.keys(); e.hasMoreElements();) {
            String k = e.nextElement();
            props.put(k, properties.get(k));
        }
        manager.configure(pid, props);
    }

    @Override
    public void deleted(String pid) {
        manager.deleted(pid);
    }
}
