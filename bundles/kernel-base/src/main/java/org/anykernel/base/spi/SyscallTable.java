package org.anykernel.base.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;

/**
 * One kernel's syscall table: factions register syscalls by number and name, clients dispatch by
 * number. Arguments are checked against the signature before the handler runs, so a handler never
 * sees an argument of the wrong kind.
 */
public final class SyscallTable {
    /** Highest syscall number plus one. */
    public static final int SIZE = 512;

    private record Entry(Syscall syscall, SyscallHandler handler) {
    }

    private final AtomicReferenceArray<Entry> entries = new AtomicReferenceArray<>(SIZE);

    /**
     * Registers a syscall. Closing the returned handle removes it (and only it).
     *
     * @throws KernelException {@code EBUSY} if the number is taken, {@code EINVAL} if it is out of range
     */
    public AutoCloseable register(Syscall syscall, SyscallHandler handler) {
        int nr = syscall.number();
        if (nr < 0 || nr >= SIZE) {
            throw new KernelException(Errno.EINVAL, "syscall " + syscall.name(), "number " + nr + " out of range");
        }
        Entry e = new Entry(syscall, handler);
        if (!entries.compareAndSet(nr, null, e)) {
            throw new KernelException(Errno.EBUSY, "syscall " + nr + " (" + syscall.name() + ")",
                    "already registered as " + entries.get(nr).syscall().name());
        }
        return () -> entries.compareAndSet(nr, e, null);
    }

    /**
     * Runs syscall {@code number} for {@code process}.
     *
     * @throws KernelException {@code ENOSYS} if no such syscall, {@code EINVAL} on an argument mismatch
     */
    public long invoke(KernelProcess process, int number, Object... args) {
        Entry e = number >= 0 && number < SIZE ? entries.get(number) : null;
        if (e == null) {
            throw new KernelException(Errno.ENOSYS, "syscall " + number, "no such syscall");
        }
        List<ArgKind> kinds = e.syscall.args();
        if (args.length != kinds.size()) {
            throw new KernelException(Errno.EINVAL, e.syscall.name(),
                    "takes " + kinds.size() + " arguments, got " + args.length);
        }
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            ArgKind k = kinds.get(i);
            if (a == null ? k != ArgKind.BUFFER && k != ArgKind.STRING : !k.type().isInstance(a)) {
                if (k == ArgKind.LONG && a instanceof Integer n) {
                    args[i] = n.longValue();
                    continue;
                }
                throw new KernelException(Errno.EINVAL, e.syscall.name(), "argument " + (i + 1) + " must be "
                        + k.name().toLowerCase() + ", got " + (a == null ? "null" : a.getClass().getSimpleName()));
            }
            if (a == null) {
                throw new KernelException(Errno.EFAULT, e.syscall.name(), "argument " + (i + 1) + " is null");
            }
        }
        return e.handler.call(process, args);
    }

    /** Number of a syscall by name, or -1. */
    public int number(String name) {
        for (int i = 0; i < SIZE; i++) {
            Entry e = entries.get(i);
            if (e != null && e.syscall.name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** Every registered syscall, by number. */
    public List<Syscall> table() {
        List<Syscall> out = new ArrayList<>();
        for (int i = 0; i < SIZE; i++) {
            Entry e = entries.get(i);
            if (e != null) {
                out.add(e.syscall);
            }
        }
        return out;
    }

    /** Checks that {@code buf[off..off+len)} is inside the buffer, as a handler must before touching it. */
    public static void checkRange(String what, byte[] buf, int off, int len) {
        checkRange(what, "", buf, off, len);
    }

    /**
     * As {@link #checkRange(String, byte[], int, int)}, naming the thing as {@code op + " " + name}; the
     * message is only built on error, so the check costs nothing on the fast path.
     */
    public static void checkRange(String op, String name, byte[] buf, int off, int len) {
        if (len < 0) {
            throw new KernelException(Errno.EINVAL, what(op, name), "negative length " + len);
        }
        if (off < 0 || off > buf.length - len) {
            throw new KernelException(Errno.EFAULT, what(op, name),
                    "range [" + off + ", " + ((long) off + len) + ") outside a buffer of " + buf.length + " bytes");
        }
    }

    private static String what(String op, String name) {
        return name.isEmpty() ? op : op + " " + name;
    }
}
