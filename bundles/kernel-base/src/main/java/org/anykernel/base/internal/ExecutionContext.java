package org.anykernel.base.internal;

/**
 * Which account the code on this thread charges: set by a front entering a domain, by a domain's own
 * worker threads, and by a library kernel's syscall entry. One mutable slot per thread, so entering and
 * leaving cost two thread-local lookups and no thread-local writes (this is on every colocated call).
 */
final class ExecutionContext {
    /** A thread's current account. */
    private static final class Slot {
        Account account;
    }

    private static final ThreadLocal<Slot> CURRENT = ThreadLocal.withInitial(Slot::new);

    private ExecutionContext() {
    }

    static Account current() {
        return CURRENT.get().account;
    }

    /** Enters {@code account}; returns the account to restore with {@link #exit}. */
    static Account enter(Account account) {
        Slot s = CURRENT.get();
        Account old = s.account;
        s.account = account;
        return old;
    }

    /** Leaves the account entered, back to {@code previous} (what {@link #enter} returned). */
    static void exit(Account previous) {
        CURRENT.get().account = previous;
    }
}
