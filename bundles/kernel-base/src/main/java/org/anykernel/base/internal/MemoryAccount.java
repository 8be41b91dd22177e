package org.anykernel.base.internal;

import java.util.concurrent.atomic.AtomicLong;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;

/** Kernel-buffer bytes charged to one domain (or library kernel), against its quota. */
final class MemoryAccount {
    private final String name;
    private final AtomicLong used = new AtomicLong();
    private volatile long quota;

    MemoryAccount(String name, long quota) {
        this.name = name;
        this.quota = quota;
    }

    String name() {
        return name;
    }

    long used() {
        return used.get();
    }

    long quota() {
        return quota;
    }

    void setQuota(long quota) {
        this.quota = quota;
    }

    void charge(long bytes) {
        if (bytes < 0) {
            throw new KernelException(Errno.EINVAL, "charge", "negative size " + bytes);
        }
        long q = quota;
        long now;
        do {
            now = used.get();
            if (now + bytes > q) {
                throw new KernelException(Errno.ENOMEM, "domain " + name,
                        "memory quota of " + q + " bytes exceeded (" + now + " used, " + bytes + " asked)");
            }
        } while (!used.compareAndSet(now, now + bytes));
    }

    void release(long bytes) {
        used.addAndGet(-Math.min(bytes, used.get()));
    }
}
