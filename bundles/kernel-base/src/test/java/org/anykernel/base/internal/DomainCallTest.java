package org.anykernel.base.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.anykernel.base.api.DomainDescriptor;
import org.anykernel.base.api.DomainState;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.FaultSpec;
import org.anykernel.base.api.Grant;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Placement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.ServiceObjects;
import org.osgi.framework.ServiceReference;

/** The call paths of a domain, outside OSGi: direct, hand-off and migrating, with faults and deadlines. */
class DomainCallTest {

    /** What the test driver offers. */
    public interface Echo {
        int fill(byte[] buf, int value);

        String thread();

        void boom();

        void sleep(long millis);

        byte[] kept();

        @org.anykernel.base.api.Idempotent
        int again(int x);

        int once(int x);

        int fillGrant(Grant g, int value);

        void lateFill(Grant g, long millis);
    }

    static final class EchoDriver implements Echo {
        volatile byte[] kept;
        final CountDownLatch entered = new CountDownLatch(1);

        @Override
        public int fill(byte[] buf, int value) {
            java.util.Arrays.fill(buf, (byte) value);
            kept = buf;
            return buf.length;
        }

        @Override
        public String thread() {
            return Thread.currentThread().getName();
        }

        @Override
        public void boom() {
            throw new NullPointerException("driver bug");
        }

        /** Set when a {@link #sleep} ran to its end. */
        volatile boolean slept;

        @Override
        public void sleep(long millis) {
            entered.countDown();
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                throw new IllegalStateException("interrupted");
            }
            slept = true;
        }

        @Override
        public byte[] kept() {
            return kept;
        }

        @Override
        public int again(int x) {
            return x + 1;
        }

        @Override
        public int once(int x) {
            return x + 2;
        }

        volatile Grant grant;
        final CountDownLatch lateDone = new CountDownLatch(1);
        volatile Throwable lateError;

        @Override
        public int fillGrant(Grant g, int value) {
            grant = g;
            g.fill(0, g.length(), (byte) value);
            return g.length();
        }

