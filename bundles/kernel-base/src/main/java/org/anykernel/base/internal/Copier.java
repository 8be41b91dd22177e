package org.anykernel.base.internal;

import java.nio.ByteBuffer;

import org.anykernel.base.api.Grant;

/**
 * Copy-in and copy-out of call arguments crossing into an isolated domain, so the domain never aliases
 * the caller's memory: byte arrays and buffers are copied in, and what the domain wrote is copied back
 * after the call. A {@link Grant} passes as the caller's own window, lent for the call (to a hand-off call as a view
 * of it per attempt, so that an abandoned attempt can be cut off alone).
 * Everything else a kernel service may take is immutable (primitives, strings, enums, records of those).
 */
final class Copier {
    private Copier() {
    }

    /**
     * Private copies of {@code args}, or {@code args} itself when nothing needs copying. With {@code viewGrants} (a
     * call handed to the domain's threads, which a restart may abandon mid-call) each grant is replaced by a view of
     * its own; a call on the caller's own thread passes grants as they are.
     */
    static Object[] copyIn(Object[] args, boolean viewGrants) {
        if (args == null) {
            return null;
        }
        Object[] out = null;
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            Object c = a instanceof Grant g ? (viewGrants ? g.view() : g) : copy(a);
            if (c != a) {
                if (out == null) {
                    out = args.clone();
                }
                out[i] = c;
            }
        }
        return out == null ? args : out;
    }

    /** Writes back into the caller's arrays and buffers what the domain left in the copies. */
    static void copyOut(Object[] original, Object[] copies) {
        if (copies == original || copies == null) {
            return;
        }
        for (int i = 0; i < original.length; i++) {
            if (original[i] instanceof byte[] o && copies[i] instanceof byte[] c) {
                System.arraycopy(c, 0, o, 0, o.length);
            } else if (original[i] instanceof ByteBuffer o && copies[i] instanceof ByteBuffer c && !o.isReadOnly()) {
                int start = o.position();
                ByteBuffer src = c.duplicate();
                src.flip();
                o.put(src);
                o.position(start + c.position());
            } else if (original[i] instanceof ByteBuffer o && copies[i] instanceof ByteBuffer c) {
                o.position(o.position() + c.position());
            }
        }
    }

    /** Takes back every {@link Grant} among {@code args}: the call they were lent to was given up on. */
    static void revokeGrants(Object[] args) {
        for (Object a : args) {
            if (a instanceof Grant g) {
                g.revoke();
            }
        }
    }

    /**
     * The grants among a call's arguments (views of the caller's, {@link #copyIn}) replaced by fresh views, the old
     * ones revoked: a call that runs again after its attempt was abandoned, whose thread may still be in the driver.
     */
    static void renewGrants(Object[] args) {
        for (int i = 0; args != null && i < args.length; i++) {
            if (args[i] instanceof Grant g) {
                args[i] = g.renew();
            }
        }
    }

    /** A private copy of one value (or the value itself when it is immutable). */
    static Object copy(Object a) {
        if (a instanceof byte[] b) {
            return b.clone();
        }
        if (a instanceof ByteBuffer b) {
            ByteBuffer c = ByteBuffer.allocate(b.remaining());
            c.put(b.duplicate());
            c.clear();
            return c;
        }
        if (a instanceof int[] b) {
            return b.clone();
        }
        if (a instanceof long[] b) {
            return b.clone();
        }
        if (a instanceof Object[] b) {
            return b.clone();
        }
        return a;
    }
}
