package org.anykernel.launcher.embed;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.anykernel.launcher.BootConfigurationFile;
import org.anykernel.launcher.KernelLock;
import org.anykernel.launcher.Profile;
import org.anykernel.launcher.ProfileBundle;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.framework.wiring.BundleRevision;

/**
 * A profile running in an embedded Felix: started by {@link #start}, ready once {@link #awaitReady}
 * returns, stopped by {@link #close} (which also deletes its storage). Bundle failures and timeouts are
 * {@link LaunchException}s of one line.
 */
public final class EmbeddedKernel implements AutoCloseable {
    private final Framework framework;
    private final Path work; // framework storage and boot configuration file, deleted on stop
    private volatile BootOptions options; // a prepared kernel takes its launcher's
    private final Set<String> domains;
    private final Map<Bundle, ProfileBundle> installed = new LinkedHashMap<>();
    private final Map<Long, Throwable> startErrors = new ConcurrentHashMap<>();
    private final CountDownLatch started = new CountDownLatch(1);
    private boolean closed;

    /** What the kernel looked like when it became ready. */
    public record Ready(List<String> domains) {
    }

    private EmbeddedKernel(Framework framework, Path work, BootOptions options, Set<String> domains) {
        this.framework = framework;
        this.work = work;
        this.options = options;
        this.domains = domains;
    }

    /**
     * Starts the framework with the profile's bundles and waits (bounded) until it has reached its
     * beginning start level with every bundle active.
     *
     * @param log where the framework's own warnings go (one line each)
     * @throws org.anykernel.launcher.ProfileException for a bundle missing from the repository
     * @throws LaunchException for a bundle that does not install or start, or a start that takes too long
     */
    public static EmbeddedKernel start(Profile profile, BootOptions options, PrintStream log, boolean debug) {
        return start(CompletableFuture.completedFuture(profile.bundles(options.repository())), profile.frameworkProperties(),
                profile.configurations(),
                profile.domainNames(), null, profile.names(), options, log, debug);
    }

    /**
     * Starts a composed kernel (the output of {@code anyk compose}): checks every bundle's SHA-256 first, then
     * installs exactly the lock's bundles from {@code dir/bundles} with its start orders, framework properties
     * and configurations. Nothing comes from the Maven repository.
     *
     * @param shown how errors name {@code dir}
     * @throws org.anykernel.launcher.ProfileException for a missing bundle or a checksum mismatch
     * @throws LaunchException as {@link #start(Profile, BootOptions, PrintStream, boolean)}
     */
    public static EmbeddedKernel start(KernelLock lock, Path dir, String shown, BootOptions options, PrintStream log, boolean debug) {
        // the checksums are computed while the framework is made and initialised (two cores: both at once); nothing
        // is installed before they are all checked
        return launch(prepare(lock, verifying(lock, dir, shown), options, log, debug), options);
    }

    /**
     * Checks the SHA-256 of every bundle of {@code lock} in {@code dir} on a thread of its own ({@link KernelLock#verify});
     * the result completes with the bundles, or with the checksum error.
     */
    public static CompletableFuture<List<ProfileBundle>> verifying(KernelLock lock, Path dir, String shown) {
        CompletableFuture<List<ProfileBundle>> verified = new CompletableFuture<>();
        Thread hasher = new Thread(() -> {
            try {
                verified.complete(lock.verify(dir, shown));
            } catch (RuntimeException e) {
                verified.completeExceptionally(e);
            }
        }, "anyk-verify");
        hasher.setDaemon(true);
        hasher.start();
        return verified;
    }

    /**
     * A kernel made, initialised and installed, not started yet: the framework and its bundles are in place, nothing
     * of them runs. {@link #launch} starts it; {@link #close} throws it away (and its storage).
     */
    public static final class Prepared implements AutoCloseable {
        private final EmbeddedKernel kernel;
        private final Map<String, String> frameworkProperties;
        private final List<String> features;

        private Prepared(EmbeddedKernel kernel, Map<String, String> frameworkProperties, List<String> features) {
            this.kernel = kernel;
            this.frameworkProperties = frameworkProperties;
            this.features = features;
        }

        @Override
        public void close() {
            kernel.close();
        }

