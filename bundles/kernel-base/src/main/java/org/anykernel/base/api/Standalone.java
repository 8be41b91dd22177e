package org.anykernel.base.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A library kernel on a plain class path, without OSGi: the factions and the named drivers found on the class path
 * ({@code java.util.ServiceLoader}), wired directly, called on the application's thread. What {@link KernelFactory}
 * makes inside a running kernel, for programs that want a private kernel and nothing else (a tool that opens a file
 * system image, a test): it starts in milliseconds because there is no framework to start.
 *
 * <pre>{@code
 * try (LibraryKernel k = Standalone.builder("tool").drivers("fs-tmpfs").build()) {
 *     Posix px = k.posix();
 *     px.mkdir("/tmp/a", 0755);
 * }
 * }</pre>
 */
public final class Standalone {
    private final String name;
    private final List<String> drivers = new ArrayList<>();
    private final Map<Object, Map<String, Object>> hardware = new LinkedHashMap<>();
    private long memoryQuota = Long.MAX_VALUE;
    private ClassLoader loader = Standalone.class.getClassLoader();

    private Standalone(String name) {
        this.name = name;
    }

    /** A builder for a kernel called {@code name}. */
    public static Standalone builder(String name) {
        return new Standalone(name);
    }

    /** Links these drivers (by their {@code Anykernel-Driver} names) into the kernel. */
    public Standalone drivers(String... names) {
        drivers.addAll(List.of(names));
        return this;
    }

    /** Hands a piece of (simulated) hardware to the kernel's drivers, with its properties. */
    public Standalone hardware(Object device, Map<String, Object> properties) {
        hardware.put(device, Map.copyOf(properties));
        return this;
    }

    /** Bytes of kernel memory it may hold (default: no limit). */
    public Standalone memoryQuota(long bytes) {
        memoryQuota = bytes;
        return this;
    }

    /** Where to look for factions and drivers (default: this class's loader). */
    public Standalone classLoader(ClassLoader l) {
        loader = l;
        return this;
    }

    /**
     * Builds and starts the kernel.
     *
     * @throws KernelException {@code ENOENT} for a driver not on the class path, or whatever a driver reports
     */
    public LibraryKernel build() {
        return org.anykernel.base.internal.StandaloneKernels.build(name, List.copyOf(drivers), Map.copyOf(hardware),
                memoryQuota, loader);
    }
}
