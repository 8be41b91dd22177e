package org.anykernel.hw.internal;

/**
 * What a {@link SimNic} is plugged into: an in-JVM switch ({@link EthSwitch}), a shared-memory bus file
 * ({@link ShmBus}) or a UDP tunnel ({@link UdpTunnel}).
 *
 * <p>A wire delivers a frame to an attached NIC with {@link SimNic#fromWire(byte[])}, giving each NIC its own array
 * (the NIC hands it to its driver, which may change it), and never back to the NIC that sent it.
 */
interface Wire {

    /** Plugs {@code nic} in; from now on it may receive frames. */
    void attach(SimNic nic);

    /** Unplugs {@code nic}; it receives nothing more. Idempotent. */
    void detach(SimNic nic);

    /**
     * Carries {@code frame} (which the wire now owns) from {@code from} to the other NICs.
     *
     * @return false if the wire could not take it (an I/O error of the backend, counted by the caller)
     */
    boolean send(SimNic from, byte[] frame);

    /** The backend as configuration text ({@code switch:sw0}). */
    String describe();

    /**
     * Reads what has arrived for this JVM's NICs, on the calling thread (a NIC's driver waiting for a frame), if the
     * wire is one that is polled rather than one that delivers on the sender's thread. Returns at once when another
     * thread is reading the wire.
     *
     * @return whether frames were delivered
     */
    default boolean poll() {
        return false;
    }

    /**
     * How long, from now, a receiver waiting on this wire should spin ({@link #poll} in the loop) before it parks;
     * {@code dflt} for a wire that delivers by itself.
     */
    default long spinNanos(long dflt) {
        return dflt;
    }

    /** A receiver starts spinning on {@link #poll}: meanwhile the wire's own reader may rest. */
    default void spinStart() {
    }

    /** The receiver stops spinning: it got a frame, or it is about to park ({@code parks}: the wire's reader takes over). */
    default void spinEnd(boolean parks) {
    }
}
