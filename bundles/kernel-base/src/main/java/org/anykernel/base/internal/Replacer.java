package org.anykernel.base.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.anykernel.base.api.DomainState;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.spi.StateTransfer;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * {@code kernel:replace} and {@code kernel:update}: swap a driver bundle for another build while the rest of the kernel
 * runs. The new build is installed beside the running one first (a bundle of its own, location
 * {@code anyk-update:DRIVER:N}; same symbolic name and version are let in by {@link Staging}), resolved and its classes
 * loaded, while calls still go to the running build. Only then are the domain's calls held: the old bundle is stopped,
 * the new one started, and the fronts re-target its services (for an update, the old build's services hand their
 * state over first, {@link StateTransfer}). After the calls resume, the old bundle is uninstalled. What the pause
 * holds, for an update of a build whose components wait to be asked (started ahead): waiting for the calls running on
 * the old threads (not for the threads to end), the export, swapping each front to the new build's object (the old
 * object is let go of, its component deactivated, only after the calls resume) and the import. If the new build
 * does not resolve or start, declares another driver name, its services are not all bound within the domain's hold
 * time, or it does not take the state, it is uninstalled and the old bundle (never touched) is started again with its
 * state: rollback.
 */
final class Replacer {
    /** Location prefix of the builds installed by a replace or an update. */
    static final String LOCATION_PREFIX = "anyk-update:";
    private static final System.Logger LOG = System.getLogger(Replacer.class.getName());
    /** The Declarative Services namespaces' common prefix (1.0 to 1.5). */
    private static final String SCR_NAMESPACE = "http://www.osgi.org/xmlns/scr/";

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
        String op = transfer ? "update" : "replace";
        if (transfer) {
            for (Front f : fronts) {
                if (!(f.target() instanceof StateTransfer)) {
                    throw new KernelException(Errno.EOPNOTSUPP, "update " + driver, "its service " + f.describeService()
                            + " cannot hand over its state (no StateTransfer): use kernel:replace");
                }
            }
        }
        if (!supervisor.beginExclusive(d)) {
            throw new KernelException(Errno.EBUSY, op + " " + driver, "domain " + d.name() + " is restarting");
        }
        String oldVersion = b.getVersion().toString();
        String faultBefore = d.info(List.of()).lastFault();
        List<Front> suspended = new ArrayList<>();
        boolean touched = false; // whether the running build was stopped or let go of its driver objects
        Bundle nb = null;
        try {
            events.post(transfer ? "UPDATING" : "REPLACING", d.name(), driver + " " + oldVersion + " with "
                    + (location == null ? "the same build" : location));
            // the expensive part, while calls still go to the running build: install, resolve, load the classes,
            // and start it if it does nothing until its services are asked for
            Staged staged = stage(b, d, driver, next, op);
            nb = staged.bundle;
            if (staged.failure != null) {
                String gone = uninstall(nb);
                throw rolledBack(d, driver, op, oldVersion, staged.failure + (gone == null ? "" : "; " + gone), null);
            }
            Domain.Mode fresh = d.freshMode(); // its threads start now, not within the pause
            d.setState(DomainState.RESTARTING);
            // quiesce: new calls wait at the fronts; queued and running ones finish on the old threads, uninterrupted
            long t0 = System.nanoTime(); // from here on, calls wait: the pause they see
            fronts.forEach(Front::suspend);
            suspended.addAll(fronts);
            if (!d.drainThreads(fresh, d.descriptor().watchdogMillis())) {
                d.resetThreads("domain " + d.name() + ": calls still running after the watchdog time");
            }
            Map<Front, Map<String, Object>> states = new HashMap<>();
            String failure = transfer ? exportStates(d, fronts, states) : null;
            if (failure != null) {
                // the running build was not touched: it goes on, with the state it kept
                finish(d);
                resume(suspended);
                String gone = uninstall(nb);
                throw rolledBack(d, driver, op, oldVersion, failure + (gone == null ? "" : "; " + gone), null);
            }
            touched = true;
            List<Runnable> later = new ArrayList<>();
            failure = switchTo(b, nb, d, driver, staged.started, transfer ? later : null);
            if (failure == null && transfer) {
                failure = importStates(d, states);
            }
            if (failure != null) {
                later.forEach(Runnable::run);
                String back = switchBack(b, nb, d);
                if (back == null && transfer) {
                    back = importStates(d, states);
                }
                finish(d);
                resume(suspended);
                String gone = uninstall(nb);
                throw rolledBack(d, driver, op, oldVersion, failure, back == null ? gone : gone == null ? back
                        : back + "; " + gone);
            }
            finish(d);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            resume(suspended);
            later.forEach(Runnable::run); // the old build's objects go now, out of the pause
            // the swap is done: the old build goes, and the new one starts with the framework as the old one did
            String left = keepStarted(b, nb);
            String gone = uninstall(b);
            String line = driver + " " + oldVersion + " -> " + nb.getVersion() + " in domain " + d.name() + ", calls held "
                    + ms + " ms" + (transfer ? ", state of " + states.size() + " service(s) handed over" : "")
                    + (left == null ? "" : "; " + left) + (gone == null ? "" : "; " + gone);
            events.post(transfer ? "UPDATED" : "REPLACED", d.name(), line);
            return line;
        } finally {
            resume(suspended);
            if (nb != null && manager.staging().isStaged(nb) && nb.getState() != Bundle.UNINSTALLED) {
                // only after a failure of the kernel's own (the new build's failures are reported above): the new
                // build must not stay beside the running one
                String gone = uninstall(nb);
                if (gone != null) {
                    events.post("WARNING", d.name(), driver + ": " + gone);
                }
            }
            supervisor.endExclusive(d);
            String fault = d.info(List.of()).lastFault();
            if (!touched && !fault.equals(faultBefore)) {
                // a fault of the running build while the new one was being staged was merged into this operation,
                // which then left the running build alone: restart it now, as the fault asked
                supervisor.schedule(d, "fault during a " + op + ": " + fault, false);
            }
        }
    }

    /** The new build installed beside the running one, or why it cannot be (then {@code bundle} may be null). */
    private record Staged(Bundle bundle, String failure, boolean started) {
        Staged(Bundle bundle, String failure) {
            this(bundle, failure, false);
        }
    }

    /**
     * Installs the build at {@code jar} (the running one's content when null) beside {@code b}, with {@code b}'s start
     * level, resolves it and loads and initialises its classes; a failure is the new build's (to report as a rollback), a
     * {@link KernelException} is the kernel's (nothing to roll back).
     */
    private Staged stage(Bundle b, Domain d, String driver, Path jar, String op) {
        Path source = jar;
        Path saved = null;
        try {
            if (source == null) {
                try {
                    saved = Files.createTempFile("anyk-update-" + driver + "-", ".jar");
                    saveCurrent(b, saved);
                } catch (IOException e) {
                    throw new KernelException(Errno.EIO, op + " " + driver, "cannot save the running build of "
                            + b.getSymbolicName() + ": " + e.getMessage());
                }
                source = saved;
            }
            Bundle nb;
            try (InputStream in = Files.newInputStream(source)) {
                nb = manager.staging().installBeside(manager.context(), nextLocation(driver), in, b);
            } catch (BundleException | IOException | IllegalStateException e) {
                return new Staged(null, "it could not be installed beside the running build: " + oneLine(e));
            }
            String now = DomainManager.driverName(nb);
            if (!driver.equals(now)) {
                return new Staged(nb, "the new build is driver " + (now == null ? "(none)" : "'" + now + "'")
                        + ", not '" + driver + "'");
            }
            BundleStartLevel was = b.adapt(BundleStartLevel.class);
            if (was != null) {
                nb.adapt(BundleStartLevel.class).setStartLevel(was.getStartLevel());
            }
            FrameworkWiring fw = manager.context().getBundle(0).adapt(FrameworkWiring.class);
            if (!fw.resolveBundles(List.of(nb))) {
                return new Staged(nb, "it did not start: it does not resolve" + unresolvedReason(nb));
            }
            String cold = warm(nb);
            if (cold != null) {
                return new Staged(nb, "it did not start: " + cold);
            }
            if (!quietUntilAsked(nb)) {
                return new Staged(nb, null, false); // started within the pause, once the running build is stopped
            }
            try {
                nb.start(Bundle.START_TRANSIENT);
            } catch (BundleException | IllegalStateException e) {
                return new Staged(nb, "it did not start: " + oneLine(e));
            }
            long hold = d.descriptor().holdMillis();
            if (!manager.awaitCovers(nb, d, driver, hold)) {
                return new Staged(nb, "its services were not all up within " + hold + " ms");
            }
            return new Staged(nb, null, true);
        } finally {
            if (saved != null) {
                try {
                    Files.deleteIfExists(saved);
                } catch (IOException e) {
                    saved.toFile().deleteOnExit();
                }
            }
        }
    }

    /** A location no installed bundle has: {@code anyk-update:DRIVER:N}. */
    private String nextLocation(String driver) {
        String prefix = LOCATION_PREFIX + driver + ":";
        long n = 0;
        for (Bundle o : manager.context().getBundles()) {
            String loc = o.getLocation();
            if (loc.startsWith(prefix)) {
                String suffix = loc.substring(prefix.length());
                if (!suffix.isEmpty() && suffix.chars().allMatch(Character::isDigit) && suffix.length() < 18) {
                    n = Math.max(n, Long.parseLong(suffix));
                } // else not of the form made here: it cannot be the location chosen
            }
        }
        return prefix + (n + 1);
    }

    /** Why {@code nb} does not resolve, as the framework says when asked for a class (": ..."), or "". */
    private static String unresolvedReason(Bundle nb) {
        String activator = nb.getHeaders("").get(Constants.BUNDLE_ACTIVATOR);
        try {
            nb.loadClass(activator != null ? activator.trim() : "java.lang.Object");
            return "";
        } catch (ClassNotFoundException | IllegalStateException e) {
            return ": " + oneLine(e);
        }
    }

    /**
     * Loads and initialises every class of the new build through its class loader, so that the pause defines,
     * verifies and initialises none; null, or why its activator cannot be loaded (it would not start). A class that does not load for
     * another reason (an optional import missing) is not the build's failure: SCR or the first call will say.
     */
    private static String warm(Bundle nb) {
        String activator = nb.getHeaders("").get(Constants.BUNDLE_ACTIVATOR);
        org.osgi.framework.wiring.BundleWiring wiring = nb.adapt(org.osgi.framework.wiring.BundleWiring.class);
        ClassLoader loader = wiring == null ? null : wiring.getClassLoader(); // resolved by now
        Enumeration<URL> classes = loader == null ? null : nb.findEntries("/", "*.class", true);
        while (classes != null && classes.hasMoreElements()) {
            String path = classes.nextElement().getPath();
            String name = path.substring(path.startsWith("/") ? 1 : 0, path.length() - ".class".length()).replace('/', '.');
            if (name.endsWith("package-info") || name.endsWith("module-info") || name.startsWith("META-INF.")
                    || name.startsWith("OSGI-INF.") || name.startsWith("OSGI-OPT.")) {
                continue;
            }
            try {
                // loaded, verified and initialised now (a driver's classes have no static side effects to wait
                // for): the first call after the swap would otherwise do it within the pause
                Class.forName(name, true, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                LOG.log(System.Logger.Level.DEBUG, "{0}: class {1} not loaded ahead: {2}", nb.getSymbolicName(), name,
                        oneLine(e));
            }
        }
        if (activator != null) {
            try {
                nb.loadClass(activator.trim());
            } catch (ClassNotFoundException | LinkageError e) {
                return "its activator " + activator.trim() + " cannot be loaded: " + oneLine(e);
            }
        }
        return null;
    }

    /**
     * Whether {@code nb} does nothing when started until its services are asked for, so it may be started beside the
     * running build before the pause: no activator, and every DS component delayed (it provides services, not
     * {@code immediate}, no factory) with only kernel services (hidden from all but kernel-base until the fronts take
     * them). Anything else (an immediate component opening a device, say) starts within the pause, once the running
     * build is stopped.
     */
    static boolean quietUntilAsked(Bundle nb) {
        java.util.Dictionary<String, String> h = nb.getHeaders("");
        if (h.get(Constants.BUNDLE_ACTIVATOR) != null) {
            return false;
        }
        String sc = h.get("Service-Component");
        if (sc == null || sc.isBlank()) {
            return false; // nothing starts its services: let the pause show it (they never come up)
        }
        for (String entry : sc.split(",")) {
            String path = entry.trim();
            int slash = path.lastIndexOf('/');
            Enumeration<URL> xmls = nb.findEntries(slash < 0 ? "/" : path.substring(0, slash), path.substring(slash + 1),
                    false);
            if (xmls == null || !xmls.hasMoreElements()) {
                return false;
            }
            while (xmls.hasMoreElements()) {
                if (!quietComponents(nb, xmls.nextElement())) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether every component the description at {@code xml} declares is delayed and provides only kernel services. */
    private static boolean quietComponents(Bundle nb, URL xml) {
        org.w3c.dom.Document doc;
        try (InputStream in = xml.openStream()) {
            javax.xml.parsers.DocumentBuilderFactory f = javax.xml.parsers.DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(javax.xml.XMLConstants.FEATURE_SECURE_PROCESSING, true);
            doc = f.newDocumentBuilder().parse(in);
        } catch (IOException | javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: {1} not read ({2}): started within the pause",
                    nb.getSymbolicName(), xml.getPath(), oneLine(e));
            return false;
        }
        org.w3c.dom.NodeList components = doc.getElementsByTagNameNS("*", "component");
        if (components.getLength() == 0) {
            return false;
        }
        for (int i = 0; i < components.getLength(); i++) {
            org.w3c.dom.Element c = (org.w3c.dom.Element) components.item(i);
            String ns = c.getNamespaceURI();
            if ((ns != null && !ns.startsWith(SCR_NAMESPACE)) || "true".equals(c.getAttribute("immediate"))
                    || !c.getAttribute("factory").isEmpty()) {
                return false;
            }
            org.w3c.dom.NodeList provides = c.getElementsByTagNameNS("*", "provide");
            if (provides.getLength() == 0) {
                return false; // no service: an immediate component
            }
            for (int k = 0; k < provides.getLength(); k++) {
                String iface = ((org.w3c.dom.Element) provides.item(k)).getAttribute("interface");
                try {
                    Class<?> t = nb.loadClass(iface);
                    if (!t.isInterface() || !t.isAnnotationPresent(org.anykernel.base.api.KernelService.class)) {
                        return false;
                    }
                } catch (ClassNotFoundException | LinkageError | IllegalStateException e) {
                    LOG.log(System.Logger.Level.DEBUG, "{0}: service {1} not loaded ({2}): started within the pause",
                            nb.getSymbolicName(), iface, oneLine(e));
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Hands the fronts over to the new build, in the pause: if it was started beside the running one, its services
     * take the fronts (the running build's driver objects are let go); else the running build is stopped first, then
     * the new one started. Null if every front has a driver object of the new build, else why not.
     */
    private String switchTo(Bundle b, Bundle nb, Domain d, String driver, boolean started, List<Runnable> later) {
        long hold = d.descriptor().holdMillis();
        if (!started) {
            try {
                supervisor.stopQuietly(b);
                nb.start(Bundle.START_TRANSIENT);
            } catch (BundleException | IllegalStateException e) {
                return "it did not start: " + oneLine(e);
            }
            if (!manager.awaitCovers(nb, d, driver, hold)) {
                return "its services were not all up within " + hold + " ms";
            }
        }
        manager.staging().stage(b);
        try {
            return manager.retarget(nb, d, started ? later : null);
        } catch (IllegalStateException e) {
            // a service of the new build went away under the swap (its bundle stopped)
            return "its services did not stay up: " + oneLine(e);
        }
    }

    /** Puts the old build back after {@link #switchTo} failed; null if its services came back, else why not. */
    private String switchBack(Bundle b, Bundle nb, Domain d) {
        try {
            manager.staging().stage(nb);
            supervisor.stopQuietly(nb);
            if (b.getState() != Bundle.ACTIVE) {
                manager.staging().unstage(b);
                b.start(Bundle.START_TRANSIENT); // its services take the fronts as they register
            } else {
                String failure = manager.retarget(b, d);
                if (failure != null) {
                    return "the previous build: " + failure;
                }
            }
        } catch (BundleException | IllegalStateException e) {
            return "the previous build did not start again: " + oneLine(e);
        }
        long hold = d.descriptor().holdMillis();
        if (!manager.awaitBound(d, hold)) {
            return "the previous build's services were not all up within " + hold + " ms";
        }
        return null;
    }

    /**
     * The new build starts with the framework if the old one did (the swap started it transiently); null, or what
     * could not be done.
     */
    private static String keepStarted(Bundle b, Bundle nb) {
        BundleStartLevel was = b.adapt(BundleStartLevel.class);
        if (was == null || !was.isPersistentlyStarted()) {
            return null;
        }
        try {
            nb.start(was.isActivationPolicyUsed() ? Bundle.START_ACTIVATION_POLICY : 0);
            return null;
        } catch (BundleException | IllegalStateException e) {
            return "the new build will not start with the framework: " + oneLine(e);
        }
    }

    /** Uninstalls a build no longer used, and lets the framework drop its class loader (not waited for). */
    private String uninstall(Bundle x) {
        if (x == null || x.getState() == Bundle.UNINSTALLED) {
            return null;
        }
        String what = x.getSymbolicName() + " " + x.getVersion() + " (bundle " + x.getBundleId() + ")";
        try {
            supervisor.stopQuietly(x);
            x.uninstall();
        } catch (BundleException | IllegalStateException e) {
            return "the unused build " + what + " could not be uninstalled: " + oneLine(e);
        }
        FrameworkWiring fw = manager.context().getBundle(0).adapt(FrameworkWiring.class);
        if (fw.getRemovalPendingBundles().contains(x)) {
            fw.refreshBundles(List.of(x));
        }
        return null;
    }

    private static void resume(List<Front> suspended) {
        suspended.forEach(Front::resume);
        suspended.clear();
    }

    private KernelException rolledBack(Domain d, String driver, String op, String oldVersion, String failure,
            String back) {
        String why = failure + (back == null ? "" : "; putting the previous build back failed too: " + back);
        events.post("ROLLED_BACK", d.name(), driver + ": " + why);
        return new KernelException(Errno.EIO, op + " " + driver, "rolled back to " + oldVersion + ": " + why);
    }

    /** Has each front's driver object export its state into {@code states}; null if all did, else why not. */
    private static String exportStates(Domain d, List<Front> fronts, Map<Front, Map<String, Object>> states) {
        String[] failure = new String[1];
        inDomain(d, () -> {
            for (Front f : fronts) {
                try {
                    states.put(f, ((StateTransfer) f.target()).exportState());
                } catch (RuntimeException x) {
                    failure[0] = "the running build's " + f.describeService() + " did not hand over its state: " + oneLine(x);
                    return;
                }
            }
        });
        return failure[0];
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

    private Bundle find(String what) {
        for (Bundle b : manager.context().getBundles()) {
            String driver = DomainManager.driverName(b);
            // not a build beside the running one (an update under way, or the previous build about to go)
            if (driver != null && !manager.staging().isStaged(b)
                    && (what.equals(driver) || what.equals(b.getSymbolicName()))) {
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
