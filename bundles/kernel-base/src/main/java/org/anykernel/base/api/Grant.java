package org.anykernel.base.api;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * A window on a caller's byte array, lent to a driver for one call: how a large buffer crosses into an isolated
 * domain without a copy (an L4 or HongMeng grant). The driver reads or writes the caller's bytes in place through
 * {@link #get}, {@link #put} and {@link #fill}; the lender takes the window back with {@link #revoke} (or
 * {@link #close}) when the call is over, and a domain that gives up on a call (its watchdog fired) revokes the grants
 * the call carried. Once {@code revoke} has returned no access is under way and every later one fails with
 * {@code EFAULT}: a driver that keeps the grant past its call can never write into memory its caller has moved on
 * with. Copies of an isolated call's byte arrays give the same safety for a copy in and a copy out each.
 *
 * <p>Accesses are checked against the window ({@code EFAULT} outside it, or a {@code put} into a read-only one).
 * A grant made with {@link #wrap} (a driver's own array in the grant form) is never revoked and costs no more than
 * a bounds check per access; one made with {@link #lend} costs two atomic updates per access more. An isolated
 * domain hands each attempt of a call a {@link #view} of the caller's grant, so that an attempt abandoned by a restart
 * (its thread hung in the driver) cannot write into the window while the call runs again elsewhere.
 */
public final class Grant implements AutoCloseable {
    private static final VarHandle STATE;
    /** Bit of {@link #state} set once revoked; the bits below it count the accesses under way. */
    private static final int REVOKED = 1 << 30;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Grant.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final byte[] array;
    private final int offset;
    private final int length;
    private final boolean writable;
    private final boolean revocable;
    /** The grant this is a view of ({@link #view}), or null. */
    private final Grant parent;
    /** The views made of this grant, newest first (guarded by {@code this}): revoked with it. */
    private Grant views;
    private Grant nextView;
    @SuppressWarnings("unused") // through STATE
    private volatile int state;

    private Grant(byte[] array, int offset, int length, boolean writable, boolean revocable) {
        this(array, offset, length, writable, revocable, null);
    }

    private Grant(byte[] array, int offset, int length, boolean writable, boolean revocable, Grant parent) {
        this.parent = parent;
        if (array == null) {
            throw new KernelException(Errno.EFAULT, "grant", "no buffer");
        }
        if (offset < 0 || length < 0 || offset > array.length - length) {
            throw new KernelException(Errno.EFAULT, "grant", "window " + offset + "+" + length
                    + " outside a buffer of " + array.length + " bytes");
        }
        this.array = array;
        this.offset = offset;
        this.length = length;
        this.writable = writable;
        this.revocable = revocable;
    }

    /**
     * Lends {@code array[off..off+len)} for one call, writable (the callee fills it: a read) or not (the callee
     * takes its bytes: a write); the lender revokes it when the call returns.
     */
    public static Grant lend(byte[] array, int off, int len, boolean writable) {
        return new Grant(array, off, len, writable, true);
    }

    /** The grant form of an array its holder keeps for itself: never revoked ({@link #revoke} does nothing). */
    public static Grant wrap(byte[] array, int off, int len, boolean writable) {
        return new Grant(array, off, len, writable, false);
    }

    /**
     * A view of this window for one attempt of a call (the kernel's hand-off path gives each attempt its own): the
     * same bytes, revoked on its own ({@link #renew}, when an attempt is abandoned and the call runs again elsewhere)
     * or with this grant. A grant made with {@link #wrap} is its own view.
     */
    public Grant view() {
        if (!revocable) {
            return this;
        }
        Grant v = new Grant(array, offset, length, writable, true, this);
        synchronized (this) {
            v.nextView = views;
            views = v;
        }
        if (revoked()) {
            v.revoke(); // revoked meanwhile: the cascade may have missed it
        }
        return v;
    }

    /**
     * For a view: revokes it (an abandoned attempt of a call keeps nothing) and returns a fresh view of the same
     * window for the next attempt; any other grant is returned as it is.
     */
    public Grant renew() {
        if (parent == null) {
            return this;
        }
        revoke();
        return parent.view();
    }

    /** The window's size in bytes. */
    public int length() {
        return length;
    }

    /** Whether the callee may write into the window. */
    public boolean writable() {
        return writable;
    }

    /** Whether the lender has taken the window back. */
    public boolean revoked() {
        return ((int) STATE.getVolatile(this) & REVOKED) != 0;
    }

    /** Copies {@code src[srcOff..srcOff+n)} into the window at {@code at}. */
    public void put(int at, byte[] src, int srcOff, int n) {
        check(at, n, true);
        if (!revocable) {
            System.arraycopy(src, srcOff, array, offset + at, n);
            return;
        }
        enter();
        try {
            System.arraycopy(src, srcOff, array, offset + at, n);
        } finally {
            exit();
        }
    }

    /** Copies {@code n} bytes of the window from {@code at} into {@code dst[dstOff..]}. */
    public void get(int at, byte[] dst, int dstOff, int n) {
        check(at, n, false);
        if (!revocable) {
            System.arraycopy(array, offset + at, dst, dstOff, n);
            return;
        }
        enter();
        try {
            System.arraycopy(array, offset + at, dst, dstOff, n);
        } finally {
            exit();
        }
    }

    /** Sets {@code n} bytes of the window from {@code at} to {@code value} (a hole read as zeros). */
    public void fill(int at, int n, byte value) {
        check(at, n, true);
        if (!revocable) {
            Arrays.fill(array, offset + at, offset + at + n, value);
            return;
        }
        enter();
        try {
            Arrays.fill(array, offset + at, offset + at + n, value);
        } finally {
            exit();
        }
    }

    /**
     * Takes the window back: waits for the accesses under way (each one copy of at most {@link #length} bytes, so
     * the wait is bounded by that), after which every access fails with {@code EFAULT}. Idempotent.
     */
    public void revoke() {
        if (!revocable) {
            return;
        }
        STATE.getAndBitwiseOr(this, REVOKED);
        for (int spins = 0; ((int) STATE.getVolatile(this) & ~REVOKED) != 0; spins++) {
            if (spins < 1_000) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        Grant v;
        synchronized (this) {
            v = views;
            views = null;
        }
        for (; v != null; v = v.nextView) {
            v.revoke();
        }
    }

    /** {@link #revoke}: a grant is lent in a try-with-resources block around the call. */
    @Override
    public void close() {
        revoke();
    }

    private void check(int at, int n, boolean write) {
        if (write && !writable) {
            throw new KernelException(Errno.EFAULT, "grant", "write into a read-only window");
        }
        if (at < 0 || n < 0 || at > length - n) {
            throw new KernelException(Errno.EFAULT, "grant", "access " + at + "+" + n + " outside a window of "
                    + length + " bytes");
        }
    }

    private void enter() {
        int s = (int) STATE.getAndAdd(this, 1);
        if ((s & REVOKED) != 0) {
            STATE.getAndAdd(this, -1);
            throw new KernelException(Errno.EFAULT, "grant", "the buffer was taken back: its call is over");
        }
    }

    private void exit() {
        STATE.getAndAdd(this, -1);
    }

    @Override
    public String toString() {
        return "grant[" + length + " bytes, " + (writable ? "rw" : "ro") + (revoked() ? ", revoked" : "") + "]";
    }
}
