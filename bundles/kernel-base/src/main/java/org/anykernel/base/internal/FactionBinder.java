package org.anykernel.base.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.anykernel.base.spi.Faction;
import org.anykernel.base.spi.FactionInstance;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Attaches every faction present to the global kernel (binding the fronts it serves), and keeps the list
 * of factions that new library kernels attach.
 */
final class FactionBinder extends ServiceTracker<Faction, Faction> {
    private final KernelInstance global;
    private final DomainManager manager;
    private final Set<Faction> present = ConcurrentHashMap.newKeySet();

    FactionBinder(BundleContext ctx, KernelInstance global, DomainManager manager) {
        super(ctx, Faction.class, null);
        this.global = global;
        this.manager = manager;
    }

    @Override
    public Faction addingService(ServiceReference<Faction> reference) {
        Faction f = context.getService(reference);
        if (f == null) {
            return null;
        }
        FactionInstance inst = f.attach(global);
        global.attach(f, inst);
        manager.registeredFronts().forEach(inst::bind);
        present.add(f);
        return f;
    }

    @Override
    public void removedService(ServiceReference<Faction> reference, Faction f) {
        present.remove(f);
        FactionInstance inst = global.detach(f);
        if (inst != null) {
            inst.close();
        }
        context.ungetService(reference);
    }

    List<Faction> factions() {
        return List.copyOf(present);
    }
}
