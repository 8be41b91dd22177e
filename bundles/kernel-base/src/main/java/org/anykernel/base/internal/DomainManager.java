package org.anykernel.base.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.anykernel.base.api.DomainDescriptor;
import org.anykernel.base.api.DomainDescriptor.RestartPolicy;
import org.anykernel.base.api.DomainInfo;
import org.anykernel.base.api.DomainState;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.KernelService;
import org.anykernel.base.api.Placement;
import org.anykernel.base.api.ServiceInfo;
import org.anykernel.base.spi.Hypercalls;
import org.anykernel.base.spi.KernelServiceRef;
import org.osgi.framework.AllServiceListener;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;

/**
 * Places drivers: keeps the domains (from their descriptors), finds drivers' raw kernel services, and
 * keeps one front per raw service registered in its place, bound to the raw object and the domain's
 * call path. Every descriptor change ends in {@link #reconcile}, which moves fronts to the domain and
 * placement the descriptors now say.
 */
final class DomainManager implements AllServiceListener, SynchronousBundleListener {
    /** Manifest header naming a driver bundle. */
    static final String DRIVER_HEADER = "Anykernel-Driver";
    private static final System.Logger LOG = System.getLogger(DomainManager.class.getName());

    private final BundleContext ctx;
    private final Hypercalls host;
    private final Supervisor supervisor;
    private final EventLog events;
    private final KernelInstance global;
    private final Map<String, Domain> domains = new ConcurrentHashMap<>();
    private final Map<String, String> pidToDomain = new ConcurrentHashMap<>();
    private final Map<Front.Key, Front> fronts = new ConcurrentHashMap<>();
    private final Map<Long, Front.Key> rawKeys = new ConcurrentHashMap<>();
    private final Map<Long, ServiceReference<?>> rawRefs = new ConcurrentHashMap<>();
    private final Map<Long, Map<String, Optional<Class<?>>>> interfaceCache = new ConcurrentHashMap<>();
    private final Staging staging = new Staging();

    DomainManager(BundleContext ctx, Hypercalls host, Supervisor supervisor, EventLog events, KernelInstance global) {
        this.ctx = ctx;
        this.host = host;
        this.supervisor = supervisor;
        this.events = events;
        this.global = global;
        Domain kernel = new Domain(DomainDescriptor.defaults(DomainDescriptor.DEFAULT_DOMAIN, Placement.COLOCATED),
                host, supervisor);
        domains.put(kernel.name(), kernel);
    }

