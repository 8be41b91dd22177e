package org.anykernel.launcher.embed;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * A simulated disk of a booted kernel's hardware (hw-sim's {@code DiskController} service named
 * {@code hw.disk.name}), seen from the launcher's class space: fault plans are made and applied reflectively with the
 * framework's classes. What {@code anyk chaos} cuts the power of and damages transfers with.
 */
public final class DiskHandle {
    private final String name;
    private final Object disk;
    private final Class<?> controller;
    private final Class<?> plan;

    private DiskHandle(String name, Object disk) throws ReflectiveOperationException {
        this.name = name;
        this.disk = disk;
        ClassLoader cl = disk.getClass().getClassLoader();
        this.controller = cl.loadClass("org.anykernel.hw.api.DiskController");
        this.plan = cl.loadClass("org.anykernel.hw.api.DiskFaultPlan");
    }

    /**
     * The disk {@code name} of the framework whose bundle context is {@code ctx}.
     *
     * @throws IllegalStateException if the kernel has no such disk
     */
    public static DiskHandle of(BundleContext ctx, String name) {
        ServiceReference<?>[] refs;
        try {
            refs = ctx.getAllServiceReferences("org.anykernel.hw.api.DiskController", "(hw.disk.name=" + name + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("disk name " + name + ": " + e.getMessage(), e);
        }
        if (refs == null || refs.length == 0) {
            throw new IllegalStateException("no disk " + name + " in the kernel's hardware");
        }
        try {
            return new DiskHandle(name, ctx.getService(refs[0]));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("disk " + name + ": the hw-sim API is not as expected: " + e, e);
        }
    }

    public String name() {
        return name;
    }

    /** The disk's size in sectors. */
    public long sectors() {
        Object info = invoke(controller, disk, "info");
        return (Long) invoke(info.getClass(), info, "sectors");
    }

    /**
     * Cuts the power and keeps it off: the volatile write cache is lost, and every request fails with EIO (what a
     * kernel sees of a disk that is gone) until {@link #clear()}.
     */
    public void powerCutAndHold() {
        Object b = invoke(plan, null, "builder");
        b = invoke(b.getClass(), b, "powerCut");
        b = KernelHandle.invoke(b.getClass(), b, "eioAt", new Class<?>[] {long.class, long.class}, 0L, sectors());
        apply(invoke(b.getClass(), b, "build"));
    }

    /**
     * Transient transfer faults, each once: the {@code eioOn}th request from now fails with EIO, the
     * {@code corruptOn}th (if a READ) brings its data back damaged (0: not that one).
     */
    public void transientFaults(long eioOn, long corruptOn, long seed) {
        Object b = invoke(plan, null, "builder");
        b = KernelHandle.invoke(b.getClass(), b, "eioOnRequest", new Class<?>[] {long.class}, eioOn);
        b = KernelHandle.invoke(b.getClass(), b, "corruptOnRequest", new Class<?>[] {long.class}, corruptOn);
        b = KernelHandle.invoke(b.getClass(), b, "seed", new Class<?>[] {long.class}, seed);
        apply(invoke(b.getClass(), b, "build"));
    }

    /** No faults (the power is back). */
    public void clear() {
        try {
            apply(plan.getField("NONE").get(null));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("DiskFaultPlan.NONE: " + e, e);
        }
    }

    private void apply(Object p) {
        KernelHandle.invoke(controller, disk, "faults", new Class<?>[] {plan}, p);
    }

    private static Object invoke(Class<?> type, Object target, String method) {
        return KernelHandle.invoke(type, target, method, new Class<?>[0]);
    }
}
