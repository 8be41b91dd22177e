package org.anykernel.base.internal;

/**
 * Which memory account the code on this thread charges: set by a front entering a domain, by a domain's
 * own worker threads, and by a library kernel's syscall entry.
 */
final class ExecutionContext {
    private static final ThreadLocal<Account> CURRENT = new ThreadLocal<>();

    private ExecutionContext() {
    }

    static Account current() {
        return CURRENT.get();
    }

    /** Enters {@code account}; returns the account to restore with {@link #exit}. */
    static Account enter(Account account) {
        Account old = CURRENT.get();
        if (old != account) {
            CURRENT.set(account);
        }
        return old;
    }

    static void exit(Account previous, Account entered) {
        if (previous != entered) {
            CURRENT.set(previous);
        }
    }
}
