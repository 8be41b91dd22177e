package org.anykernel.itests;

import java.util.function.BooleanSupplier;

/** Bounded waiting for the kernel's asynchronous work (restarts, configuration). */
final class Await {
    private Await() {
    }

    /** Waits until {@code condition} holds, at most {@code millis}; fails the test naming {@code what}. */
    static void until(String what, long millis, BooleanSupplier condition) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + millis + " ms waiting for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}
