package org.anykernel.base.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.junit.jupiter.api.Test;

/** Quotas: memory past the quota is ENOMEM with nothing charged; threads past theirs are EAGAIN. */
class AccountTest {

    @Test
    void memoryPastTheQuotaIsENOMEMAndChargesNothing() {
        Account a = new Account("d", 100);
        ContextMemory mem = new ContextMemory(a);
        mem.charge(60);
        KernelException e = assertThrows(KernelException.class, () -> mem.allocate(41));
        assertEquals(Errno.ENOMEM, e.errno());
        assertTrue(e.getMessage().contains("domain d"), e.getMessage());
        assertEquals(60, a.used());
        mem.release(60);
        assertEquals(100, mem.allocate(100).length);
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class, () -> mem.charge(-1)).errno());
    }

    @Test
    void codeInADomainChargesThatDomain() {
        Account global = new Account("global", Long.MAX_VALUE);
        Account domain = new Account("d", 1000);
        ContextMemory mem = new ContextMemory(global);
        Account prev = ExecutionContext.enter(domain);
        try {
            mem.charge(10);
            assertEquals("d", mem.domain());
        } finally {
            ExecutionContext.exit(prev);
        }
        mem.charge(5);
        assertEquals(10, domain.used());
        assertEquals(5, global.used());
    }

    @Test
    void threadsPastTheQuotaAreEAGAINAndCountedUntilTheyEnd() throws Exception {
        Account a = new Account("d", 1000);
        a.setThreadsMax(1);
        ContextThreads threads = new ContextThreads(new JvmHypercalls(System.out), a);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch charged = new CountDownLatch(1);
        ContextMemory mem = new ContextMemory(new Account("other", 0));
        Thread t = threads.spawn("worker", true, () -> {
            mem.charge(7);
            charged.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(charged.await(5, TimeUnit.SECONDS));
        assertEquals(7, a.used(), "a kernel thread runs in the domain that spawned it");
        assertTrue(t.isVirtual());
        assertEquals(Errno.EAGAIN, assertThrows(KernelException.class, () -> threads.spawn("second", true, () -> { })).errno());
        release.countDown();
        t.join(5000);
        assertEquals(0, a.threads());
        threads.spawn("third", false, () -> { }).join(5000);
    }
}