    /** Starts watching: picks up drivers already registered. */
    void open() {
        ctx.addBundleListener(this);
        ctx.addServiceListener(this);
        try {
            ServiceReference<?>[] all = ctx.getAllServiceReferences(null, null);
            if (all != null) {
                for (ServiceReference<?> ref : all) {
                    if (isRawKernelService(ref)) {
                        warnIfUsed(ref);
                        onRawRegistered(ref);
                    }
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private void warnIfUsed(ServiceReference<?> ref) {
        Bundle[] users = ref.getUsingBundles();
        if (users != null) {
            for (Bundle u : users) {
                if (u.getBundleId() != ctx.getBundle().getBundleId()) {
                    events.post("WARNING", DomainDescriptor.DEFAULT_DOMAIN, "bundle " + u.getSymbolicName()
                            + " bound to the raw service of " + driverName(ref.getBundle())
                            + " before kernel-base started: start kernel-base at a lower start level");
                }
            }
        }
    }

    void close() {
        ctx.removeServiceListener(this);
        ctx.removeBundleListener(this);
        for (Front f : fronts.values()) {
            unregister(f);
            f.releaseTarget();
        }
        domains.values().forEach(Domain::close);
    }

    // ---- what is a driver, what is raw

    /**
     * Driver names by bundle ("" for a bundle that is no driver): read once, headers are costly to build. Keyed by the
     * bundle object, weakly: bundle ids repeat across frameworks in one JVM (tests start many), so an id would name
     * another framework's bundle.
     */
    private static final Map<Bundle, String> DRIVER_NAMES = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /** Forgets the cached driver name of {@code b} (its manifest changed: an update). */
    static void forgetDriverName(Bundle b) {
        DRIVER_NAMES.remove(b);
    }

    /** The driver name a bundle's manifest declares, or null. */
    static String driverName(Bundle b) {
        if (b == null) {
            return null;
        }
        String name = DRIVER_NAMES.computeIfAbsent(b, x -> {
            Dictionary<String, String> h = x.getHeaders("");
            String v = h == null ? null : h.get(DRIVER_HEADER);
            return v == null ? "" : v.trim();
        });
        return name.isEmpty() ? null : name;
    }

    /** The {@link KernelService} interfaces among a service's object classes (loaded through its bundle). */
    List<Class<?>> kernelInterfaces(ServiceReference<?> ref) {
        Bundle b = ref.getBundle();
        if (b == null || driverName(b) == null) {
            return List.of();
        }
        Map<String, Optional<Class<?>>> cache = interfaceCache.computeIfAbsent(b.getBundleId(), k -> new ConcurrentHashMap<>());
        List<Class<?>> out = new ArrayList<>();
        for (String name : (String[]) ref.getProperty("objectClass")) {
            Optional<Class<?>> c = cache.computeIfAbsent(name, n -> {
                try {
                    Class<?> cl = b.loadClass(n);
                    return cl.isInterface() && cl.isAnnotationPresent(KernelService.class) ? Optional.of(cl) : Optional.empty();
                } catch (ClassNotFoundException | IllegalStateException e) {
                    return Optional.empty();
                }
            });
            c.ifPresent(out::add);
        }
        return out;
    }

    /** Whether {@code ref} is a driver's own kernel service (to be hidden behind a front). */
    boolean isRawKernelService(ServiceReference<?> ref) {
        return ref.getProperty(Front.FRONT) == null && !kernelInterfaces(ref).isEmpty();
    }

    /** The domain a driver bundle belongs to, or null for a bundle that is no driver. */
    Domain domainOf(Bundle b) {
        String name = driverName(b);
        return name == null ? null : domainFor(name);
    }

    Domain domainFor(String driver) {
        for (Domain d : domains.values()) {
            if (d.descriptor().components().contains(driver)) {
                return d;
            }
        }
        return domains.get(DomainDescriptor.DEFAULT_DOMAIN);
    }

    Collection<Domain> domainList() {
        return domains.values();
    }

    Domain domain(String name) {
        Domain d = domains.get(name);
        if (d == null) {
            throw new KernelException(Errno.ENOENT, "domain " + name, "no such domain");
        }
        return d;
    }

    // ---- raw services come and go

    @Override
    public void serviceChanged(ServiceEvent event) {
        ServiceReference<?> ref = event.getServiceReference();
        long id = (Long) ref.getProperty("service.id");
        switch (event.getType()) {
            case ServiceEvent.REGISTERED -> {
                if (isRawKernelService(ref)) {
                    onRawRegistered(ref);
                }
            }
            case ServiceEvent.MODIFIED -> {
                Front.Key key = rawKeys.get(id);
                Front f = key == null ? null : fronts.get(key);
                if (f != null) {
                    f.setRaw(ref, ctx.getServiceObjects(cast(ref)), properties(ref));
                    updateProperties(f);
                }
            }
            case ServiceEvent.UNREGISTERING, ServiceEvent.MODIFIED_ENDMATCH -> {
                rawRefs.remove(id);
                Front.Key key = rawKeys.remove(id);
                Front f = key == null ? null : fronts.get(key);
                // only if it is still the front's raw service (not one a live update has re-targeted the front from)
                if (f != null && ref.equals(f.rawRef())) {
                    f.dropRaw();
                }
            }
            default -> {
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static ServiceReference<Object> cast(ServiceReference<?> ref) {
        return (ServiceReference<Object>) ref;
    }

    private static Map<String, Object> properties(ServiceReference<?> ref) {
        Map<String, Object> p = new LinkedHashMap<>();
        for (String k : ref.getPropertyKeys()) {
            p.put(k, ref.getProperty(k));
        }
        return p;
    }

    /** What identifies the front of a raw service. */
    private Front.Key keyOf(ServiceReference<?> ref, List<Class<?>> ifaces) {
        String driver = driverName(ref.getBundle());
        String component = String.valueOf(Optional.ofNullable(ref.getProperty("component.name"))
                .orElse(Optional.ofNullable(ref.getProperty("service.pid")).orElse("")));
        List<String> names = ifaces.stream().map(Class::getName).sorted().toList();
        return new Front.Key(driver, component, names);
    }

    private void onRawRegistered(ServiceReference<?> ref) {
        if (staging.isStaged(ref.getBundle())) {
            // a build beside the running one: its services wait, hidden, until a live update re-targets the fronts
            return;
        }
        List<Class<?>> ifaces = kernelInterfaces(ref);
        String driver = driverName(ref.getBundle());
        Front.Key key = keyOf(ref, ifaces);
        long id = (Long) ref.getProperty("service.id");
        rawRefs.put(id, ref);
        rawKeys.put(id, key);
        Front f = fronts.computeIfAbsent(key, k -> {
            Domain d = domainFor(driver);
            Front nf = new Front(k, ifaces.get(0).getClassLoader(), ifaces.toArray(Class<?>[]::new), d);
            d.fronts().add(nf);
            return nf;
        });
        f.setRaw(ref, ctx.getServiceObjects(cast(ref)), properties(ref));
        reconcile(f);
    }

    // ---- live update: a build beside the running one takes over its fronts

    /** The raw kernel services {@code b} has registered now. */
    private List<ServiceReference<?>> rawKernelServicesOf(Bundle b) {
        ServiceReference<?>[] refs = b.getState() == Bundle.UNINSTALLED ? null : b.getRegisteredServices();
        return refs == null ? List.of() : Arrays.stream(refs).filter(this::isRawKernelService).toList();
    }

    /**
     * Whether {@code b} (a build beside the running one) has registered a raw service for every front of
     * {@code driver} in {@code d}: it can take them all over.
     */
    boolean covers(Bundle b, Domain d, String driver) {
        List<Front.Key> offered = rawKernelServicesOf(b).stream().map(r -> keyOf(r, kernelInterfaces(r))).toList();
        return d.fronts().stream().filter(f -> f.driver().equals(driver)).allMatch(f -> offered.contains(f.key()));
    }

    /** Waits (bounded) until {@link #covers} holds. */
    boolean awaitCovers(Bundle b, Domain d, String driver, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!covers(b, d, driver)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * Makes {@code b} its driver's current build: no longer staged, each of its raw kernel services becomes its
     * front's raw service, the front's previous driver object is let go (a delayed component is deactivated) and the
     * new one taken (activated). For a live update's pause, with the fronts suspended.
     *
     * @return null if every front of {@code b}'s driver in {@code d} has its driver object now, else which has not
     */
    String retarget(Bundle b, Domain d) {
        return retarget(b, d, null);
    }

    /**
     * As {@link #retarget(Bundle, Domain)}; with {@code later} not null, a front that has a driver object swaps to
     * the new one at once and the old object is let go of by an action added to {@code later}, for the caller to run
     * once calls go on (a live update: the old object's deactivation stays out of the pause).
     */
    String retarget(Bundle b, Domain d, List<Runnable> later) {
        staging.unstage(b);
        for (ServiceReference<?> ref : rawKernelServicesOf(b)) {
            Front.Key key = keyOf(ref, kernelInterfaces(ref));
            Front f = fronts.get(key);
            if (f != null) {
                for (var it = rawKeys.entrySet().iterator(); it.hasNext();) {
                    var e = it.next();
                    if (e.getValue().equals(key)) {
                        rawRefs.remove(e.getKey());
                        it.remove();
                    }
                }
                if (later != null && f.bound() && f.domain() == d) {
                    long id = (Long) ref.getProperty("service.id");
                    rawRefs.put(id, ref);
                    rawKeys.put(id, key);
                    java.util.Dictionary<String, Object> before = f.frontProperties();
                    later.add(f.swapRaw(ref, ctx.getServiceObjects(cast(ref)), properties(ref)));
                    if (!before.equals(f.frontProperties())) {
                        updateProperties(f); // a service event to every listener: only when something changed
                    }
                    continue;
                }
                f.dropRaw();
            }
            onRawRegistered(ref);
        }
        String driver = driverName(b);
        for (Front f : d.fronts()) {
            if (f.driver().equals(driver) && !f.bound()) {
                return "its service " + f.describeService() + " did not activate";
            }
        }
        return null;
    }

    // ---- library kernels take private instances of raw services

    /** Raw services of a driver, for a library kernel; {@code ENOENT} if the driver is not installed. */
    List<ServiceReference<?>> rawServicesOf(String driver) {
        boolean installed = Arrays.stream(ctx.getBundles()).anyMatch(b -> driver.equals(driverName(b)));
        if (!installed) {
            throw new KernelException(Errno.ENOENT, "driver " + driver, "not installed");
        }
        List<ServiceReference<?>> out = rawRefs.values().stream().filter(r -> driver.equals(driverName(r.getBundle())))
                .toList();
        if (out.isEmpty()) {
            throw new KernelException(Errno.ENXIO, "driver " + driver, "installed but provides no kernel service (not started?)");
        }
        return out;
    }

    BundleContext context() {
        return ctx;
    }

    /** The driver builds installed beside running ones (and the collision hook that lets them in). */
    Staging staging() {
        return staging;
    }

    // ---- descriptors

    /** A descriptor was created or changed: validate all of it, then apply, or keep the old state. */
    synchronized void configure(String pid, Map<String, ?> props) {
        String name = pid.contains("~") ? pid.substring(pid.indexOf('~') + 1) : null;
        DomainDescriptor d;
        try {
            d = DomainDescriptor.parse(name, props);
            validate(d);
        } catch (KernelException e) {
            String key = name != null ? name : pid;
            Domain existing = domains.get(pidToDomain.getOrDefault(pid, key));
            if (existing != null) {
                existing.setRejected(e.getMessage());
            }
            events.post("REJECTED", key, e.getMessage() + " (descriptor " + pid + " not applied; previous state kept)");
            return;
        }
        String previousName = pidToDomain.put(pid, d.name());
        if (previousName != null && !previousName.equals(d.name())) {
            removeDomain(previousName);
        }
        Domain existing = domains.get(d.name());
        if (existing != null && existing.descriptor().equals(d)) {
            // the boot configuration already put it in force; ConfigAdmin's delivery of it changes nothing
            existing.setRejected("");
            return;
        }
        if (existing == null) {
            domains.put(d.name(), new Domain(d, host, supervisor));
            events.post("CREATED", d.name(), d.placement().label() + " " + d.components());
        } else {
            Placement before = existing.placement();
            existing.apply(d);
            existing.setRejected("");
            if (before != d.placement()) {
                events.post("PLACED", d.name(), before.label() + " -> " + d.placement().label());
            }
        }
        reconcileAll();
    }

    /** Semantic checks a single descriptor cannot make alone. */
    private void validate(DomainDescriptor d) {
        if (d.name().equals(DomainDescriptor.DEFAULT_DOMAIN) && !d.components().isEmpty()) {
            throw new KernelException(Errno.EINVAL, "domain kernel: field 'components': the default domain takes every unnamed driver; name none");
        }
        for (String c : d.components()) {
            for (Domain other : domains.values()) {
                if (!other.name().equals(d.name()) && other.descriptor().components().contains(c)) {
                    throw new KernelException(Errno.EINVAL, "domain " + d.name() + ": field 'components': driver '" + c
                            + "' is already in domain " + other.name());
                }
            }
        }
        for (String g : d.grants()) {
            if (!g.equals("*") && !exported(g)) {
                throw new KernelException(Errno.EINVAL, "domain " + d.name() + ": field 'grants': unknown service '" + g
                        + "' (no installed bundle exports its package)");
            }
        }
    }

    private boolean exported(String className) {
        int dot = className.lastIndexOf('.');
        if (dot < 0) {
            return false;
        }
        String pkg = className.substring(0, dot);
        for (Bundle b : ctx.getBundles()) {
            BundleRevision r = b.adapt(BundleRevision.class);
            List<BundleCapability> caps = r == null ? List.of() : r.getDeclaredCapabilities(BundleRevision.PACKAGE_NAMESPACE);
            for (BundleCapability c : caps) {
                if (pkg.equals(c.getAttributes().get(BundleRevision.PACKAGE_NAMESPACE))) {
                    return true;
                }
            }
        }
        return false;
    }

    synchronized void deleted(String pid) {
        String name = pidToDomain.remove(pid);
        if (name != null) {
            removeDomain(name);
            reconcileAll();
        }
    }

    private void removeDomain(String name) {
        if (name.equals(DomainDescriptor.DEFAULT_DOMAIN)) {
            domains.get(name).apply(DomainDescriptor.defaults(name, Placement.COLOCATED));
            return;
        }
        Domain d = domains.remove(name);
        if (d != null) {
            events.post("DELETED", name, "its drivers move to domain " + DomainDescriptor.DEFAULT_DOMAIN);
            d.close();
        }
    }

    /** Moves a domain to another placement, as a descriptor change would. */
    synchronized String place(String what, Placement p) {
        Domain d = domains.get(what);
        if (d == null) {
            d = findServiceDomain(what);
        }
        Placement before = d.placement();
        d.apply(d.descriptor().withPlacement(p));
        events.post("PLACED", d.name(), before.label() + " -> " + p.label() + " (kernel:place)");
        reconcileAll();
        return d.name();
    }

    /** Applies a fault plan to the fronts of a domain, or to one service's front. */
    int fault(String what, org.anykernel.base.api.FaultSpec spec) {
        Domain d = domains.get(what);
        List<Front> targets = new ArrayList<>();
        if (d != null) {
            targets.addAll(d.fronts());
        } else {
            for (Front f : fronts.values()) {
                if (matches(f.info(), what)) {
                    targets.add(f);
                }
            }
        }
        if (targets.isEmpty()) {
            throw new KernelException(Errno.ENOENT, what, "no such domain or service");
        }
        targets.forEach(f -> f.setFault(spec));
        events.post("FAULT-PLAN", targets.get(0).domain().name(), spec.kind().name().toLowerCase() + " on " + what
                + (spec.every() == 0 ? " (once)" : " (every " + spec.every() + " calls)"));
        return targets.size();
    }

    private static boolean matches(ServiceInfo i, String what) {
        return String.valueOf(i.id()).equals(what) || i.component().equals(what) || i.driver().equals(what)
                || i.component().endsWith("." + what) || i.interfaces().stream().anyMatch(n -> n.equals(what) || n.endsWith("." + what));
    }

    private Domain findServiceDomain(String what) {
        for (Front f : fronts.values()) {
            if (matches(f.info(), what)) {
                return f.domain();
            }
        }
        throw new KernelException(Errno.ENOENT, what, "no such domain or service");
    }

    // ---- reconciliation: make every front match what the descriptors say

    void reconcileAll() {
        fronts.values().forEach(this::reconcile);
    }

    private void reconcile(Front f) {
        synchronized (f) {
            Domain want = domainFor(f.key().driver());
            Domain had = f.domain();
            if (want != had) {
                had.fronts().remove(f);
                want.fronts().add(f);
                f.setDomain(want);
            }
            if (want.placement() == Placement.LIBRARY) {
                unregister(f);
                f.releaseTarget();
                return;
            }
            if (f.rawRef() != null) {
                f.acquireTarget();
            }
            if (f.registration() == null) {
                register(f);
            } else {
                updateProperties(f);
            }
        }
    }

    private void register(Front f) {
        String[] names = f.key().interfaces().toArray(String[]::new);
        f.setRegistration(ctx.registerService(names, f.proxy(), f.frontProperties()));
        global.bindAll(ref(f));
    }

    private void unregister(Front f) {
        if (f.registration() != null) {
            global.unbindAll(ref(f));
            try {
                f.registration().unregister();
            } catch (IllegalStateException alreadyGone) {
                LOG.log(System.Logger.Level.DEBUG, "front of {0} already unregistered", f.key().driver());
            }
            f.setRegistration(null);
        }
    }

    private void updateProperties(Front f) {
        if (f.registration() != null) {
            f.registration().setProperties(f.frontProperties());
        }
    }

    KernelServiceRef ref(Front f) {
        Map<String, Object> p = new HashMap<>();
        var props = f.frontProperties();
        for (var e = props.keys(); e.hasMoreElements();) {
            String k = e.nextElement();
            p.put(k, props.get(k));
        }
        return new KernelServiceRef(f.proxy(), p);
    }

    /** Every registered front, as faction bindings. */
    List<KernelServiceRef> registeredFronts() {
        return fronts.values().stream().filter(f -> f.registration() != null).map(this::ref).toList();
    }

    // ---- bundles

    @Override
    public void bundleChanged(BundleEvent event) {
        Bundle b = event.getBundle();
        switch (event.getType()) {
            case BundleEvent.UNRESOLVED -> interfaceCache.remove(b.getBundleId());
            case BundleEvent.UPDATED -> {
                interfaceCache.remove(b.getBundleId());
                forgetDriverName(b);
            }
            case BundleEvent.UNINSTALLED -> {
                String driver = driverName(b);
                interfaceCache.remove(b.getBundleId());
                forgetDriverName(b);
                staging.unstage(b);
                // a build uninstalled after a live update or a rollback leaves the driver installed: its fronts stay
                if (driver != null && !installedElsewhere(driver, b)) {
                    removeFrontsOf(driver);
                }
            }
            case BundleEvent.STOPPED -> {
                Domain d = domainOf(b);
                Bundle system = ctx.getBundle(0);
                if (d != null && d.descriptor().restart() == RestartPolicy.ALWAYS && !supervisor.isStopping(b)
                        && !staging.isStaged(b)
                        && system.getState() == Bundle.ACTIVE && d.state() == DomainState.ACTIVE) {
                    supervisor.stoppedUnexpectedly(d, b);
                }
            }
            default -> {
            }
        }
    }

    /** Whether a bundle other than {@code b} declares {@code driver} and is installed. */
    private boolean installedElsewhere(String driver, Bundle b) {
        for (Bundle o : ctx.getBundles()) {
            if (o.getBundleId() != b.getBundleId() && o.getState() != Bundle.UNINSTALLED && driver.equals(driverName(o))) {
                return true;
            }
        }
        return false;
    }

    /** An uninstalled driver's fronts go away (their consumers see it: there is nothing to wait for). */
    private void removeFrontsOf(String driver) {
        fronts.values().removeIf(f -> {
            if (f.key().driver().equals(driver) && f.rawRef() == null) {
                synchronized (f) {
                    unregister(f);
                    f.domain().fronts().remove(f);
                }
                return true;
            }
            return false;
        });
    }

    /**
     * The bundles whose drivers are in domain {@code d}: not a build installed beside the running one by a live update
     * or replace (the next one before it is swapped in, the previous one until it is uninstalled).
     */
    List<Bundle> bundlesOf(Domain d) {
        List<Bundle> out = new ArrayList<>();
        for (Bundle b : ctx.getBundles()) {
            if (domainOf(b) == d && !staging.isStaged(b)) {
                out.add(b);
            }
        }
        return out;
    }

    /** Waits (bounded) until every front of {@code d} has its driver object. */
    boolean awaitBound(Domain d, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (d.fronts().stream().allMatch(Front::bound)) {
                return true;
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return d.fronts().stream().allMatch(Front::bound);
    }

    // ---- views

    List<DomainInfo> domainInfos() {
        List<DomainInfo> out = new ArrayList<>();
        for (Domain d : domains.values()) {
            out.add(d.info(bundlesOf(d).stream().map(Bundle::getSymbolicName).toList()));
        }
        out.sort((a, b) -> a.name().equals(DomainDescriptor.DEFAULT_DOMAIN) ? -1
                : b.name().equals(DomainDescriptor.DEFAULT_DOMAIN) ? 1 : a.name().compareTo(b.name()));
        return out;
    }

    List<ServiceInfo> serviceInfos() {
        List<ServiceInfo> out = new ArrayList<>(fronts.values().stream().map(Front::info).toList());
        out.sort((a, b) -> (a.domain() + a.interfaces()).compareTo(b.domain() + b.interfaces()));
        return out;
    }

    boolean settled() {
        for (Domain d : domains.values()) {
            if (d.state() == DomainState.RESTARTING) {
                return false;
            }
            if (d.placement() != Placement.LIBRARY && !d.fronts().stream().allMatch(Front::bound)) {
                return false;
            }
            for (String c : d.descriptor().components()) {
                boolean present = Arrays.stream(ctx.getBundles())
                        .anyMatch(b -> c.equals(driverName(b)) && b.getState() == Bundle.ACTIVE);
                if (!present) {
                    return false;
                }
            }
        }
        return true;
    }
}
