package org.anykernel.base.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

class GrantTest {

    @Test
    void accessesLandInTheLentWindowOfTheCallersArray() {
        byte[] caller = new byte[10];
        try (Grant g = Grant.lend(caller, 3, 5, true)) {
            assertEquals(5, g.length());
            g.put(1, new byte[] {9, 8, 7}, 1, 2);
            g.fill(3, 2, (byte) 4);
            byte[] back = new byte[5];
            g.get(0, back, 0, 5);
            assertArrayEquals(new byte[] {0, 8, 7, 4, 4}, back);
        }
        assertArrayEquals(new byte[] {0, 0, 0, 0, 8, 7, 4, 4, 0, 0}, caller, "in place, nothing outside the window");
    }

    @Test
    void accessesOutsideTheWindowOrWritesIntoAReadOnlyOneAreEfaultAndChangeNothing() {
        byte[] caller = new byte[8];
        Grant g = Grant.lend(caller, 2, 4, true);
        for (Runnable r : new Runnable[] {
                () -> g.put(3, new byte[2], 0, 2), () -> g.put(-1, new byte[1], 0, 1), () -> g.fill(0, 5, (byte) 1),
                () -> g.get(4, new byte[1], 0, 1), () -> g.put(0, new byte[1], 0, -1)}) {
            KernelException e = assertThrows(KernelException.class, r::run);
            assertEquals(Errno.EFAULT, e.errno());
            assertTrue(e.getMessage().contains("outside a window of 4 bytes"), e.getMessage());
        }
        Grant ro = Grant.lend(caller, 0, 8, false);
        KernelException e = assertThrows(KernelException.class, () -> ro.put(0, new byte[] {1}, 0, 1));
        assertEquals(Errno.EFAULT, e.errno());
        assertTrue(e.getMessage().contains("read-only"), e.getMessage());
        assertArrayEquals(new byte[8], caller);
        assertEquals(Errno.EFAULT, assertThrows(KernelException.class, () -> Grant.lend(caller, 5, 4, true)).errno());
        assertEquals(Errno.EFAULT, assertThrows(KernelException.class, () -> Grant.wrap(null, 0, 0, true)).errno());
    }

    @Test
    void afterRevokeEveryAccessIsEfaultAndTheArrayStaysAsItWas() {
        byte[] caller = new byte[4];
        Grant g = Grant.lend(caller, 0, 4, true);
        g.put(0, new byte[] {1}, 0, 1);
        g.revoke();
        assertTrue(g.revoked());
        KernelException e = assertThrows(KernelException.class, () -> g.put(1, new byte[] {2}, 0, 1));
        assertEquals(Errno.EFAULT, e.errno());
        assertTrue(e.getMessage().contains("taken back"), e.getMessage());
        assertEquals(Errno.EFAULT, assertThrows(KernelException.class, () -> g.get(0, new byte[1], 0, 1)).errno());
        assertArrayEquals(new byte[] {1, 0, 0, 0}, caller);
        g.revoke(); // idempotent
    }

    /** Views: one per attempt of a call, cut off alone ({@code renew}) or with the grant they were made of. */
    @Test
    void aViewWritesTheSameWindowAndIsCutOffAloneOrWithItsGrant() {
        byte[] caller = new byte[4];
        Grant g = Grant.lend(caller, 0, 4, true);
        Grant first = g.view();
        first.put(0, new byte[] {1}, 0, 1);
        Grant second = first.renew();
        assertTrue(first.revoked() && !second.revoked() && !g.revoked());
        assertEquals(Errno.EFAULT, assertThrows(KernelException.class, () -> first.put(1, new byte[] {9}, 0, 1)).errno(),
                "the abandoned attempt writes nothing more");
        second.put(1, new byte[] {2}, 0, 1);
        assertArrayEquals(new byte[] {1, 2, 0, 0}, caller);
        g.revoke();
        assertTrue(second.revoked(), "revoking the grant revokes its views");
        assertTrue(g.view().revoked(), "a view of a revoked grant is revoked");
        assertTrue(g.renew() == g, "a grant that is no view renews as itself");
        Grant own = Grant.wrap(caller, 0, 4, true);
        assertTrue(own.view() == own);
    }

    @Test
    void aWrappedArrayIsNeverRevoked() {
        byte[] own = new byte[2];
        Grant g = Grant.wrap(own, 0, 2, true);
        g.close();
        assertFalse(g.revoked());
        g.put(0, new byte[] {5, 6}, 0, 2);
        assertArrayEquals(new byte[] {5, 6}, own);
    }

    /**
     * A driver thread writes into the window without pause while the lender revokes it: once {@code revoke} has
     * returned, not one more byte of the array changes, and the writer sees {@code EFAULT}.
     */
    @Test
    void revokeWaitsForTheCopyUnderWayAndNothingLandsAfterIt() throws Exception {
        for (int round = 0; round < 20; round++) {
            byte[] caller = new byte[1 << 20];
            Grant g = Grant.lend(caller, 0, caller.length, true);
            byte[] src = new byte[caller.length];
            AtomicLong writes = new AtomicLong();
            AtomicReference<Throwable> end = new AtomicReference<>();
            CountDownLatch writing = new CountDownLatch(1);
            Thread driver = new Thread(() -> {
                try {
                    for (byte v = 1; ; v++) {
                        Arrays.fill(src, v);
                        g.put(0, src, 0, src.length);
                        writes.incrementAndGet();
                        writing.countDown();
                    }
                } catch (Throwable t) {
                    end.set(t);
                }
            });
            driver.start();
            assertTrue(writing.await(10, TimeUnit.SECONDS));
            g.revoke();
            byte[] atRevoke = caller.clone();
            driver.join(10_000);
            assertFalse(driver.isAlive());
            assertTrue(end.get() instanceof KernelException ke && ke.errno() == Errno.EFAULT, String.valueOf(end.get()));
            assertArrayEquals(atRevoke, caller, "round " + round + ": the array changed after revoke returned");
            for (byte x : atRevoke) {
                assertEquals(atRevoke[0], x, "revoke returned in the middle of a copy");
            }
            assertTrue(writes.get() > 0);
        }
    }
}
