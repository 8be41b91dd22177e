package org.anykernel.base.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Method;
import java.util.concurrent.locks.LockSupport;

/**
 * One call handed to a domain's thread. The caller spins briefly, then parks; the worker unparks it only
 * if it parked, so the common fast case costs no wake-up.
 */
final class Call {
    static final int WAITING = 0;
    static final int PARKED = 1;
    static final int RUNNING = 2;
    static final int DONE = 3;
    static final int CANCELLED = 4;

    private static final VarHandle STATE;
    private static final VarHandle STARTED;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Call.class, "state", int.class);
            STARTED = MethodHandles.lookup().findVarHandle(Call.class, "started", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Front front;
    /** The driver object, or null when the call is replayed after a restart and takes the new one. */
    volatile Object target;
    final Method method;
    final Object[] args;
    final Thread caller;
    private volatile int state;
    private volatile boolean started;
    /** The threads it was handed to (a restart replaces them: then the call was abandoned). */
    volatile HandOffExecutor executor;
    /** Time added to the caller's deadline: a replayed call waits for the restart too. */
    private volatile long graceNanos;
    Object result;
    Throwable error;

    Call(Front front, Object target, Method method, Object[] args) {
        this.front = front;
        this.target = target;
        this.method = method;
        this.args = args;
        this.caller = Thread.currentThread();
    }

    /** Gives the caller {@code nanos} more to wait (a replay after a restart). */
    void extend(long nanos) {
        graceNanos += nanos;
    }

    /** Makes a claimed call claimable again, for a replay on new threads. */
    void restart() {
        STARTED.setVolatile(this, false);
    }

    /** Worker side: claims the call; false if the caller gave up on it. */
    boolean start() {
        if (state == CANCELLED) {
            return false;
        }
        STARTED.setVolatile(this, true);
        return state != CANCELLED;
    }

    boolean wasStarted() {
        return started;
    }

    /** Worker side: publishes the outcome and wakes the caller if it parked. */
    void complete(Object result, Throwable error) {
        this.result = result;
        this.error = error;
        int prev = (int) STATE.getAndSet(this, DONE);
        if (prev == PARKED) {
            LockSupport.unpark(caller);
        }
    }

    /**
     * Caller side: waits until done or {@code deadline} (nanoTime); spins for {@code spinNanos} first.
     *
     * @return true when done; false on timeout, in which case the call is cancelled if it had not started
     */
    boolean await(long deadline, long spinNanos) {
        long spinEnd = System.nanoTime() + spinNanos;
        for (int i = 1; state == WAITING; i++) {
            if ((i & 63) == 0 && System.nanoTime() > spinEnd) {
                break;
            }
            Thread.onSpinWait();
        }
        if (state == DONE) {
            return true;
        }
        if (!STATE.compareAndSet(this, WAITING, PARKED) && state == DONE) {
            return true;
        }
        while (state != DONE) {
            long left = deadline + graceNanos - System.nanoTime();
            if (left <= 0) {
                STATE.compareAndSet(this, PARKED, CANCELLED);
                return state == DONE;
            }
            LockSupport.parkNanos(this, left);
        }
        return true;
    }
}
