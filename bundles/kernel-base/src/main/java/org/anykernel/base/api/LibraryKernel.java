package org.anykernel.base.api;

import java.util.List;

/**
 * A private kernel inside one application, like a rump kernel local client: its own instances of the
 * named components, its own process, syscall table and memory account, called directly on the
 * application's thread. Two library kernels share nothing but the host.
 */
public interface LibraryKernel extends AutoCloseable {

    /** The name given at creation. */
    String name();

    /** The driver names it was built from. */
    List<String> components();

    /** The syscall API of its one process (pid 1). */
    Posix posix();

    /**
     * A new process in this kernel, acting as {@code credentials} (with the first process's working directory "/"
     * and umask 022); it lives until the kernel closes.
     */
    Posix spawn(String name, Credentials credentials);

    /** Bytes of kernel buffers it holds. */
    long memoryUsed();

    /** Releases every instance; later calls fail with {@code ENXIO}. */
    @Override
    void close();
}
