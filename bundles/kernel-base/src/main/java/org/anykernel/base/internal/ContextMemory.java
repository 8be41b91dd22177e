package org.anykernel.base.internal;

import org.anykernel.base.spi.KernelMemory;

/** {@link KernelMemory} charging the account of the domain the calling code runs in. */
final class ContextMemory implements KernelMemory {
    private final Account fallback;

    /** {@code fallback}: the account charged by code running outside any domain. */
    ContextMemory(Account fallback) {
        this.fallback = fallback;
    }

    private Account account() {
        Account a = ExecutionContext.current();
        return a == null ? fallback : a;
    }

    @Override
    public void charge(long bytes) {
        account().charge(bytes);
    }

    @Override
    public void release(long bytes) {
        account().release(bytes);
    }

    @Override
    public long used() {
        return account().used();
    }

    @Override
    public long quota() {
        return account().quota();
    }

    @Override
    public String domain() {
        return account().name();
    }
}
