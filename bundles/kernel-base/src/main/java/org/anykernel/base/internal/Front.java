package org.anykernel.base.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.FaultSpec;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.ServiceInfo;
import org.osgi.framework.ServiceObjects;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

/**
 * What consumers bind to in place of a driver's raw service: a proxy with the same interfaces whose
 * target (the driver object) and path (the domain's mode) can change under it. While the target is
 * away (restart, update) calls wait, bounded by the domain's hold time.
 */
final class Front implements InvocationHandler {
    /** Service property: the placement of the front's domain. */
    static final String PLACEMENT = "anykernel.placement";
    /** Service property: the front's domain. */
    static final String DOMAIN = "anykernel.domain";
    /** Service property: the driver behind the front. */
    static final String DRIVER = "anykernel.driver";
    /** Service property marking fronts. */
    static final String FRONT = "anykernel.front";

    /** What identifies a driver service across restarts of its bundle. */
    record Key(String driver, String component, List<String> interfaces) {
    }

    private final Key key;
    private final Object proxy;
    private final Object lock = new Object();
    private volatile Object target;
    /** Set while a live update holds this front's calls (see {@link #suspend}). */
    private volatile boolean suspended;
    private volatile Domain domain;
    private ServiceReference<?> rawRef;
    private ServiceObjects<Object> rawObjects;
    private ServiceRegistration<?> registration;
    private Map<String, Object> rawProperties = Map.of();
    private volatile FaultSpec fault;
    private final java.util.concurrent.atomic.AtomicLong faultCalls = new java.util.concurrent.atomic.AtomicLong();

    Front(Key key, ClassLoader loader, Class<?>[] interfaces, Domain domain) {
        this.key = key;
        this.domain = domain;
        this.proxy = java.lang.reflect.Proxy.newProxyInstance(loader, interfaces, this);
    }

    Key key() {
        return key;
    }

    Object proxy() {
        return proxy;
    }

    Domain domain() {
        return domain;
    }

    void setDomain(Domain d) {
        domain = d;
    }

    ServiceReference<?> rawRef() {
        return rawRef;
    }

    ServiceRegistration<?> registration() {
        return registration;
    }

    void setRegistration(ServiceRegistration<?> r) {
        registration = r;
    }

    boolean bound() {
        return target != null;
    }

    String describe(Method m) {
        String iface = key.interfaces.get(0);
        return iface.substring(iface.lastIndexOf('.') + 1) + "." + m.getName() + " (" + key.driver + ")";
    }

    @Override
    public Object invoke(Object p, Method m, Object[] args) throws Throwable {
        if (m.getDeclaringClass() == Object.class) {
            return switch (m.getName()) {
                case "equals" -> p == args[0];
                case "hashCode" -> System.identityHashCode(p);
                default -> "front[" + String.join(",", key.interfaces) + " of " + key.driver + " in " + domain.name() + "]";
            };
        }
        Object t = target;
        Domain d = domain;
        if (t == null || suspended) {
            t = awaitTarget(d, m);
        }
        return d.call(this, t, m, args == null ? new Object[0] : args);
    }

    /** Calls wait (bounded by the hold time) even while there is a driver object: a live update is under way. */
    void suspend() {
        suspended = true;
    }

    /** Lets the waiting calls go on, to the driver object there is now. */
    void resume() {
        synchronized (lock) {
            suspended = false;
            lock.notifyAll();
        }
    }

    /** The driver whose service this fronts. */
    String driver() {
        return key.driver;
    }

    /** What service this is, for messages ({@code FileSystem of fs-ext2}). */
    String describeService() {
        String iface = key.interfaces.isEmpty() ? key.component : key.interfaces.get(0);
        return iface.substring(iface.lastIndexOf('.') + 1) + " of " + key.driver;
    }

    /** The driver object calls go to now, or null while it is away. */
    Object target() {
        return target;
    }