        @Override
        public void lateFill(Grant g, long millis) {
            grant = g;
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                g.fill(0, g.length(), (byte) 1);
            } catch (Throwable t) {
                lateError = t;
            }
            lateDone.countDown();
        }
    }

    private final EventLog events = new EventLog(null);
    private final Supervisor supervisor = new Supervisor(events);
    private final JvmHypercalls host = new JvmHypercalls(System.out);
    private Domain domain;

    @AfterEach
    void close() {
        if (domain != null) {
            domain.close();
        }
        supervisor.close();
    }

    private Echo front(DomainDescriptor d, EchoDriver driver) {
        domain = new Domain(d, host, supervisor);
        Front f = new Front(new Front.Key("echo", "echo", List.of(Echo.class.getName())), Echo.class.getClassLoader(),
                new Class<?>[] {Echo.class}, domain);
        f.setRaw(null, new ServiceObjects<Object>() {
            @Override
            public Object getService() {
                return driver;
            }

            @Override
            public void ungetService(Object service) {
            }

            @Override
            public ServiceReference<Object> getServiceReference() {
                return null;
            }
        }, Map.of());
        f.acquireTarget();
        domain.fronts().add(f);
        return (Echo) f.proxy();
    }

    private static DomainDescriptor colocated() {
        return isolated(DomainDescriptor.Ipc.HANDOFF, 2000).withPlacement(Placement.COLOCATED);
    }

    private static DomainDescriptor isolated(DomainDescriptor.Ipc ipc, long watchdog) {
        DomainDescriptor d = DomainDescriptor.defaults("d", Placement.ISOLATED);
        return new DomainDescriptor("d", Placement.ISOLATED, List.of(), 1, d.memoryQuota(), d.threadsMax(), List.of(),
                DomainDescriptor.RestartPolicy.NEVER, 3, 10, watchdog, 1000, ipc);
    }

    @Test
    void colocatedRunsOnTheCallersThreadWithoutCopies() {
        EchoDriver driver = new EchoDriver();
        Echo e = front(colocated(), driver);
        assertEquals(Thread.currentThread().getName(), e.thread());
        byte[] buf = new byte[4];
        e.fill(buf, 7);
        assertTrue(driver.kept == buf, "colocated passes the caller's array itself");
    }

    @Test
    void isolatedRunsOnTheDomainsThreadsAndNeverAliasesTheCallersMemory() {
        EchoDriver driver = new EchoDriver();
        Echo e = front(isolated(DomainDescriptor.Ipc.HANDOFF, 2000), driver);
        assertTrue(e.thread().startsWith("anyk-d-"), "runs on a domain thread, not " + e.thread());
        byte[] buf = new byte[4];
        assertEquals(4, e.fill(buf, 9));
        assertArrayEquals(new byte[] {9, 9, 9, 9}, buf, "what the driver wrote is copied out");
        assertTrue(driver.kept != buf, "the driver got a copy");
        driver.kept[0] = 1;
        assertEquals(9, buf[0], "the driver's later writes do not reach the caller");
        byte[] returned = e.kept();
        returned[1] = 5;
        assertEquals(9, driver.kept[1], "a returned array is a copy too");
    }

    @Test
    void migratingCallStaysOnTheCallersThreadButCopies() {
        EchoDriver driver = new EchoDriver();
        Echo e = front(isolated(DomainDescriptor.Ipc.MIGRATE, 2000), driver);
        assertEquals(Thread.currentThread().getName(), e.thread());
        byte[] buf = new byte[2];
        e.fill(buf, 3);
        assertTrue(driver.kept != buf);
        assertArrayEquals(new byte[] {3, 3}, buf);
    }

    @Test
    void aGrantCrossesAndTheDriverWritesTheCallersBufferInPlaceInEveryPath() {
        for (DomainDescriptor d : List.of(colocated(), isolated(DomainDescriptor.Ipc.HANDOFF, 2000),
                isolated(DomainDescriptor.Ipc.MIGRATE, 2000))) {
            EchoDriver driver = new EchoDriver();
            Echo e = front(d, driver);
            byte[] buf = new byte[6];
            try (Grant g = Grant.lend(buf, 1, 4, true)) {
                assertEquals(4, e.fillGrant(g, 3));
                // colocated: the grant itself; isolated: a view of it for this attempt (the same bytes, revocable alone)
                assertTrue(d.placement() != Placement.COLOCATED || driver.grant == g, d.toString());
                assertTrue(!driver.grant.revoked(), "lent until the call returns to its caller");
            }
            assertTrue(driver.grant.revoked(), "the caller's close revoked what the driver held");
            assertArrayEquals(new byte[] {0, 3, 3, 3, 3, 0}, buf, d.toString());
            // an injected corruption flips the middle byte of the window, as it does an array's
            domain.fronts().iterator().next().setFault(new FaultSpec(FaultSpec.Kind.CORRUPT, 0, 0, "fillGrant"));
            try (Grant g = Grant.lend(buf, 1, 4, true)) {
                e.fillGrant(g, 7);
            }
            assertArrayEquals(new byte[] {0, 7, 7, (byte) (7 ^ 0xFF), 7, 0}, buf, d.toString());
            domain.close();
            domain = null;
        }
    }

    @Test
    void aHandOffCallGivenUpOnLosesItsGrantBeforeItsCallerReturns() throws Exception {
        EchoDriver driver = new EchoDriver();
        Echo e = front(isolated(DomainDescriptor.Ipc.HANDOFF, 100), driver);
        byte[] buf = new byte[64];
        Grant g = Grant.lend(buf, 0, buf.length, true);
        KernelException ex = assertThrows(KernelException.class, () -> e.lateFill(g, 400));
        assertEquals(Errno.ETIMEDOUT, ex.errno());
        assertTrue(g.revoked(), "revoked by the domain when it gave up, without the caller's close");
        assertTrue(driver.lateDone.await(5, TimeUnit.SECONDS));
        assertTrue(driver.lateError instanceof KernelException ke && ke.errno() == Errno.EFAULT,
                String.valueOf(driver.lateError));
        assertArrayEquals(new byte[64], buf, "the driver's late write did not reach the caller");
    }

    /** A live update's drain: it waits for the calls on the old threads (bounded), and new calls take fresh threads. */
    @Test
    void aPlannedStopWaitsForTheCallsOnTheOldThreadsBoundedAndNewCallsTakeFreshOnes() throws Exception {
        EchoDriver driver = new EchoDriver();
        Echo e = front(isolated(DomainDescriptor.Ipc.HANDOFF, 10_000), driver);
        String before = e.thread();
        java.util.concurrent.CompletableFuture<Void> slow = java.util.concurrent.CompletableFuture.runAsync(
                () -> e.sleep(300));
        assertTrue(driver.entered.await(5, TimeUnit.SECONDS));
        assertTrue(domain.drainThreads(domain.freshMode(), 5000));
        assertTrue(driver.slept, "the call running on the old threads finished before the drain returned");
        slow.get(5, TimeUnit.SECONDS);
        String after = e.thread();
        assertTrue(after.startsWith("anyk-d-") && !after.equals(before), before + " then " + after);

        EchoDriver hung = new EchoDriver();
        domain.close();
        Echo h = front(isolated(DomainDescriptor.Ipc.HANDOFF, 10_000), hung);
        java.util.concurrent.CompletableFuture.runAsync(() -> h.sleep(3000));
        assertTrue(hung.entered.await(5, TimeUnit.SECONDS));
        assertFalse(domain.drainThreads(domain.freshMode(), 100), "a call still running past the bound");
        assertFalse(hung.slept);
        assertEquals(7, h.again(6), "the fresh threads serve meanwhile");
    }

    @Test
    void aDriverExceptionIsEIOForTheCallerInEveryPlacement() {
        for (DomainDescriptor d : List.of(colocated(),
                isolated(DomainDescriptor.Ipc.HANDOFF, 2000), isolated(DomainDescriptor.Ipc.MIGRATE, 2000))) {
            Echo e = front(d, new EchoDriver());
            KernelException ex = assertThrows(KernelException.class, e::boom);
            assertEquals(Errno.EIO, ex.errno(), d.placement() + "/" + d.ipc());
            assertTrue(ex.getMessage().contains("driver bug"), ex.getMessage());
            assertEquals(1, domain.stats().snapshot("d").faults());
            assertEquals(4, e.fill(new byte[4], 1), "the domain keeps serving");
            domain.close();
        }
    }

    @Test
    void aHungHandOffCallIsETIMEDOUTAndMarksTheDomainHung() throws Exception {
        EchoDriver driver = new EchoDriver();
        Echo e = front(isolated(DomainDescriptor.Ipc.HANDOFF, 100), driver);
        long t0 = System.nanoTime();
        KernelException ex = assertThrows(KernelException.class, () -> e.sleep(60_000));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(Errno.ETIMEDOUT, ex.errno());
        assertTrue(ms >= 100 && ms < 5000, "returned after the deadline, in " + ms + " ms");
        assertEquals(DomainState.HUNG, domain.state());
    }

    @Test
    void aHungMigratingCallIsInterruptedByTheWatchdog() {
        Echo e = front(isolated(DomainDescriptor.Ipc.MIGRATE, 100), new EchoDriver());
        supervisorWatching();
        KernelException ex = assertThrows(KernelException.class, () -> e.sleep(60_000));
        assertEquals(Errno.ETIMEDOUT, ex.errno());
        assertEquals(DomainState.HUNG, domain.state());
    }

    private void supervisorWatching() {
        supervisor.watch(() -> List.of(domain));
    }

    @Test
    void injectedFaultsActInsideTheDomain() {
        EchoDriver driver = new EchoDriver();
        Echo e = front(isolated(DomainDescriptor.Ipc.HANDOFF, 2000), driver);
        Front f = domain.fronts().iterator().next();
        f.setFault(FaultSpec.once(FaultSpec.Kind.CRASH));
        assertEquals(Errno.EIO, assertThrows(KernelException.class, e::thread).errno());
        assertTrue(e.thread().startsWith("anyk-d-"), "the plan was for one call only");
        f.setFault(new FaultSpec(FaultSpec.Kind.ERROR, 2, 0, "thread"));
        e.thread();
        assertEquals(Errno.EIO, assertThrows(KernelException.class, e::thread).errno());
        e.thread();
        assertEquals(2, domain.stats().snapshot("d").faults());
    }

    @Test
    void anInjectedAllocationPastTheQuotaFailsTheCallWithEnomemInEveryPath() {
        for (DomainDescriptor d : List.of(colocated(), isolated(DomainDescriptor.Ipc.HANDOFF, 2000),
                isolated(DomainDescriptor.Ipc.MIGRATE, 2000))) {
            Echo e = front(d, new EchoDriver());
            Front f = domain.fronts().iterator().next();
            f.setFault(new FaultSpec(FaultSpec.Kind.ALLOCATE, 0, 0, "again"));
            KernelException ex = assertThrows(KernelException.class, () -> e.again(1), d.toString());
            assertEquals(Errno.ENOMEM, ex.errno(), ex.getMessage());
            assertEquals(3, e.again(2), "the plan was for one call only");
            assertEquals(0, domain.stats().snapshot("d").faults(), "a full domain is not a faulty one");
            domain.close();
            domain = null;
        }
    }

    @Test
    void anInjectedCorruptionFlipsTheBytesTheDriverReturnsInEveryPath() {
        for (DomainDescriptor d : List.of(colocated(), isolated(DomainDescriptor.Ipc.HANDOFF, 2000),
                isolated(DomainDescriptor.Ipc.MIGRATE, 2000))) {
            Echo e = front(d, new EchoDriver());
            Front f = domain.fronts().iterator().next();
            f.setFault(new FaultSpec(FaultSpec.Kind.CORRUPT, 0, 0, "fill"));
            byte[] buf = new byte[8];
            assertEquals(8, e.fill(buf, 7));
            assertArrayEquals(new byte[] {7, 7, 7, 7, (byte) (7 ^ 0xFF), 7, 7, 7}, buf, d.toString());
            e.fill(buf, 7);
            assertArrayEquals(new byte[] {7, 7, 7, 7, 7, 7, 7, 7}, buf, "the plan was for one call only");
            domain.close();
            domain = null;
        }
    }

    @Test
    void rePlacementSwitchesThePathWhileCallsGoOn() throws Exception {
        EchoDriver driver = new EchoDriver();
        Echo e = front(colocated(), driver);
        String me = Thread.currentThread().getName();
        assertEquals(me, e.thread());
        domain.apply(isolated(DomainDescriptor.Ipc.HANDOFF, 2000));
        assertNotEquals(me, e.thread());
        domain.apply(colocated());
        assertEquals(me, e.thread());
    }

    @Test
    void queuedIdempotentCallsAreReplayedAfterARestartAndOthersFail() throws Exception {
        EchoDriver driver = new EchoDriver();
        Echo e = front(isolated(DomainDescriptor.Ipc.HANDOFF, 10_000), driver);
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            java.util.concurrent.Future<?> hung = callers.submit(() -> e.sleep(60_000));
            assertTrue(driver.entered.await(5, TimeUnit.SECONDS), "the only vCPU is busy");
            java.util.concurrent.Future<Integer> again = callers.submit(() -> e.again(41));
            java.util.concurrent.Future<Integer> once = callers.submit(() -> e.once(40));
            Thread.sleep(200); // both are queued behind the hung call
            domain.resetThreads("test restart");
            java.util.concurrent.ExecutionException ex = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> once.get(5, TimeUnit.SECONDS));
            assertEquals(Errno.EIO, ((KernelException) ex.getCause()).errno(), "any other call fails at once");
            Thread.sleep(100);
            assertFalse(again.isDone(), "an idempotent call waits for the restart to be over");
            domain.replayCrashed("test restart over");
            assertEquals(42, again.get(5, TimeUnit.SECONDS), "then runs again on the new threads");
            assertThrows(java.util.concurrent.ExecutionException.class, () -> hung.get(5, TimeUnit.SECONDS));
            assertEquals(1, domain.stats().replayedCount());
        } finally {
            callers.shutdownNow();
        }
    }
}
