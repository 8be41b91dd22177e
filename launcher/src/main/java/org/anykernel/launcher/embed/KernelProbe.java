package org.anykernel.launcher.embed;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Asks the running kernel whether it is settled, through the {@code org.anykernel.base.api.Kernel}
 * service. By reflection: that interface is in kernel-base's class loader, which the launcher cannot see.
 */
final class KernelProbe {
    /** The kernel service's interface. */
    static final String KERNEL = "org.anykernel.base.api.Kernel";
    /** The package kernel-base exports it in: a profile without it has no kernel to wait for. */
    static final String KERNEL_PACKAGE = "org.anykernel.base.api";

    /** What the kernel said. */
    record Status(boolean settled, List<String> domains) {
    }

    private final BundleContext context;

    KernelProbe(BundleContext context) {
        this.context = context;
    }

    /**
     * The kernel's state now, or {@code null} while there is no kernel service.
     *
     * @throws LaunchException when the kernel service throws
     */
    Status poll() {
        // all references, not only assignable ones: the launcher has its own copy of the kernel's API
        // classes (to check descriptors before boot), which the framework would call incompatible
        ServiceReference<?>[] refs;
        try {
            refs = context.getAllServiceReferences(KERNEL, null);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (refs == null) {
            return null;
        }
        ServiceReference<?> ref = refs[0];
        Object kernel = context.getService(ref);
        if (kernel == null) {
            return null;
        }
        try {
            // the interface, not the implementation class, which is private to kernel-base
            Class<?> api = ref.getBundle().loadClass(KERNEL);
            boolean settled = (Boolean) api.getMethod("settled").invoke(kernel);
            List<String> names = new ArrayList<>();
            for (Object domain : (List<?>) api.getMethod("domains").invoke(kernel)) {
                names.add(String.valueOf(name(domain)));
            }
            return new Status(settled, names);
        } catch (InvocationTargetException e) {
            throw new LaunchException("kernel: " + LaunchException.rootMessage(e.getCause()), e.getCause());
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new LaunchException("kernel service does not look like " + KERNEL + ": " + e, e);
        } finally {
            context.ungetService(ref);
        }
    }

    private static Object name(Object domain) throws ReflectiveOperationException {
        Method m = domain.getClass().getMethod("name");
        m.setAccessible(true);
        return m.invoke(domain);
    }
}
