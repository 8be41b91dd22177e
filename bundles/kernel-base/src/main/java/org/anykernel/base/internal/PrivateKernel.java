package org.anykernel.base.internal;

import java.util.List;

import org.anykernel.base.api.Credentials;
import org.anykernel.base.api.LibraryKernel;
import org.anykernel.base.api.Posix;

/**
 * A library kernel as its application holds it, however it was built (from OSGi services by {@link LibraryKernels},
 * from the class path by {@link StandaloneKernels}): a private {@link KernelInstance} with its first process. Closing
 * it ends the kernel once, then lets the builder give back what it took ({@link #release}).
 */
abstract class PrivateKernel implements LibraryKernel {
    private final String name;
    private final List<String> components;
    final KernelInstance kernel;
    private final Posix posix;
    private boolean closed;

    PrivateKernel(String name, List<String> components, KernelInstance kernel, int pid) {
        this.name = name;
        this.components = List.copyOf(components);
        this.kernel = kernel;
        this.posix = kernel.posix(pid);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> components() {
        return components;
    }

    @Override
    public Posix posix() {
        return posix;
    }

    @Override
    public Posix spawn(String processName, Credentials credentials) {
        return kernel.posix(kernel.spawn(processName, credentials));
    }

    @Override
    public long memoryUsed() {
        return kernel.account().used();
    }

    @Override
    public final synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Account prev = ExecutionContext.enter(kernel.account());
        try {
            kernel.shutdown();
            release();
        } finally {
            ExecutionContext.exit(prev);
        }
    }

    /** Gives back what building the kernel took (driver instances), after the kernel has shut down. */
    abstract void release();
}