        /** Whether it was closed (its framework stopped and its storage deleted). */
        public boolean closed() {
            return kernel.isClosed();
        }
    }

    /**
     * Does all of {@link #start(KernelLock, Path, String, BootOptions, PrintStream, boolean)} before the
     * framework starts (given the checksums being checked, {@link #verifying}): makes and initialises it, waits for the checksums (bounded by {@code options}), installs the
     * lock's bundles with their start orders and the lock's wiring. What {@code anyk boot DIR} does on a second core
     * while its command line is parsed.
     */
    public static Prepared prepare(KernelLock lock, CompletableFuture<List<ProfileBundle>> verified, BootOptions options,
                                   PrintStream log, boolean debug) {
        return prepare(verified, lock.frameworkProperties(), lock.configurations(), lock.domainNames(), lock.wires(),
                List.of(lock.profile().split("\\+")), options, log, debug);
    }

    /**
     * Starts a prepared kernel with {@code options} (its time bounds from here on) and waits (bounded) until every
     * bundle up to the beginning start level is active.
     *
     * @throws LaunchException as {@link #start(Profile, BootOptions, PrintStream, boolean)} (the kernel is closed)
     */
    public static EmbeddedKernel launch(Prepared p, BootOptions options) {
        EmbeddedKernel kernel = p.kernel;
        try {
            kernel.options = options;
            kernel.startFramework();
            // kernel:feature, for changes at run time
            kernel.context().registerService(FeatureCommands.class.getName(),
                    new FeatureCommands(kernel.context(), options.repository(), p.frameworkProperties, p.features),
                    FeatureCommands.properties());
            return kernel;
        } catch (RuntimeException e) {
            kernel.close();
            throw e;
        }
    }

    private static EmbeddedKernel start(CompletableFuture<List<ProfileBundle>> bundles, Map<String, String> frameworkProperties,
            Map<String, ? extends Map<String, ?>> configurations, Set<String> domains, Map<String, List<String>> wires,
            List<String> features, BootOptions options, PrintStream log, boolean debug) {
        return launch(prepare(bundles, frameworkProperties, configurations, domains, wires, features, options, log, debug),
                options);
    }

