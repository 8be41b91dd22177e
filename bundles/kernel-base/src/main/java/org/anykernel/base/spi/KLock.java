package org.anykernel.base.spi;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;

/**
 * A kernel lock whose every wait is bounded: {@link #lock} fails with {@code ETIMEDOUT} instead of
 * blocking forever, and conditions wait with a deadline. Named, so that a timeout says which lock.
 */
public final class KLock {
    private final String name;
    private final ReentrantLock lock = new ReentrantLock();

    public KLock(String name) {
        this.name = name;
    }

    /** Takes the lock within {@code millis}, or throws {@code ETIMEDOUT}; {@code EINTR} if interrupted. */
    public void lock(long millis) {
        try {
            if (!lock.tryLock(millis, TimeUnit.MILLISECONDS)) {
                throw new KernelException(Errno.ETIMEDOUT, "lock " + name, "not acquired within " + millis + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KernelException(Errno.EINTR, "lock " + name, "interrupted");
        }
    }

    public void unlock() {
        lock.unlock();
    }

    /** A condition variable of this lock. */
    public KCondition newCondition() {
        return new KCondition(name, lock.newCondition());
    }

    /** A condition variable with bounded waits. */
    public static final class KCondition {
        private final String name;
        private final Condition condition;

        KCondition(String name, Condition condition) {
            this.name = name;
            this.condition = condition;
        }

        /** Waits at most {@code millis}; returns false on timeout. {@code EINTR} if interrupted. */
        public boolean await(long millis) {
            try {
                return condition.await(millis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KernelException(Errno.EINTR, "condition of " + name, "interrupted");
            }
        }

        public void signal() {
            condition.signal();
        }

        public void signalAll() {
            condition.signalAll();
        }
    }
}
