package org.anykernel.base.spi;

/**
 * One kernel instance as a faction sees it: the global kernel, or a private library kernel. A faction
 * attaches to each and keeps per-kernel state in the {@link FactionInstance} it returns.
 */
public interface KernelContext {

    /** The kernel's name ({@code "global"}, or a library kernel's name). */
    String name();

    /** The host interface. */
    Hypercalls hypercalls();

    /** This kernel's syscall table. */
    SyscallTable syscalls();

    /**
     * Serves the paths below {@code prefix} ({@code "/dev"}) from {@code space}; closing the handle
     * unmounts it.
     */
    AutoCloseable mount(String prefix, NameSpace space);

    /** Memory accounting for kernel buffers. */
    KernelMemory memory();
}