    private static Prepared prepare(CompletableFuture<List<ProfileBundle>> bundles, Map<String, String> frameworkProperties,
            Map<String, ? extends Map<String, ?>> configurations, Set<String> domains, Map<String, List<String>> wires,
            List<String> features, BootOptions options, PrintStream log, boolean debug) {
        Path work = StorageDir.create();
        EmbeddedKernel kernel = null;
        try {
            Map<String, Object> config = new HashMap<>(frameworkProperties);
            // the framework cleans its storage on first init, so the boot file lives beside it, not in it
            config.put(Constants.FRAMEWORK_STORAGE, work.resolve("felix-cache").toString());
            config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
            // the gogo.shell bundle would open its console on stdin as soon as it starts, before the kernel is
            // ready; an interactive caller opens one itself afterwards (GogoSession.runShell)
            config.putIfAbsent("gosh.args", "--nointeractive");
            Path bootFile = work.resolve("boot-configurations.properties");
            try {
                BootConfigurationFile.write(configurations, bootFile);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write boot configurations to " + bootFile + ": " + e.getMessage(), e);
            }
            config.put(BootConfigurationFile.PROPERTY, bootFile.toAbsolutePath().toString());
            config.put("felix.log.logger", new FelixLog(log, debug));
            kernel = new EmbeddedKernel(newFramework(config), work, options, domains);
            kernel.install(bundles, wires == null ? null : new LockedWiring(wires));
            return new Prepared(kernel, frameworkProperties, features);
        } catch (RuntimeException e) {
            if (kernel != null) {
                kernel.close();
            } else {
                StorageDir.delete(work);
            }
            throw e;
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Framework newFramework(Map<String, Object> config) {
        Iterator<FrameworkFactory> factories = ServiceLoader.load(FrameworkFactory.class, EmbeddedKernel.class.getClassLoader()).iterator();
        if (!factories.hasNext()) {
            throw new LaunchException("no OSGi framework on the class path");
        }
        // Felix accepts an object for felix.log.logger, so the map is not all strings
        return factories.next().newFramework((Map) config);
    }

    /** Initialises the framework, waits (bounded) for the checked bundles and installs them, with the lock's wiring. */
    private void install(CompletableFuture<List<ProfileBundle>> pending, LockedWiring locked) {
        try {
            framework.init();
        } catch (BundleException e) {
            throw new LaunchException("framework: " + LaunchException.rootMessage(e), e);
        }
        List<ProfileBundle> bundles;
        try {
            bundles = pending.get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new LaunchException(LaunchException.rootMessage(e), e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new LaunchException("the bundles' checksums were not checked within " + seconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException("interrupted while checking the bundles' checksums", e);
        }
        BundleContext ctx = framework.getBundleContext();
        ctx.addFrameworkListener(listener());
        if (locked != null) {
            // a composed kernel: Felix may wire only what the lock lists
            ctx.registerService(org.osgi.framework.hooks.resolver.ResolverHookFactory.class, locked, null);
            for (ProfileBundle pb : bundles) {
                locked.installed("reference:" + pb.location(), pb.id());
            }
        }
        for (ProfileBundle pb : bundles) {
            installed.put(install(ctx, pb), pb);
        }
    }

    /** Starts the installed framework and waits (bounded) until every bundle due at its start level is active. */
    private void startFramework() {
        try {
            framework.start();
        } catch (BundleException e) {
            throw new LaunchException("framework: " + LaunchException.rootMessage(e), e);
        }
        if (!await(started)) {
            throw new LaunchException("framework did not start within " + seconds() + " s" + failedSuffix());
        }
        checkBundles();
    }

    private FrameworkListener listener() {
        return event -> {
            if (event.getType() == FrameworkEvent.STARTED) {
                started.countDown();
            } else if (event.getType() == FrameworkEvent.ERROR && event.getBundle() != null && event.getThrowable() != null) {
                startErrors.putIfAbsent(event.getBundle().getBundleId(), event.getThrowable());
            }
        };
    }

    private static Bundle install(BundleContext ctx, ProfileBundle pb) {
        try {
            // "reference:" makes Felix use the jar where it is instead of copying it into its storage: the
            // jars are in the local repository for the kernel's lifetime, and copying 23 of them costs ~90 ms
            Bundle b = ctx.installBundle("reference:" + pb.location());
            if (pb.startOrder() > 0) {
                b.adapt(BundleStartLevel.class).setStartLevel(pb.startOrder());
            }
            if (!isFragment(b)) {
                b.start(); // persistent: it starts when the framework reaches its start level
            }
            return b;
        } catch (BundleException | RuntimeException e) {
            throw new LaunchException("cannot install bundle " + pb.id() + ": " + LaunchException.rootMessage(e), e);
        }
    }

    private static boolean isFragment(Bundle b) {
        return b.getHeaders("").get(Constants.FRAGMENT_HOST) != null;
    }

    /** Every bundle up to the framework's start level is ACTIVE (RESOLVED for fragments), or one line says which is not. */
    private void checkBundles() {
        int level = framework.adapt(FrameworkStartLevel.class).getStartLevel();
        List<Bundle> failed = new ArrayList<>();
        for (Bundle b : installed.keySet()) {
            boolean due = b.adapt(BundleStartLevel.class).getStartLevel() <= level;
            boolean ok = isFragment(b) ? b.getState() == Bundle.RESOLVED : b.getState() == Bundle.ACTIVE || lazyStarting(b);
            if (due && !ok) {
                failed.add(b);
            }
        }
        if (!failed.isEmpty()) {
            Bundle first = failed.get(0);
            Throwable t = startErrors.get(first.getBundleId());
            throw new LaunchException("bundle " + first.getSymbolicName() + " (" + installed.get(first).id() + ") failed to start: "
                    + (t == null ? "it is " + state(first) : trimResolverMessage(LaunchException.rootMessage(t)))
                    + (failed.size() > 1 ? " (and " + (failed.size() - 1) + " more)" : ""), t);
        }
    }

    private static boolean lazyStarting(Bundle b) {
        String policy = b.getHeaders("").get(Constants.BUNDLE_ACTIVATIONPOLICY);
        return b.getState() == Bundle.STARTING && policy != null && policy.startsWith(Constants.ACTIVATION_LAZY);
    }

    /** Felix appends the whole requirement chain after the first missing requirement: the first says enough. */
    private static String trimResolverMessage(String m) {
        int cut = m.indexOf(" Unresolved requirements:");
        return cut > 0 ? m.substring(0, cut) : m;
    }

    private String failedSuffix() {
        return startErrors.isEmpty() ? "" : "; first failure: " + LaunchException.rootMessage(startErrors.values().iterator().next());
    }

    private static String state(Bundle b) {
        return switch (b.getState()) {
            case Bundle.INSTALLED -> "INSTALLED (not resolved)";
            case Bundle.RESOLVED -> "RESOLVED (not started)";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNINSTALLED";
        };
    }

    /**
     * Waits (bounded) until the kernel is settled and has every domain the profile configures. A profile
     * without kernel-base is ready as soon as it has started.
     *
     * @throws LaunchException when the kernel is not ready in time, saying what it is still missing
     */
    public Ready awaitReady() {
        if (installed.keySet().stream().noneMatch(EmbeddedKernel::exportsKernelApi)) {
            return new Ready(List.of());
        }
        KernelProbe probe = new KernelProbe(framework.getBundleContext());
        long deadline = System.nanoTime() + options.timeout().toNanos();
        String missing;
        while (true) {
            KernelProbe.Status s;
            LaunchException failure = null;
            try {
                s = probe.poll();
            } catch (LaunchException e) {
                s = null;
                failure = e;
            }
            if (s != null && s.settled() && s.domains().containsAll(domains)) {
                return new Ready(List.copyOf(s.domains()));
            }
            missing = failure != null ? failure.getMessage()
                    : s == null ? "no " + KernelProbe.KERNEL + " service"
                    : !s.domains().containsAll(domains) ? "domains " + absent(s.domains()) + " not created (has: "
                            + String.join(", ", s.domains()) + ")"
                    : "not settled (domains: " + String.join(", ", s.domains()) + ")";
            if (System.nanoTime() > deadline) {
                throw new LaunchException("kernel not ready after " + seconds() + " s: " + missing, failure);
            }
            sleep(5);
        }
    }

    private List<String> absent(List<String> present) {
        return domains.stream().filter(d -> !present.contains(d)).toList();
    }

    private static boolean exportsKernelApi(Bundle b) {
        BundleRevision r = b.adapt(BundleRevision.class);
        return r != null && r.getDeclaredCapabilities(BundleRevision.PACKAGE_NAMESPACE).stream()
                .anyMatch(c -> KernelProbe.KERNEL_PACKAGE.equals(c.getAttributes().get(BundleRevision.PACKAGE_NAMESPACE)));
    }

    /** The framework, for callers that need more than this class offers. */
    public Framework framework() {
        return framework;
    }

    /** The system bundle's context. */
    public BundleContext context() {
        return framework.getBundleContext();
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    /** Blocks until the framework stops, for whatever reason (the shell's {@code exit}, {@link #close}). */
    public void awaitStop() throws InterruptedException {
        framework.waitForStop(0);
    }

    /**
     * Stops the framework, waiting at most the boot timeout, and deletes its storage. Idempotent.
     *
     * @return whether the framework stopped in time
     */
    public synchronized boolean stop() {
        if (closed) {
            return true;
        }
        closed = true;
        boolean stopped = true;
        try {
            if ((framework.getState() & (Bundle.STARTING | Bundle.ACTIVE | Bundle.STOPPING)) != 0) {
                framework.stop();
                stopped = framework.waitForStop(options.timeout().toMillis()).getType() != FrameworkEvent.WAIT_TIMEDOUT;
            }
        } catch (BundleException | RuntimeException e) {
            stopped = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = false;
        } finally {
            StorageDir.delete(work);
        }
        return stopped;
    }

    /** {@link #stop()}, ignoring whether it was in time. */
    @Override
    public void close() {
        stop();
    }

    private boolean await(CountDownLatch latch) {
        try {
            return latch.await(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException("interrupted");
        }
    }

    private long seconds() {
        return Math.max(1, options.timeout().toSeconds());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException("interrupted");
        }
    }
}
