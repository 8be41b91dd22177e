package org.anykernel.base.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.anykernel.base.api.DomainState;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.anykernel.base.spi.StateTransfer;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * {@code kernel:replace}: swaps a driver bundle for another build while the rest of the kernel runs. The domain's
 * calls are held (as for a restart), the bundle is stopped, updated in place from the new location, refreshed
 * alone (a driver exports nothing, so nothing else is rewired: no refresh storm) and started; the fronts re-target
 * the new build's services. If the new build fails to start, declares another driver name, or its services are not
 * all bound within the domain's hold time, the previous build (saved before the update) is put back the same way and
 * the reason is reported: rollback.
 */
final class Replacer {
    /** The longest a refresh of one bundle may take. */
    private static final long REFRESH_MILLIS = 10_000;

    private final DomainManager manager;
    private final Supervisor supervisor;
    private final EventLog events;

    Replacer(DomainManager manager, Supervisor supervisor, EventLog events) {
        this.manager = manager;
        this.supervisor = supervisor;
        this.events = events;
    }

    /**
     * Replaces the driver bundle named {@code what} (a driver name, a bundle symbolic name, or a domain with one
     * driver bundle) by the build at {@code location} ({@code file:PATH}, a path, or {@code mvn:GROUP/ARTIFACT/VERSION}
     * from the local Maven repository).
     *
     * @return one line saying what was replaced, and how long the domain's calls were held
     * @throws KernelException {@code ENOENT} for an unknown driver or location, {@code EBUSY} if the domain is
     *         restarting, {@code EIO} when the new build was rolled back (the message says why)
     */
    String replace(String what, String location) {
        return swap(what, location, false);
    }

    /**
     * A live update: as {@link #replace}, but the running build's services hand their state to the new build's
     * ({@link StateTransfer}) while the calls are held; {@code location} null installs the running build again.
     *
     * @throws KernelException {@code EOPNOTSUPP} if the driver's services cannot transfer their state (nothing
     *         changed), {@code EIO} when rolled back (the previous build got the state back)
     */
    String update(String what, String location) {
        return swap(what, location, true);
    }

    private String swap(String what, String location, boolean transfer) {
        Bundle b = find(what);
        Domain d = manager.domainOf(b);
        String driver = DomainManager.driverName(b);
        Path next = location == null ? null : resolve(location);
        List<Front> fronts = d.fronts().stream().filter(f -> driver.equals(f.driver())).toList();
        if (transfer) {
            for (Front f : fronts) {
                if (!(f.target() instanceof StateTransfer)) {
                    throw new KernelException(Errno.EOPNOTSUPP, "update " + driver, "its service " + f.describeService()
                            + " cannot hand over its state (no StateTransfer): use kernel:replace");
                }
            }
        }
        Path backup;
        try {
            backup = Files.createTempFile("anyk-replace-" + driver + "-", ".jar");
        } catch (IOException e) {
            throw new KernelException(Errno.EIO, "replace " + driver, "cannot save the running build: " + e.getMessage());
        }
        if (!supervisor.beginExclusive(d)) {
            throw new KernelException(Errno.EBUSY, "replace " + driver, "domain " + d.name() + " is restarting");
        }
        long t0 = 0;
        String oldVersion = b.getVersion().toString();
        List<Front> suspended = new java.util.ArrayList<>();
        try {
            try {
                saveCurrent(b, backup);
            } catch (IOException e) {
                throw new KernelException(Errno.EIO, "replace " + driver, "cannot save the running build of "
                        + b.getSymbolicName() + ": " + e.getMessage());
            }
            String op = transfer ? "update" : "replace";
            d.setState(DomainState.RESTARTING);
            events.post(transfer ? "UPDATING" : "REPLACING", d.name(), driver + " " + oldVersion + " with "
                    + (location == null ? "the same build" : location));
            // quiesce: new calls wait at the fronts; queued and running ones finish on the old threads, uninterrupted
            t0 = System.nanoTime(); // from here on, calls wait: the pause they see
            fronts.forEach(Front::suspend);
            suspended.addAll(fronts);
            if (!d.drainThreads(d.descriptor().watchdogMillis())) {
                d.resetThreads("domain " + d.name() + ": calls still running after the watchdog time");
            }
            java.util.Map<Front, java.util.Map<String, Object>> states = new java.util.HashMap<>();
            if (transfer) {
                inDomain(d, () -> fronts.forEach(f -> states.put(f, ((StateTransfer) f.target()).exportState())));
            }
            String failure = install(b, d, driver, next == null ? backup : next);
            if (failure == null && transfer) {
                failure = importStates(d, states);
            }
            if (failure != null) {
                String back = install(b, d, driver, backup);
                if (back == null && transfer) {
                    back = importStates(d, states);
                }
                finish(d);
                String why = failure + (back == null ? "" : "; putting the previous build back failed too: " + back);
                events.post("ROLLED_BACK", d.name(), driver + ": " + why);
                throw new KernelException(Errno.EIO, op + " " + driver, "rolled back to " + oldVersion + ": " + why);
            }
            finish(d);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            String line = driver + " " + oldVersion + " -> " + b.getVersion() + " in domain " + d.name() + ", calls held "
                    + ms + " ms" + (transfer ? ", state of " + states.size() + " service(s) handed over" : "");
            events.post(transfer ? "UPDATED" : "REPLACED", d.name(), line);
            return line;
        } finally {
            suspended.forEach(Front::resume);
            supervisor.endExclusive(d);
            try {
                Files.deleteIfExists(backup);
            } catch (IOException e) {
                backup.toFile().deleteOnExit();
            }
        }
    }

