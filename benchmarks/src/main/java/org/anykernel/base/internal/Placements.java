package org.anykernel.base.internal;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.anykernel.base.api.Credentials;
import org.anykernel.base.api.DomainDescriptor;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Placement;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Sys;
import org.anykernel.base.spi.FactionInstance;
import org.anykernel.base.spi.KernelServiceRef;
import org.anykernel.dev.api.CharDevice;
import org.anykernel.dev.internal.DevFaction;
import org.anykernel.drivers.chr.std.ZeroDevice;
import org.osgi.framework.ServiceObjects;
import org.osgi.framework.ServiceReference;

/**
 * Builds kernel placements on a plain class path, without OSGi, for the benchmarks. This class sits in
 * kernel-base's internal package (on the class path, not in a bundle) so it can use the package-private
 * {@link Domain}, {@link Front} and {@link KernelInstance} exactly as {@code DomainManager} and
 * {@code LibraryKernels} do; only the OSGi registry lookups are replaced (see {@link Prototype}).
 */
final class Placements {
    /** The device properties {@code ZeroDevice}'s component registers with. */
    static final Map<String, Object> ZERO_PROPS = Map.of(CharDevice.NAME, "zero", CharDevice.MAJOR, 1, CharDevice.MINOR, 5);

    private Placements() {
    }

    /** The three front placements the benchmarks compare. */
    enum Kind {
        COLOCATED, ISOLATED_MIGRATE, ISOLATED_HANDOFF;

        DomainDescriptor descriptor(String name) {
            return switch (this) {
                case COLOCATED -> DomainDescriptor.defaults(name, Placement.COLOCATED);
                case ISOLATED_HANDOFF -> DomainDescriptor.defaults(name, Placement.ISOLATED);
                case ISOLATED_MIGRATE -> withIpc(DomainDescriptor.defaults(name, Placement.ISOLATED),
                        DomainDescriptor.Ipc.MIGRATE);
            };
        }
    }

    static DomainDescriptor withIpc(DomainDescriptor d, DomainDescriptor.Ipc ipc) {
        return new DomainDescriptor(d.name(), d.placement(), d.components(), d.vcpus(), d.memoryQuota(),
                d.threadsMax(), d.grants(), d.restart(), d.intensity(), d.periodSeconds(), d.watchdogMillis(),
                d.holdMillis(), ipc);
    }

    /**
     * A prototype-scoped driver service as kernel-base's {@code getServiceObjects} would give it: each
     * {@link #getService} is a fresh {@link ZeroDevice}. There is no registry, so no reference.
     */
    static final class Prototype implements ServiceObjects<Object> {
        @Override
        public Object getService() {
            return new ZeroDevice();
        }

        @Override
        public void ungetService(Object service) {
            // nothing to release: the instance is garbage once the front lets go of it
        }

        @Override
        public ServiceReference<Object> getServiceReference() {
            return null;
        }
    }

    /** A singleton service as {@code getServiceObjects} gives it: always the same object. */
    static final class Singleton implements ServiceObjects<Object> {
        private final Object service;

        Singleton(Object service) {
            this.service = service;
        }

        @Override
        public Object getService() {
            return service;
        }

        @Override
        public void ungetService(Object s) {
            // the benchmark owns the object
        }

        @Override
        public ServiceReference<Object> getServiceReference() {
            return null;
        }
    }

    /**
     * A kernel with only the VFS faction attached and one process, its file system service {@code fs} (a raw
     * driver object or a front's proxy) bound with {@code props} plus placement, domain and driver: what {@link
     * DevKernel} is for the dev faction. A tmpfs service is mounted on {@code /} by the VFS at the first path call.
     */
    static final class FsKernel implements AutoCloseable {
        final KernelInstance kernel;
        final Posix posix;
        final int pid;

        FsKernel(Base base, String name, boolean library, Object fs, Map<String, Object> fsProps, String driver,
                 String domain, String placement) {
            var account = base.holder(library ? "library:" + name : "global").account();
            kernel = new KernelInstance(name, base.host, account, library);
            Map<String, Object> props = new HashMap<>(fsProps);
            props.put(Front.PLACEMENT, placement);
            props.put(Front.DOMAIN, domain);
            props.put(Front.DRIVER, driver);
            var prev = ExecutionContext.enter(account);
            try {
                org.anykernel.vfs.internal.VfsFaction faction = new org.anykernel.vfs.internal.VfsFaction();
                FactionInstance inst = faction.attach(kernel);
                kernel.attach(faction, inst);
                kernel.bindAll(new KernelServiceRef(fs, props));
            } finally {
                ExecutionContext.exit(prev);
            }
            pid = kernel.spawn(name, Credentials.ROOT);
            posix = kernel.posix(pid);
        }

