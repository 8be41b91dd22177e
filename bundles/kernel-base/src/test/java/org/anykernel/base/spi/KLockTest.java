package org.anykernel.base.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.junit.jupiter.api.Test;

/** Every wait of a kernel lock is bounded. */
class KLockTest {

    @Test
    void aHeldLockIsETIMEDOUTNamingTheLock() throws Exception {
        KLock lock = new KLock("vnode 7");
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            lock.lock(1000);
            held.countDown();
            try {
                done.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        });
        holder.start();
        assertTrue(held.await(5, TimeUnit.SECONDS));
        KernelException e = assertThrows(KernelException.class, () -> lock.lock(50));
        assertEquals(Errno.ETIMEDOUT, e.errno());
        assertTrue(e.getMessage().contains("vnode 7"), e.getMessage());
        done.countDown();
        holder.join(5000);
        lock.lock(1000);
        lock.unlock();
    }

    @Test
    void conditionsWaitWithADeadlineAndWakeOnSignal() throws Exception {
        KLock lock = new KLock("queue");
        KLock.KCondition ready = lock.newCondition();
        lock.lock(1000);
        try {
            assertFalse(ready.await(20), "nobody signalled: the wait ends at its deadline");
        } finally {
            lock.unlock();
        }
        Thread signaller = new Thread(() -> {
            lock.lock(1000);
            try {
                ready.signalAll();
            } finally {
                lock.unlock();
            }
        });
        lock.lock(1000);
        try {
            signaller.start();
            assertTrue(ready.await(5000));
        } finally {
            lock.unlock();
        }
        signaller.join(5000);
    }

    @Test
    void anInterruptedWaitIsEINTR() {
        KLock lock = new KLock("x");
        KLock.KCondition c = lock.newCondition();
        lock.lock(1000);
        try {
            Thread.currentThread().interrupt();
            assertEquals(Errno.EINTR, assertThrows(KernelException.class, () -> c.await(1000)).errno());
            assertTrue(Thread.interrupted(), "the interrupt status is kept");
        } finally {
            lock.unlock();
        }
    }
}
