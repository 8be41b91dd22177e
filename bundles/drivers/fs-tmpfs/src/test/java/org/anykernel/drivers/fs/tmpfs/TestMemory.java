package org.anykernel.drivers.fs.tmpfs;

import java.util.concurrent.atomic.AtomicLong;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.spi.KernelMemory;

/** Kernel memory with a quota, as kernel-base accounts a domain: ENOMEM past it, and a release below 0 is a bug. */
final class TestMemory implements KernelMemory {
    private final long quota;
    private final AtomicLong used = new AtomicLong();

    TestMemory(long quota) {
        this.quota = quota;
    }

    @Override
    public void charge(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative charge " + bytes);
        }
        long cur;
        do {
            cur = used.get();
            if (cur + bytes > quota) {
                throw new KernelException(Errno.ENOMEM, "domain test", "quota of " + quota + " bytes exceeded");
            }
        } while (!used.compareAndSet(cur, cur + bytes));
    }

    @Override
    public void release(long bytes) {
        if (bytes < 0 || used.addAndGet(-bytes) < 0) {
            throw new IllegalStateException("released more than charged: " + bytes);
        }
    }

    @Override
    public long used() {
        return used.get();
    }

    @Override
    public long quota() {
        return quota;
    }

    @Override
    public String domain() {
        return "test";
    }
}