    /** Whether {@code t} is still the driver object calls go to (not stopped or replaced since). */
    boolean isCurrent(Object t) {
        return target == t;
    }

    /** The driver object now, waiting (bounded by the hold time) while it is away: for replayed calls. */
    Object currentTarget(Domain d, Method m) {
        Object t = target;
        return t != null && !suspended ? t : awaitTarget(d, m);
    }

    private Object awaitTarget(Domain d, Method m) {
        if (!d.enterHold()) {
            throw new KernelException(Errno.EAGAIN, describe(m), "more than " + Domain.HOLD_MAX
                    + " calls already wait for domain " + d.name() + " to come back");
        }
        try {
            return awaitTargetHeld(d, m);
        } finally {
            d.exitHold();
        }
    }

    private Object awaitTargetHeld(Domain d, Method m) {
        long hold = d.descriptor().holdMillis();
        long deadline = System.nanoTime() + hold * 1_000_000;
        synchronized (lock) {
            while (target == null || suspended) {
                if (d.state() == org.anykernel.base.api.DomainState.FAILED) {
                    throw new KernelException(Errno.ENXIO, describe(m), "domain " + d.name() + " is stopped");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new KernelException(Errno.ENXIO, describe(m),
                            "driver " + key.driver + " not available (waited " + hold + " ms)");
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new KernelException(Errno.EINTR, describe(m), "interrupted while the driver was away");
                }
            }
            return target;
        }
    }

    void setFault(FaultSpec spec) {
        faultCalls.set(0);
        fault = spec == null || spec.kind() == FaultSpec.Kind.CLEAR ? null : spec;
    }

    /**
     * Called in the domain just before driver code runs: acts out an injected fault, if one is planned for
     * this call. Costs one volatile read when none is.
     *
     * @return whether the call's output is to be corrupted ({@link #corrupt}) once the driver has run
     */
    boolean injectFault(Method m) {
        FaultSpec f = fault;
        if (f == null || (!f.method().isEmpty() && !f.method().equals(m.getName()))) {
            return false;
        }
        long n = faultCalls.incrementAndGet();
        if (f.every() == 0) {
            fault = null;
        } else if (n % f.every() != 0) {
            return false;
        }
        switch (f.kind()) {
            case CORRUPT -> {
                return true;
            }
            case ALLOCATE -> {
                Account a = ExecutionContext.current();
                if (a != null) {
                    // what a leaking driver does: asks its domain's account for more than the quota leaves
                    a.charge(a.quota() == Long.MAX_VALUE ? Long.MAX_VALUE / 2 : a.quota() + 1);
                }
                throw new KernelException(Errno.ENOMEM, describe(m), "injected allocation past the memory quota");
            }
            case CRASH -> throw new IllegalStateException("injected crash in " + describe(m));
            case ERROR -> throw new InjectedError("injected error in " + describe(m));
            case HANG, DELAY -> {
                long ms = f.millis() > 0 ? f.millis() : 3_600_000;
                try {
                    Thread.sleep(ms);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("injected " + f.kind().name().toLowerCase() + " interrupted in " + describe(m));
                }
            }
            default -> {
            }
        }
        return false;
    }

    /**
     * Flips one byte (the middle one) of every byte array in {@code result} (itself, or the elements of a list) and
     * in {@code args} (the buffers the driver filled), as an injected {@code corrupt} fault; returns the result.
     */
    static Object corrupt(Object result, Object[] args) {
        flip(result);
        if (result instanceof java.util.List<?> l) {
            l.forEach(Front::flip);
        }
        if (args != null) {
            for (Object a : args) {
                flip(a);
            }
        }
        return result;
    }

