package org.anykernel.base.internal;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;

import org.anykernel.base.api.Credentials;
import org.anykernel.base.api.DomainDescriptor;
import org.anykernel.base.api.Kernel;
import org.anykernel.base.api.KernelFactory;
import org.anykernel.base.spi.Hypercalls;
import org.anykernel.base.spi.KernelMemory;
import org.anykernel.base.spi.KernelObjects;
import org.anykernel.base.spi.KernelThreads;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.hooks.bundle.CollisionHook;
import org.osgi.framework.hooks.service.EventListenerHook;
import org.osgi.framework.hooks.service.FindHook;
import org.osgi.service.cm.ManagedServiceFactory;

/**
 * Boots the global kernel inside the framework. The registry hooks go in first, before any driver can be
 * seen, so no consumer ever binds a raw driver service; hence kernel-base starts at a lower start level
 * than drivers and their consumers.
 */
public final class KernelActivator implements BundleActivator {
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private EventLog events;
    private Supervisor supervisor;
    private LibraryKernelConfigs libraryConfigs;
    private DomainManager manager;
    private FactionBinder factions;
    private KernelInstance global;
    private final List<SynchronousBundleListener> listeners = new ArrayList<>();

    @Override
    public void start(BundleContext ctx) {
        Hypercalls host = new JvmHypercalls(System.out);
        events = new EventLog(ctx);
        supervisor = new Supervisor(events);
        Account baseAccount = new Account("global", Long.MAX_VALUE);
        global = new KernelInstance("global", host, baseAccount, false);
        manager = new DomainManager(ctx, host, supervisor, events, global);

        RegistryHooks hooks = new RegistryHooks(manager, ctx.getBundle().getBundleId());
        registrations.add(ctx.registerService(new String[] {FindHook.class.getName(), EventListenerHook.class.getName()},
                hooks, null));
        // lets kernel:update install a driver's next build beside the running one (same symbolic name and version)
        registrations.add(ctx.registerService(CollisionHook.class, manager.staging(), null));
        supervisor.start(manager);
        BootConfigurations.apply(ctx, manager);
        manager.open();
        factions = new FactionBinder(ctx, global, manager);
        factions.open();
        // a framework shutdown stops the drivers (a higher start level) before the factions: detach the factions
        // first, while the drivers still answer, so file systems are unmounted and written back, not cut off
        SynchronousBundleListener shutdown = e -> {
            if (e.getType() == BundleEvent.STOPPING && e.getBundle().getBundleId() == 0) {
                if (libraryConfigs != null) {
                    libraryConfigs.close();
                }
                factions.close();
            }
        };
        ctx.addBundleListener(shutdown);
        listeners.add(shutdown);

        Hashtable<String, Object> msf = new Hashtable<>();
        msf.put(Constants.SERVICE_PID, DomainDescriptor.FACTORY_PID);
        registrations.add(ctx.registerService(ManagedServiceFactory.class, new DomainConfigs(manager), msf));

        GlobalKernel kernel = new GlobalKernel(global, manager, supervisor, events);
        registrations.add(ctx.registerService(Kernel.class, kernel, null));
        LibraryKernels libraries = new LibraryKernels(manager, factions, host);
        registrations.add(ctx.registerService(KernelFactory.class, libraries, null));
        libraryConfigs = new LibraryKernelConfigs(manager, libraries);
        Hashtable<String, Object> lkf = new Hashtable<>();
        lkf.put(Constants.SERVICE_PID, LibraryKernelConfigs.PID);
        registrations.add(ctx.registerService(ManagedServiceFactory.class, libraryConfigs, lkf));
        registrations.add(ctx.registerService(KernelMemory.class, new ContextMemory(baseAccount), null));
        registrations.add(ctx.registerService(KernelObjects.class, new ContextObjects(baseAccount), null));
        registrations.add(ctx.registerService(KernelThreads.class, new ContextThreads(host, baseAccount), null));
        registrations.add(ctx.registerService(Hypercalls.class, host, null));
        global.spawn("init", Credentials.ROOT);

        Hashtable<String, Object> cmd = new Hashtable<>();
        cmd.put("osgi.command.scope", "kernel");
        cmd.put("osgi.command.function", KernelCommands.FUNCTIONS);
        registrations.add(ctx.registerService(Object.class, new KernelCommands(kernel, global), cmd));
        events.post("BOOTED", DomainDescriptor.DEFAULT_DOMAIN, "kernel-base started");
    }

    @Override
    public void stop(BundleContext ctx) {
        listeners.forEach(ctx::removeBundleListener);
        listeners.clear();
        for (int i = registrations.size() - 1; i >= 0; i--) {
            try {
                registrations.get(i).unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregisters everything of a stopping bundle; ours may be gone already
            }
        }
        registrations.clear();
        libraryConfigs.close();
        factions.close();
        manager.close();
        supervisor.close();
        global.shutdown();
        events.close();
    }
}
