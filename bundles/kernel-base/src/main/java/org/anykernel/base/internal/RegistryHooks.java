package org.anykernel.base.internal;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

import org.anykernel.base.api.Placement;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.hooks.service.EventListenerHook;
import org.osgi.framework.hooks.service.FindHook;
import org.osgi.framework.hooks.service.ListenerHook.ListenerInfo;

/**
 * Gives every bundle its view of the registry: drivers' raw kernel services are seen only by kernel-base
 * (which fronts them) and by the driver itself; a bundle in an isolated domain sees, of the kernel's
 * services, only those its descriptor grants, besides the base's own.
 */
final class RegistryHooks implements FindHook, EventListenerHook {
    private static final String BASE_PACKAGE = "org.anykernel.base.";
    private final DomainManager manager;
    private final long self;

    RegistryHooks(DomainManager manager, long self) {
        this.manager = manager;
        this.self = self;
    }

    @Override
    public void find(BundleContext context, String name, String filter, boolean allServices,
            Collection<ServiceReference<?>> references) {
        Bundle requester = context.getBundle();
        if (requester.getBundleId() == self || requester.getBundleId() == 0) {
            return;
        }
        Domain isolated = isolatedDomainOf(requester);
        for (Iterator<ServiceReference<?>> it = references.iterator(); it.hasNext();) {
            if (hidden(it.next(), requester, isolated)) {
                it.remove();
            }
        }
    }

    @Override
    public void event(ServiceEvent event, Map<BundleContext, Collection<ListenerInfo>> listeners) {
        ServiceReference<?> ref = event.getServiceReference();
        for (Iterator<BundleContext> it = listeners.keySet().iterator(); it.hasNext();) {
            Bundle listener = it.next().getBundle();
            if (listener.getBundleId() == self || listener.getBundleId() == 0) {
                continue;
            }
            if (hidden(ref, listener, isolatedDomainOf(listener))) {
                it.remove();
            }
        }
    }

    private Domain isolatedDomainOf(Bundle b) {
        Domain d = manager.domainOf(b);
        return d != null && d.placement() == Placement.ISOLATED ? d : null;
    }

    private boolean hidden(ServiceReference<?> ref, Bundle requester, Domain isolated) {
        Bundle owner = ref.getBundle();
        if (owner == null || owner.getBundleId() == requester.getBundleId()) {
            return false;
        }
        if (manager.isRawKernelService(ref)) {
            return true;
        }
        if (isolated == null) {
            return false;
        }
        for (String c : (String[]) ref.getProperty("objectClass")) {
            if (c.startsWith("org.anykernel.") && !c.startsWith(BASE_PACKAGE) && !isolated.descriptor().grants(c)) {
                return true;
            }
        }
        return false;
    }
}
