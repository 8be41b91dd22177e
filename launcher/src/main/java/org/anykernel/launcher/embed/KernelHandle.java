package org.anykernel.launcher.embed;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Posix;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The framework's global kernel, seen from the launcher's class space: its kernel API classes are not ours, so every
 * call is reflective with JDK types only, and a kernel error comes back as this side's {@link KernelException}.
 * What {@code anyk fs --placement} and {@code anyk chaos} drive a booted kernel with.
 */
public final class KernelHandle {
    /** One domain now. */
    public record Domain(String name, String state, int restarts, String placement, int intensity, int periodSeconds,
                  long watchdogMillis) {
    }

    /** One kernel event; {@code type} is the topic's last element ({@code RESTARTED}, {@code FAULT}, ...). */
    public record Event(long timeMillis, String type, String domain, String message) {
    }

    private final Object kernel;
    private final Class<?> api;
    private final Class<?> faultSpec;
    private final Class<?> kind;

    private KernelHandle(Object kernel) throws ReflectiveOperationException {
        this.kernel = kernel;
        ClassLoader cl = kernel.getClass().getClassLoader();
        this.api = cl.loadClass("org.anykernel.base.api.Kernel");
        this.faultSpec = cl.loadClass("org.anykernel.base.api.FaultSpec");
        this.kind = cl.loadClass("org.anykernel.base.api.FaultSpec$Kind");
    }

    /** The kernel service of the framework whose system bundle context is {@code ctx}. */
    public static KernelHandle of(BundleContext ctx) {
        ServiceReference<?>[] refs;
        try {
            refs = ctx.getAllServiceReferences("org.anykernel.base.api.Kernel", null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (refs == null || refs.length == 0) {
            throw new IllegalStateException("no kernel service in the framework");
        }
        try {
            return new KernelHandle(ctx.getService(refs[0]));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the kernel service's API is not as expected: " + e, e);
        }
    }

    /** Process 1 as a {@link Posix} of this class space. */
    public Posix posix() {
        Object target = call("posix", new Class<?>[] {int.class}, 1);
        Method syscall;
        try {
            syscall = target.getClass().getMethod("syscall", int.class, Object[].class);
            syscall.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the kernel's posix has no syscall(int, Object...): " + e, e);
        }
        return (number, args) -> {
            try {
                return (Long) syscall.invoke(target, number, args);
            } catch (InvocationTargetException e) {
                throw translate(e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    public List<Domain> domains() {
        List<Domain> out = new ArrayList<>();
        for (Object d : (List<?>) call("domains", new Class<?>[0])) {
            Object desc = get(d, "descriptor");
            out.add(new Domain((String) get(d, "name"), String.valueOf(get(d, "state")), (Integer) get(d, "restarts"),
                    String.valueOf(get(desc, "placement")), (Integer) get(desc, "intensity"),
                    (Integer) get(desc, "periodSeconds"), (Long) get(desc, "watchdogMillis")));
        }
        return out;
    }

    public List<Event> events(int max) {
        List<Event> out = new ArrayList<>();
        for (Object e : (List<?>) call("events", new Class<?>[] {int.class}, max)) {
            String topic = (String) get(e, "topic");
            out.add(new Event((Long) get(e, "timeMillis"), topic.substring(topic.lastIndexOf('/') + 1),
                    (String) get(e, "domain"), (String) get(e, "message")));
        }
        return out;
    }

    public boolean settled() {
        return (Boolean) call("settled", new Class<?>[0]);
    }

    public void restart(String domain) {
        call("restart", new Class<?>[] {String.class}, domain);
    }

    /**
     * {@code Kernel.fault(domain, new FaultSpec(kind, every, millis, ""))} with the framework's classes.
     *
     * @return how many services the plan applies to
     */
    public int fault(String domain, String kindName, int every, long millis) {
        Object k;
        Object spec;
        try {
            k = kind.getMethod("valueOf", String.class).invoke(null, kindName);
            spec = faultSpec.getConstructor(kind, int.class, long.class, String.class)
                    .newInstance(k, every, millis, "");
        } catch (InvocationTargetException e) {
            throw translate(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make a FaultSpec: " + e, e);
        }
        return (Integer) call("fault", new Class<?>[] {String.class, faultSpec}, domain, spec);
    }

    private Object call(String name, Class<?>[] types, Object... args) {
        return invoke(api, kernel, name, types, args);
    }

    private static Object get(Object record, String accessor) {
        return invoke(record.getClass(), record, accessor, new Class<?>[0]);
    }

    /**
     * {@code type}'s public method {@code method(types)} on {@code target} (null for a static one), reflectively,
     * with the framework's classes; a kernel error comes back as this side's {@link KernelException}.
     */
    static Object invoke(Class<?> type, Object target, String method, Class<?>[] types, Object... args) {
        try {
            Method m = type.getMethod(method, types);
            m.setAccessible(true);
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw translate(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type.getSimpleName() + "." + method + ": " + e, e);
        }
    }

    /** A framework-side KernelException as ours (same errno); anything else as a runtime exception. */
    public static RuntimeException translate(Throwable t) {
        if (t.getClass().getName().equals(KernelException.class.getName())) {
            try {
                Object errno = t.getClass().getMethod("errno").invoke(t);
                Errno e = Errno.valueOf(((Enum<?>) errno).name());
                String msg = t.getMessage() == null ? "" : t.getMessage();
                String prefix = e.name() + ": ";
                return new KernelException(e, msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg);
            } catch (ReflectiveOperationException | IllegalArgumentException x) {
                return new IllegalStateException(t.getMessage(), t);
            }
        }
        return t instanceof RuntimeException r ? r : new IllegalStateException(t);
    }
}