    /** Gives each front's new driver object its state; null if all took it, else why not. */
    private String importStates(Domain d, java.util.Map<Front, java.util.Map<String, Object>> states) {
        String[] failure = new String[1];
        inDomain(d, () -> {
            for (var e : states.entrySet()) {
                Object t = e.getKey().target();
                if (!(t instanceof StateTransfer st)) {
                    failure[0] = "the new build's " + e.getKey().describeService() + " cannot take the state";
                    return;
                }
                try {
                    st.importState(e.getValue());
                } catch (RuntimeException x) {
                    failure[0] = "the new build did not take the state: " + oneLine(x);
                    return;
                }
            }
        });
        return failure[0];
    }

    /** Runs {@code r} as the domain's code (its memory account, its base-kept objects). */
    private static void inDomain(Domain d, Runnable r) {
        Account prev = ExecutionContext.enter(d.account());
        try {
            r.run();
        } finally {
            ExecutionContext.exit(prev);
        }
    }

    private void finish(Domain d) {
        d.setState(DomainState.ACTIVE);
        d.replayCrashed("domain " + d.name() + " back after a replace");
    }

    /** Stops, updates from {@code jar}, refreshes and starts {@code b}; null if its services came up, else why not. */
    private String install(Bundle b, Domain d, String driver, Path jar) {
        try {
            supervisor.stopQuietly(b);
            try (InputStream in = Files.newInputStream(jar)) {
                b.update(in);
            }
            DomainManager.forgetDriverName(b);
            refresh(b);
            String now = DomainManager.driverName(b);
            if (!driver.equals(now)) {
                supervisor.stopQuietly(b);
                return "the new build is driver " + (now == null ? "(none)" : "'" + now + "'") + ", not '" + driver + "'";
            }
            b.start(Bundle.START_TRANSIENT);
        } catch (BundleException | IOException | IllegalStateException e) {
            return "it did not start: " + oneLine(e);
        }
        long hold = d.descriptor().holdMillis();
        if (!manager.awaitBound(d, hold)) {
            return "its services were not all up within " + hold + " ms";
        }
        return null;
    }

