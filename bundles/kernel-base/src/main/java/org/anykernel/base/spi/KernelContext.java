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

    /**
     * Opens {@code path} (absolute) as the {@code open} syscall would, without installing a descriptor: what a
     * faction uses to reach a file another faction serves (the VFS opening {@code /dev/sd0} to mount it).
     */
    OpenFile open(KernelProcess process, String path, int flags, int mode);

    /** The name space serving absolute {@code path}, with its prefix and the rest of the path; null if none. */
    Resolved resolve(String path);

    /** Where a path lands: {@code space} mounted at {@code prefix}, and the path below it. */
    record Resolved(NameSpace space, String prefix, String rest) {
    }

    /** Memory accounting for kernel buffers. */
    KernelMemory memory();
}
