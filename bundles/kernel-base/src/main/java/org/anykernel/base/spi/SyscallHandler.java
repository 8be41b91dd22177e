package org.anykernel.base.spi;

/** What runs a syscall. The arguments have already been checked against its {@link Syscall} signature. */
@FunctionalInterface
public interface SyscallHandler {
    /** Runs the syscall for {@code process}. */
    long call(KernelProcess process, Object[] args);
}
