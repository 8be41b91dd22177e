package org.anykernel.base.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import org.anykernel.base.api.Credentials;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.LibraryKernel;
import org.anykernel.base.spi.DriverLinker;
import org.anykernel.base.spi.Faction;
import org.anykernel.base.spi.Hypercalls;
import org.anykernel.base.spi.KernelMemory;
import org.anykernel.base.spi.KernelObjects;
import org.anykernel.base.spi.KernelServiceRef;
import org.anykernel.base.spi.KernelThreads;
import org.anykernel.base.spi.LinkContext;

/**
 * Builds {@link org.anykernel.base.api.Standalone} kernels: a {@link KernelInstance} with its own account, every
 * {@link Faction} on the class path attached, and the named drivers linked by their {@link DriverLinker}s.
 */
public final class StandaloneKernels {
    private StandaloneKernels() {
    }

    /** See {@link org.anykernel.base.api.Standalone#build()}. */
    public static LibraryKernel build(String name, List<String> drivers, Map<Object, Map<String, Object>> hardware,
                                      long quota, ClassLoader loader) {
        if (quota < 0) {
            throw new KernelException(Errno.EINVAL, "kernel " + name, "negative memory quota " + quota);
        }
        Map<String, DriverLinker> linkers = new HashMap<>();
        for (DriverLinker l : ServiceLoader.load(DriverLinker.class, loader)) {
            linkers.putIfAbsent(l.driver(), l);
        }
        for (String d : drivers) {
            if (!linkers.containsKey(d)) {
                throw new KernelException(Errno.ENOENT, "driver " + d, "not on the class path (have: "
                        + String.join(", ", new java.util.TreeSet<>(linkers.keySet())) + ")");
            }
        }
        Hypercalls host = new JvmHypercalls(System.out);
        Account account = new Account("library:" + name, quota);
        KernelInstance k = new KernelInstance(name, host, account, true);
        Context ctx = new Context(name, host, account, hardware);
        Account prev = ExecutionContext.enter(account);
        try {
            for (Faction f : ServiceLoader.load(Faction.class, loader)) {
                k.attach(f, f.attach(k));
            }
            for (String d : drivers) {
                ctx.driver = d;
                linkers.get(d).link(ctx);
            }
            ctx.services.forEach(k::bindAll);
        } catch (RuntimeException e) {
            k.shutdown();
            ctx.runClosers();
            throw e;
        } finally {
            ExecutionContext.exit(prev);
        }
        int pid = k.spawn(name, Credentials.ROOT);
        return new Kernel(name, drivers, k, pid, ctx);
    }

    private static final class Context implements LinkContext {
        private final String kernel;
        private final Hypercalls host;
        private final KernelMemory memory;
        private final KernelThreads threads;
        private final KernelObjects objects;
        private final Map<Object, Map<String, Object>> hardware;
        private final List<KernelServiceRef> services = new ArrayList<>();
        private final Deque<Runnable> closers = new ArrayDeque<>();
        private String driver;

        Context(String kernel, Hypercalls host, Account account, Map<Object, Map<String, Object>> hardware) {
            this.kernel = kernel;
            this.host = host;
            this.memory = new ContextMemory(account);
            this.threads = new ContextThreads(host, account);
            this.objects = new ContextObjects(account);
            this.hardware = hardware;
        }

        @Override
        public KernelMemory memory() {
            return memory;
        }

        @Override
        public KernelObjects objects() {
            return objects;
        }

        @Override
        public KernelThreads threads() {
            return threads;
        }

        @Override
        public Hypercalls hypercalls() {
            return host;
        }

        @Override
        public <T> List<Hardware<T>> hardware(Class<T> type) {
            List<Hardware<T>> out = new ArrayList<>();
            hardware.forEach((d, p) -> {
                if (type.isInstance(d)) {
                    out.add(new Hardware<>(type.cast(d), p));
                }
            });
            return out;
        }

        @Override
        public void register(Object service, Map<String, Object> properties) {
            Map<String, Object> p = new HashMap<>(properties);
            p.put(Front.PLACEMENT, "library");
            p.put(Front.DOMAIN, kernel);
            p.put(Front.DRIVER, driver);
            services.add(new KernelServiceRef(service, p));
        }

        @Override
        public void onClose(Runnable action) {
            closers.push(action);
        }

        void runClosers() {
            while (!closers.isEmpty()) {
                closers.pop().run();
            }
        }
    }

    private static final class Kernel extends PrivateKernel {
        private final Context ctx;

        Kernel(String name, List<String> components, KernelInstance kernel, int pid, Context ctx) {
            super(name, components, kernel, pid);
            this.ctx = ctx;
        }

        @Override
        void release() {
            ctx.runClosers();
        }
    }
}
