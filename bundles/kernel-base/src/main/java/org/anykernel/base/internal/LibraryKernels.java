package org.anykernel.base.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.anykernel.base.api.Credentials;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.KernelFactory;
import org.anykernel.base.api.LibraryKernel;
import org.anykernel.base.spi.Faction;
import org.anykernel.base.spi.Hypercalls;
import org.anykernel.base.spi.KernelServiceRef;
import org.osgi.framework.ServiceObjects;
import org.osgi.framework.ServiceReference;

/**
 * Makes library kernels: a private {@link KernelInstance} with its own instances of the named drivers'
 * prototype-scoped components and every faction attached, called directly on the application's thread.
 */
final class LibraryKernels implements KernelFactory {
    private final DomainManager manager;
    private final FactionBinder factions;
    private final Hypercalls host;

    LibraryKernels(DomainManager manager, FactionBinder factions, Hypercalls host) {
        this.manager = manager;
        this.factions = factions;
        this.host = host;
    }

    private record Instance(ServiceObjects<Object> objects, Object service) {
    }

    @Override
    public LibraryKernel create(String name, List<String> components, long memoryQuota) {
        if (memoryQuota < 0) {
            throw new KernelException(Errno.EINVAL, "library kernel " + name, "negative memory quota " + memoryQuota);
        }
        List<ServiceReference<?>> refs = new ArrayList<>();
        for (String c : components) {
            for (ServiceReference<?> r : manager.rawServicesOf(c)) {
                if (!"prototype".equals(r.getProperty("service.scope"))) {
                    throw new KernelException(Errno.EINVAL, "driver " + c, "component " + r.getProperty("component.name")
                            + " is not prototype-scoped, so it cannot have private instances");
                }
                refs.add(r);
            }
        }
        Account account = new Account("library:" + name, memoryQuota);
        KernelInstance k = new KernelInstance(name, host, account, true);
        List<Instance> instances = new ArrayList<>();
        List<KernelServiceRef> bindings = new ArrayList<>();
        Account prev = ExecutionContext.enter(account);
        try {
            for (ServiceReference<?> r : refs) {
                @SuppressWarnings("unchecked")
                ServiceObjects<Object> so = manager.context().getServiceObjects((ServiceReference<Object>) r);
                Object svc = so == null ? null : so.getService();
                if (svc == null) {
                    throw new KernelException(Errno.ENXIO, "driver " + DomainManager.driverName(r.getBundle()),
                            "its component could not be instantiated");
                }
                instances.add(new Instance(so, svc));
                Map<String, Object> props = new HashMap<>();
                for (String key : r.getPropertyKeys()) {
                    props.put(key, r.getProperty(key));
                }
                props.put(Front.PLACEMENT, "library");
                props.put(Front.DOMAIN, name);
                props.put(Front.DRIVER, DomainManager.driverName(r.getBundle()));
                bindings.add(new KernelServiceRef(svc, props));
            }
            for (Faction f : factions.factions()) {
                var inst = f.attach(k);
                k.attach(f, inst);
            }
            bindings.forEach(k::bindAll);
        } catch (RuntimeException e) {
            k.shutdown();
            instances.forEach(i -> i.objects.ungetService(i.service));
            throw e;
        } finally {
            ExecutionContext.exit(prev);
        }
        int pid = k.spawn(name, Credentials.ROOT);
        return new Library(name, components, k, pid, instances);
    }

    private static final class Library extends PrivateKernel {
        private final List<Instance> instances;

        Library(String name, List<String> components, KernelInstance kernel, int pid, List<Instance> instances) {
            super(name, components, kernel, pid);
            this.instances = instances;
        }

        @Override
        void release() {
            for (Instance i : instances) {
                try {
                    i.objects.ungetService(i.service);
                } catch (IllegalStateException | IllegalArgumentException gone) {
                    // the driver was stopped first: its instances are already released
                }
            }
        }
    }
}