    private static void flip(Object o) {
        if (o instanceof byte[] b && b.length > 0) {
            b[b.length / 2] ^= (byte) 0xFF;
        } else if (o instanceof org.anykernel.base.api.Grant g && g.writable() && g.length() > 0 && !g.revoked()) {
            byte[] one = new byte[1];
            g.get(g.length() / 2, one, 0, 1);
            one[0] ^= (byte) 0xFF;
            g.put(g.length() / 2, one, 0, 1);
        } else if (o instanceof java.nio.ByteBuffer bb && !bb.isReadOnly() && bb.position() > 0) {
            int i = bb.position() / 2;
            bb.put(i, (byte) (bb.get(i) ^ 0xFF));
        }
    }

    /** The Error an injected {@code error} fault throws. */
    static final class InjectedError extends Error {
        private static final long serialVersionUID = 1L;

        InjectedError(String message) {
            super(message);
        }
    }

    /** The raw service behind this front, now available. */
    void setRaw(ServiceReference<?> ref, ServiceObjects<Object> objects, Map<String, Object> properties) {
        synchronized (lock) {
            rawRef = ref;
            rawObjects = objects;
            rawProperties = properties;
        }
    }

    /**
     * Live update: the raw service {@code ref} of the new build becomes the one calls go to, its driver object
     * taken now (activating its component) in place of the old build's. The old object is let go of only by the
     * returned action, which the update runs once calls go on again (the old build, having handed its state over,
     * holds nothing the new one needs).
     */
    Runnable swapRaw(ServiceReference<?> ref, ServiceObjects<Object> objects, Map<String, Object> properties) {
        synchronized (lock) {
            Object old = target;
            ServiceObjects<Object> oldObjects = rawObjects;
            rawRef = ref;
            rawObjects = objects;
            rawProperties = properties;
            target = objects.getService();
            lock.notifyAll();
            return () -> {
                if (old != null && oldObjects != null) {
                    try {
                        oldObjects.ungetService(old);
                    } catch (IllegalStateException | IllegalArgumentException e) {
                        // the old build's service is gone already: nothing to give back
                    }
                }
            };
        }
    }

    /** Gets the driver object (activating a delayed component) and lets waiting calls proceed. */
    void acquireTarget() {
        synchronized (lock) {
            if (target == null && rawObjects != null) {
                target = rawObjects.getService();
                lock.notifyAll();
            }
        }
    }

    /** Lets go of the driver object; calls wait for the next one. */
    void releaseTarget() {
        synchronized (lock) {
            Object t = target;
            target = null;
            if (t != null && rawObjects != null) {
                try {
                    rawObjects.ungetService(t);
                } catch (IllegalStateException | IllegalArgumentException e) {
                    // the raw service is already gone: nothing to give back
                }
            }
        }
    }

    /** The raw service went away (its bundle stopped): calls wait for its return. */
    void dropRaw() {
        releaseTarget();
        synchronized (lock) {
            rawRef = null;
            rawObjects = null;
        }
    }

    /** Properties the front is registered with: the driver's, plus placement, domain and driver. */
    Dictionary<String, Object> frontProperties() {
        Hashtable<String, Object> p = new Hashtable<>();
        rawProperties.forEach((k, v) -> {
            // not the raw service's identity (nor its component's, which SCR numbers anew for every build): the
            // front stays the same service across restarts and updates
            if (!k.equals("service.id") && !k.equals("service.bundleid") && !k.equals("service.scope")
                    && !k.equals("objectClass") && !k.equals("component.id")) {
                p.put(k, v);
            }
        });
        Domain d = domain;
        p.put(PLACEMENT, d.placement().label());
        p.put(DOMAIN, d.name());
        p.put(DRIVER, key.driver);
        p.put(FRONT, Boolean.TRUE);
        return p;
    }

    ServiceInfo info() {
        ServiceRegistration<?> r = registration;
        long id = -1;
        if (r != null) {
            try {
                id = (Long) r.getReference().getProperty("service.id");
            } catch (IllegalStateException e) {
                id = -1;
            }
        }
        Domain d = domain;
        return new ServiceInfo(id, key.interfaces, key.driver, key.component, d.name(), d.placement(), bound());
    }
}
