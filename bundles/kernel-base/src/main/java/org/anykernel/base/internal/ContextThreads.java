package org.anykernel.base.internal;

import org.anykernel.base.spi.Hypercalls;
import org.anykernel.base.spi.KernelThreads;

/** {@link KernelThreads} counting against the account of the domain the calling code runs in. */
final class ContextThreads implements KernelThreads {
    private final Hypercalls host;
    private final Account fallback;

    ContextThreads(Hypercalls host, Account fallback) {
        this.host = host;
        this.fallback = fallback;
    }

    private Account account() {
        Account a = ExecutionContext.current();
        return a == null ? fallback : a;
    }

    @Override
    public Thread spawn(String name, boolean virtual, Runnable body) {
        Account a = account();
        a.takeThread(name);
        try {
            return host.spawn(a.name() + "/" + name, virtual, () -> {
                Account prev = ExecutionContext.enter(a);
                try {
                    body.run();
                } catch (RuntimeException | Error e) {
                    a.threadDied(name, e); // detection: the supervisor decides (a restart, by policy)
                    throw e;
                } finally {
                    ExecutionContext.exit(prev);
                    a.giveThread();
                }
            });
        } catch (RuntimeException | Error e) {
            a.giveThread();
            throw e;
        }
    }

    @Override
    public int running() {
        return account().threads();
    }
}