    private void refresh(Bundle b) {
        FrameworkWiring fw = b.getBundleContext() != null
                ? b.getBundleContext().getBundle(0).adapt(FrameworkWiring.class)
                : manager.context().getBundle(0).adapt(FrameworkWiring.class);
        CountDownLatch done = new CountDownLatch(1);
        fw.refreshBundles(List.of(b), e -> done.countDown());
        try {
            if (!done.await(REFRESH_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("refresh of " + b.getSymbolicName() + " took over " + REFRESH_MILLIS
                        + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while refreshing " + b.getSymbolicName());
        }
    }

    private Bundle find(String what) {
        for (Bundle b : manager.context().getBundles()) {
            String driver = DomainManager.driverName(b);
            if (driver != null && (what.equals(driver) || what.equals(b.getSymbolicName()))) {
                return b;
            }
        }
        Domain d = manager.domainList().stream().filter(x -> x.name().equals(what)).findFirst().orElse(null);
        if (d != null) {
            List<Bundle> bs = manager.bundlesOf(d);
            if (bs.size() == 1) {
                return bs.get(0);
            }
            throw new KernelException(Errno.EINVAL, "replace " + what, "domain has " + bs.size()
                    + " driver bundles: name one");
        }
        throw new KernelException(Errno.ENOENT, "replace " + what, "no such driver, bundle or domain");
    }

    /** The jar a location names. */
    static Path resolve(String location) {
        Path p;
        if (location.startsWith("mvn:")) {
            String[] gav = location.substring(4).split("/");
            if (gav.length != 3) {
                throw new KernelException(Errno.EINVAL, location, "expected mvn:GROUP/ARTIFACT/VERSION");
            }
            String repo = System.getProperty("maven.repo.local",
                    System.getProperty("user.home") + "/.m2/repository");
            p = Path.of(repo, gav[0].replace('.', '/'), gav[1], gav[2], gav[1] + "-" + gav[2] + ".jar");
        } else if (location.startsWith("file:")) {
            p = Path.of(URI.create(location.startsWith("file:/") ? location : "file:" + Path.of(location.substring(5))
                    .toAbsolutePath()));
        } else {
            p = Path.of(location).toAbsolutePath();
        }
        if (!Files.isRegularFile(p)) {
            throw new KernelException(Errno.ENOENT, location, "no such jar (" + p + ")");
        }
        return p;
    }

    /**
     * Writes the running revision of {@code b} as a jar: its manifest, then every entry. (Its location may name
     * another build by now, after an earlier replace.)
     */
    static void saveCurrent(Bundle b, Path jar) throws IOException {
        URL mf = b.getEntry("META-INF/MANIFEST.MF");
        if (mf == null) {
            throw new IOException("no manifest");
        }
        java.util.jar.Manifest manifest;
        try (InputStream in = mf.openStream()) {
            manifest = new java.util.jar.Manifest(in);
        }
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), manifest)) {
            java.util.Enumeration<URL> entries = b.findEntries("/", "*", true);
            while (entries != null && entries.hasMoreElements()) {
                URL u = entries.nextElement();
                String name = u.getPath().startsWith("/") ? u.getPath().substring(1) : u.getPath();
                if (name.isEmpty() || name.equals("META-INF/MANIFEST.MF") || name.equals("META-INF/")) {
                    continue;
                }
                out.putNextEntry(new java.util.jar.JarEntry(name));
                if (!name.endsWith("/")) {
                    try (InputStream in = u.openStream()) {
                        in.transferTo(out);
                    }
                }
                out.closeEntry();
            }
        }
    }

    /** A failure and its causes as one line. */
    static String oneLine(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable t = e.getCause(); t != null && t != e; t = t.getCause() == t ? null : t.getCause()) {
            sb.append(": ").append(t.getMessage());
        }
        return sb.toString().replaceAll("\\s*\\R\\s*", " ");
    }
}
