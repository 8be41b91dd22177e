package org.anykernel.base.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.anykernel.base.api.Credentials;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.ProcessInfo;
import org.anykernel.base.spi.FactionInstance;
import org.anykernel.base.spi.Hypercalls;
import org.anykernel.base.spi.KernelContext;
import org.anykernel.base.spi.KernelMemory;
import org.anykernel.base.spi.KernelProcess;
import org.anykernel.base.spi.KernelServiceRef;
import org.anykernel.base.spi.NameSpace;
import org.anykernel.base.spi.OpenFile;
import org.anykernel.base.spi.SyscallTable;

/**
 * One kernel: the global one, or a library kernel. Owns a syscall table, a process table, the name
 * spaces factions mount, and the faction instances attached to it.
 */
final class KernelInstance implements KernelContext {
    /** Longest path {@code open} accepts ({@code PATH_MAX}). */
    static final int PATH_MAX = 4096;

    private final String name;
    private final Hypercalls hypercalls;
    private final Account account;
    private final KernelMemory memory;
    private final SyscallTable syscalls = new SyscallTable();
    private final Map<Integer, KernelProcess> processes = new ConcurrentHashMap<>();
    private final AtomicInteger nextPid = new AtomicInteger(1);
    private final ConcurrentSkipListMap<String, NameSpace> mounts = new ConcurrentSkipListMap<>();
    private final Map<Object, FactionInstance> factions = new ConcurrentHashMap<>();
    private final boolean enterAccount;
    private volatile boolean closed;

    /**
     * @param enterAccount whether syscalls run in {@code account} (a library kernel: the whole kernel is one
     *                     domain) or leave accounting to the fronts (the global kernel)
     */
    KernelInstance(String name, Hypercalls hypercalls, Account account, boolean enterAccount) {
        this.name = name;
        this.hypercalls = hypercalls;
        this.account = account;
        this.memory = new ContextMemory(account);
        this.enterAccount = enterAccount;
        BaseSyscalls.register(this);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Hypercalls hypercalls() {
        return hypercalls;
    }

    @Override
    public SyscallTable syscalls() {
        return syscalls;
    }

    @Override
    public KernelMemory memory() {
        return memory;
    }

    Account account() {
        return account;
    }

    @Override
    public AutoCloseable mount(String prefix, NameSpace space) {
        String p = prefix.endsWith("/") && prefix.length() > 1 ? prefix.substring(0, prefix.length() - 1) : prefix;
        if (!p.startsWith("/")) {
            throw new KernelException(Errno.EINVAL, "mount " + prefix, "not an absolute path");
        }
        if (mounts.putIfAbsent(p, space) != null) {
            throw KernelException.of(Errno.EBUSY, "mount " + p);
        }
        return () -> mounts.remove(p, space);
    }

    @Override
    public Resolved resolve(String path) {
        for (Map.Entry<String, NameSpace> e : mounts.descendingMap().entrySet()) {
            String prefix = e.getKey();
            if (prefix.equals("/")) {
                return new Resolved(e.getValue(), prefix, path.substring(1));
            }
            if (path.equals(prefix)) {
                return new Resolved(e.getValue(), prefix, "");
            }
            if (path.startsWith(prefix) && path.charAt(prefix.length()) == '/') {
                return new Resolved(e.getValue(), prefix, path.substring(prefix.length() + 1));
            }
        }
        return null;
    }

    @Override
    public OpenFile open(KernelProcess process, String path, int flags, int mode) {
        Resolved where = resolve(path);
        if (where == null) {
            throw new KernelException(Errno.ENOENT, path, "no such file or directory");
        }
        return where.space().open(process, path, where.rest(), flags, mode);
    }

    int spawn(String processName, Credentials credentials) {
        int pid = nextPid.getAndIncrement();
        processes.put(pid, new KernelProcess(pid, processName, credentials, this));
        return pid;
    }

    KernelProcess process(int pid) {
        KernelProcess p = processes.get(pid);
        if (p == null) {
            throw new KernelException(Errno.ESRCH, "pid " + pid, "no such process");
        }
        return p;
    }

    void exit(int pid) {
        KernelProcess p = processes.remove(pid);
        if (p == null) {
            throw new KernelException(Errno.ESRCH, "pid " + pid, "no such process");
        }
        p.fds().closeAll();
    }

    List<ProcessInfo> processes() {
        List<ProcessInfo> out = new ArrayList<>();
        processes.values().forEach(p -> out.add(p.info()));
        out.sort((a, b) -> Integer.compare(a.pid(), b.pid()));
        return out;
    }

    Posix posix(int pid) {
        return new ProcessPosix(process(pid), enterAccount ? account : null);
    }

    /**
     * The typed syscall API of one local process. Every call goes through the syscall table by number,
     * except {@code read} and {@code write}, the hot pair, which call the same base code directly (a local
     * fast path, as a vDSO is: no boxing, no argument array, no indirect dispatch).
     */
    private final class ProcessPosix implements Posix {
        private final KernelProcess process;
        private final Account enter;

        ProcessPosix(KernelProcess process, Account enter) {
            this.process = process;
            this.enter = enter;
        }

        private void checkOpen() {
            if (closed) {
                throw new KernelException(Errno.ENXIO, "kernel " + name, "closed");
            }
        }

        @Override
        public long syscall(int number, Object... args) {
            checkOpen();
            if (enter == null) {
                return syscalls.invoke(process, number, args);
            }
            Account prev = ExecutionContext.enter(enter);
            try {
                return syscalls.invoke(process, number, args);
            } finally {
                ExecutionContext.exit(prev);
            }
        }

        @Override
        public int read(int fd, byte[] buf, int off, int len) {
            checkOpen();
            if (enter == null) {
                return BaseSyscalls.read(process, fd, buf, off, len);
            }
            Account prev = ExecutionContext.enter(enter);
            try {
                return BaseSyscalls.read(process, fd, buf, off, len);
            } finally {
                ExecutionContext.exit(prev);
            }
        }

        @Override
        public int write(int fd, byte[] buf, int off, int len) {
            checkOpen();
            if (enter == null) {
                return BaseSyscalls.write(process, fd, buf, off, len);
            }
            Account prev = ExecutionContext.enter(enter);
            try {
                return BaseSyscalls.write(process, fd, buf, off, len);
            } finally {
                ExecutionContext.exit(prev);
            }
        }
    }

    // ---- factions

    void attach(Object key, FactionInstance instance) {
        factions.put(key, instance);
    }

    FactionInstance detach(Object key) {
        return factions.remove(key);
    }

    void bindAll(KernelServiceRef ref) {
        factions.values().forEach(f -> f.bind(ref));
    }

    void unbindAll(KernelServiceRef ref) {
        factions.values().forEach(f -> f.unbind(ref));
    }

    /** Ends every process and detaches every faction; later syscalls fail with {@code ENXIO}. */
    void shutdown() {
        closed = true;
        new ArrayList<>(processes.keySet()).forEach(this::exit);
        factions.values().forEach(FactionInstance::close);
        factions.clear();
    }
}
