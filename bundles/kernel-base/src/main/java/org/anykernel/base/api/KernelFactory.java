package org.anykernel.base.api;

import java.util.List;

/** Makes private library kernels. Registered by kernel-base. */
public interface KernelFactory {

    /**
     * A new library kernel with private instances of the named drivers, with every faction present.
     *
     * @param name        a name for diagnostics
     * @param components  driver names (their bundles' {@code Anykernel-Driver} header)
     * @param memoryQuota bytes of kernel buffers it may hold
     * @throws KernelException {@code ENOENT} for a driver that is not installed, {@code EINVAL} for one whose
     *                         components cannot be instantiated privately
     */
    LibraryKernel create(String name, List<String> components, long memoryQuota);
}