        @Override
        public void close() {
            kernel.shutdown();
        }
    }

    /** The kernel-base machinery a domain needs: a host, and a supervisor with its watchdog running. */
    static final class Base implements AutoCloseable {
        final JvmHypercalls host = new JvmHypercalls(new PrintStream(PrintStream.nullOutputStream()));
        final Supervisor supervisor = new Supervisor(new EventLog(null));
        private final List<Domain> domains = new java.util.concurrent.CopyOnWriteArrayList<>();

        Base() {
            // the watchdog checks migrated calls against their deadline every 20 ms, as in a running kernel
            supervisor.watch(() -> domains);
        }

        /**
         * A colocated domain that is never called, only there for its fresh memory account ({@code
         * holder(name).account()}, 64 MiB), as a library kernel or the global kernel gets one. Going through a
         * domain keeps this code from naming the account class, which kernel-base is renaming ({@code
         * MemoryAccount} to {@code Account}): with {@code var} it compiles against either.
         */
        Domain holder(String accountName) {
            return new Domain(DomainDescriptor.defaults(accountName, Placement.COLOCATED), host, supervisor);
        }

        Domain domain(Kind kind, String name) {
            Domain d = new Domain(kind.descriptor(name), host, supervisor);
            domains.add(d);
            return d;
        }

        /** A front for a {@link ZeroDevice} in {@code d}, bound to its target as after DomainManager's reconcile. */
        Front zeroFront(Domain d) {
            return front(d, "char-std", CharDevice.class, ZeroDevice.class.getName(), new Prototype(), ZERO_PROPS);
        }

        /**
         * A front in {@code d} over any driver service with its interface, bound to its target as after
         * DomainManager's reconcile: {@code objects.getService()} is the driver object the front calls.
         */
        Front front(Domain d, String driver, Class<?> iface, String component, ServiceObjects<Object> objects,
                    Map<String, Object> props) {
            Front.Key key = new Front.Key(driver, component, List.of(iface.getName()));
            Front f = new Front(key, iface.getClassLoader(), new Class<?>[] {iface}, d);
            d.fronts().add(f);
            f.setRaw(null, objects, props);
            f.acquireTarget();
            if (!f.bound()) {
                throw new IllegalStateException("front did not bind its target");
            }
            return f;
        }

        /** A front in {@code d} over one given service object (a singleton: every getService is {@code service}). */
        Front front(Domain d, String driver, Class<?> iface, Object service, Map<String, Object> props) {
            return front(d, driver, iface, service.getClass().getName(), new Singleton(service), props);
        }

        @Override
        public void close() {
            for (Domain d : domains) {
                d.fronts().forEach(Front::releaseTarget);
                d.close();
            }
            domains.clear();
            supervisor.close();
        }
    }

    /**
     * A kernel with the dev faction attached and one process holding {@code /dev/zero} open. Built the way
     * {@code KernelActivator} (global kernel: fronts, accounting left to them) or {@code LibraryKernels}
     * (library kernel: private instances, every syscall entering the kernel's account) builds it.
     */
    static final class DevKernel implements AutoCloseable {
        final KernelInstance kernel;
        final Posix posix;
        final int pid;
        final int fd;

        DevKernel(Base base, String name, boolean library, Object device, String domain, String placement) {
            var account = base.holder(library ? "library:" + name : "global").account();
            kernel = new KernelInstance(name, base.host, account, library);
            Map<String, Object> props = new HashMap<>(ZERO_PROPS);
            props.put(Front.PLACEMENT, placement);
            props.put(Front.DOMAIN, domain);
            props.put(Front.DRIVER, "char-std");
            var prev = ExecutionContext.enter(account);
            try {
                DevFaction faction = new DevFaction();
                FactionInstance inst = faction.attach(kernel);
                kernel.attach(faction, inst);
                kernel.bindAll(new KernelServiceRef(device, props));
            } finally {
                ExecutionContext.exit(prev);
            }
            pid = kernel.spawn(name, Credentials.ROOT);
            // as LibraryKernels hands it out: the kernel's own Posix (it checks for a closed kernel itself)
            posix = kernel.posix(pid);
            fd = posix.open("/dev/zero", Sys.O_RDONLY);
            byte[] probe = {42};
            if (posix.read(fd, probe, 0, 1) != 1 || probe[0] != 0) {
                throw new IllegalStateException("/dev/zero did not read a zero byte");
            }
        }

        @Override
        public void close() {
            kernel.shutdown();
        }
    }
}
