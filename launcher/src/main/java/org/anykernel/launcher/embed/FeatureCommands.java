package org.anykernel.launcher.embed;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.anykernel.launcher.BootConfigurationFile;
import org.anykernel.launcher.FeatureCatalog;
import org.anykernel.launcher.MavenRepository;
import org.anykernel.launcher.Profile;
import org.anykernel.launcher.ProfileBundle;
import org.anykernel.launcher.ProfileException;
import org.anykernel.launcher.Resolution;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * {@code kernel:feature list|install|uninstall NAME}: changes a running kernel by a feature, as a diff. It works out
 * the plan first (which bundles to install or uninstall, which configurations to create, change or delete, which
 * bundles a refresh would touch and why), checks it (the new set of bundles resolves, with the root cause and the
 * feature that would fix it when not; an uninstall leaves no bundle wired to one it removes), prints it, and only then
 * changes the kernel. An install refreshes nothing; an uninstall refreshes only the bundles it removes.
 *
 * <p>Registered by the launcher on the system bundle, in the {@code kernel} scope. Configurations go to ConfigAdmin as
 * kernel-base's boot configurations do (string values, lists as string arrays), through reflection: ConfigAdmin's
 * API classes are the bundle's, not the launcher's.
 */
public final class FeatureCommands {
    private static final long REFRESH_MILLIS = 10_000;

    private final BundleContext context;
    private final MavenRepository repository;
    private final Map<String, String> frameworkProperties;
    private final Set<String> installed = new LinkedHashSet<>();
    /** The packaged features: in the launcher's jar, so read once, when first needed. */
    private FeatureCatalog catalog;

    public FeatureCommands(BundleContext context, MavenRepository repository, Map<String, String> frameworkProperties,
            Collection<String> bootFeatures) {
        this.context = context;
        this.repository = repository;
        this.frameworkProperties = frameworkProperties;
        installed.addAll(bootFeatures);
    }

    /** The service properties that make Gogo offer {@code kernel:feature}. */
    static Dictionary<String, Object> properties() {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("osgi.command.scope", "kernel");
        p.put("osgi.command.function", new String[] {"feature"});
        return p;
    }

    /** {@code kernel:feature list}. */
    public synchronized String feature(String action) {
        if (!action.equals("list")) {
            throw new IllegalArgumentException("usage: kernel:feature list | install NAME | uninstall NAME");
        }
        Map<String, Bundle> present = bySymbolicName();
        StringBuilder out = new StringBuilder("FEATURE        STATE      BUNDLES\n");
        catalog().entries().forEach((name, e) -> {
            int have = 0;
            for (ProfileBundle b : bundlesOf(name)) {
                if (present.containsKey(symbolicName(b))) {
                    have++;
                }
            }
            String state = installed.contains(name) ? "installed" : have == e.bundles().size() && have > 0 ? "provided" : "-";
            out.append(String.format("%-14s %-10s %d/%d%n", name, state, have, e.bundles().size()));
        });
        return out.toString().stripTrailing();
    }

    /** {@code kernel:feature install NAME} and {@code kernel:feature uninstall NAME}. */
    public synchronized String feature(String action, String name) {
        try {
            return switch (action) {
                case "install" -> install(name);
                case "uninstall" -> uninstall(name);
                default -> throw new IllegalArgumentException("usage: kernel:feature list | install NAME | uninstall NAME");
            };
        } catch (ProfileException e) {
            throw new IllegalArgumentException(e.getMessage().lines().findFirst().orElse(e.getMessage()), e);
        }
    }

    private String install(String name) {
        Profile feature = Profile.load(List.of(name));
        List<ProfileBundle> wanted = feature.bundles(repository);
        Map<String, Bundle> present = bySymbolicName();
        List<ProfileBundle> toInstall = new ArrayList<>();
        for (ProfileBundle pb : wanted) {
            Bundle there = present.get(symbolicName(pb));
            if (there == null) {
                toInstall.add(pb);
            } else if (!there.getVersion().equals(new org.osgi.framework.Version(bundleVersion(pb)))) {
                throw new IllegalArgumentException("bundle conflict: " + pb.id() + " but the kernel runs " + there.getSymbolicName()
                        + " " + there.getVersion() + ": uninstall its feature first");
            }
        }
        Map<String, Map<String, Object>> configs = feature.configurations();
        // the kernel's bundles and the new ones must resolve together: checked before anything changes
        checkResolves(toInstall);
        StringBuilder out = new StringBuilder("plan: install " + name + "\n");
        for (ProfileBundle pb : toInstall) {
            out.append("  install    ").append(pb.id()).append(" (start level ").append(startLevel(pb)).append(")\n");
        }
        if (toInstall.isEmpty()) {
            out.append("  (every bundle is there already)\n");
        }
        Object cm = configAdmin();
        List<String> changed = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> e : configs.entrySet()) {
            Dictionary<String, Object> now = currentProperties(cm, e.getKey());
            Dictionary<String, Object> next = dictionary(e.getValue());
            if (now == null || !sameValues(now, next)) {
                out.append("  configure  ").append(e.getKey()).append(now == null ? " (new)" : " (changed)").append('\n');
                changed.add(e.getKey());
            }
        }
        out.append("  refresh    none\n");
        List<Bundle> added = new ArrayList<>();
        try {
            for (ProfileBundle pb : toInstall) {
                Bundle b = context.installBundle("reference:" + pb.location());
                added.add(b);
                b.adapt(BundleStartLevel.class).setStartLevel(startLevel(pb));
            }
            for (Bundle b : added) {
                if (b.getHeaders("").get(Constants.FRAGMENT_HOST) == null) {
                    b.start();
                }
            }
        } catch (BundleException | RuntimeException e) {
            for (Bundle b : added) {
                try {
                    b.uninstall();
                } catch (BundleException | IllegalStateException ignored) {
                    // undoing what can be undone; the error below says what went wrong
                }
            }
            throw new IllegalArgumentException("cannot install " + name + ": " + LaunchException.rootMessage(e), e);
        }
        for (String pid : changed) {
            update(cm, pid, dictionary(configs.get(pid)));
        }
        for (String note : optionalImportsLeftUnwired(added)) {
            out.append("  note       ").append(note).append('\n');
        }
        installed.add(name);
        out.append("done: ").append(added.size()).append(" bundle(s) installed and started, ").append(changed.size())
                .append(" configuration(s) applied, no bundle refreshed");
        return out.toString();
    }

    private String uninstall(String name) {
        Profile feature = Profile.load(List.of(name));
        Map<String, Bundle> present = bySymbolicName();
        // bundles another installed component feature lists stay
        Set<String> kept = new LinkedHashSet<>();
        FeatureCatalog catalog = catalog();
        for (String other : installed) {
            if (!other.equals(name) && catalog.get(other).map(e -> !e.profile()).orElse(false)) {
                for (ProfileBundle pb : bundlesOf(other)) {
                    kept.add(symbolicName(pb));
                }
            }
        }
        List<Bundle> remove = new ArrayList<>();
        for (ProfileBundle pb : feature.bundles(repository)) {
            Bundle b = present.get(symbolicName(pb));
            if (b != null && !kept.contains(b.getSymbolicName())) {
                remove.add(b);
            }
        }
        for (Bundle b : remove) {
            BundleWiring w = b.adapt(BundleWiring.class);
            if (w == null) {
                continue;
            }
            for (BundleWire wire : w.getProvidedWires(null)) {
                Bundle user = wire.getRequirer().getBundle();
                if (!remove.contains(user) && !user.equals(b)) {
                    throw new IllegalArgumentException("feature " + name + " is in use: " + user.getSymbolicName() + " is wired to "
                            + b.getSymbolicName() + " (" + wire.getCapability().getNamespace() + " "
                            + Resolution.nameOf(wire.getCapability(), "") + "): uninstall what uses it first");
                }
            }
        }
        FrameworkWiring fw = context.getBundle(0).adapt(FrameworkWiring.class);
        Collection<Bundle> closure = fw.getDependencyClosure(remove);
        Object cm = configAdmin();
        StringBuilder out = new StringBuilder("plan: uninstall " + name + "\n");
        for (Bundle b : remove) {
            out.append("  uninstall  ").append(b.getSymbolicName()).append(' ').append(b.getVersion()).append('\n');
        }
        List<String> deleted = new ArrayList<>();
        for (String pid : feature.configurations().keySet()) {
            if (currentProperties(cm, pid) != null) {
                out.append("  delete     ").append(pid).append('\n');
                deleted.add(pid);
            }
        }
        for (Bundle b : closure) {
            out.append("  refresh    ").append(b.getSymbolicName()).append(remove.contains(b) ? " (uninstalled)" : " (wired to one uninstalled)")
                    .append('\n');
        }
        for (String pid : deleted) {
            delete(cm, pid);
        }
        try {
            for (Bundle b : remove) {
                b.uninstall();
            }
        } catch (BundleException e) {
            throw new IllegalArgumentException("cannot uninstall " + name + ": " + e.getMessage(), e);
        }
        if (!remove.isEmpty()) {
            refresh(fw, remove);
        }
        installed.remove(name);
        out.append("done: ").append(remove.size()).append(" bundle(s) uninstalled, ").append(deleted.size())
                .append(" configuration(s) deleted, ").append(closure.size()).append(" bundle(s) refreshed");
        return out.toString();
    }

    private static void refresh(FrameworkWiring fw, List<Bundle> remove) {
        CountDownLatch done = new CountDownLatch(1);
        fw.refreshBundles(remove, event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                done.countDown();
            }
        });
        try {
            if (!done.await(REFRESH_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the refresh did not end within " + REFRESH_MILLIS / 1000 + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while refreshing", e);
        }
    }

    /**
     * Running bundles that import, optionally, a package a new bundle exports: they were resolved without it and see it
     * only after a refresh of their own, which an install does not do (it would restart them).
     */
    private List<String> optionalImportsLeftUnwired(List<Bundle> added) {
        List<String> out = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            BundleWiring w = b.adapt(BundleWiring.class);
            if (added.contains(b) || w == null) {
                continue;
            }
            for (org.osgi.framework.wiring.BundleRequirement req : b.adapt(org.osgi.framework.wiring.BundleRevision.class)
                    .getDeclaredRequirements(org.osgi.framework.namespace.PackageNamespace.PACKAGE_NAMESPACE)) {
                if (!"optional".equals(req.getDirectives().get("resolution"))
                        || w.getRequiredWires(null).stream().anyMatch(x -> x.getRequirement().equals(req))) {
                    continue;
                }
                for (Bundle n : added) {
                    org.osgi.framework.wiring.BundleRevision r = n.adapt(org.osgi.framework.wiring.BundleRevision.class);
                    if (r != null && r.getDeclaredCapabilities(req.getNamespace()).stream().anyMatch(req::matches)) {
                        out.add(b.getSymbolicName() + " imports " + Resolution.nameOf(r.getDeclaredCapabilities(req.getNamespace())
                                .stream().filter(req::matches).findFirst().orElseThrow(), Resolution.SYSTEM)
                                + " optionally and was resolved without it: it uses " + n.getSymbolicName()
                                + " only after a refresh (not done: it would restart it)");
                    }
                }
            }
        }
        return out;
    }

    private void checkResolves(List<ProfileBundle> toInstall) {
        if (toInstall.isEmpty()) {
            return;
        }
        try (Resolution r = new Resolution(frameworkProperties)) {
            for (Bundle b : context.getBundles()) {
                Path jar = jarOf(b);
                if (b.getBundleId() != 0 && jar != null) {
                    r.add(new ProfileBundle("bundle " + b.getBundleId() + " " + b.getSymbolicName(), jar, 0));
                }
            }
            for (ProfileBundle pb : toInstall) {
                r.add(pb);
            }
            r.resolve(catalog().hints(repository));
        }
    }

    private static Path jarOf(Bundle b) {
        String loc = b.getLocation();
        if (loc.startsWith("reference:")) {
            loc = loc.substring("reference:".length());
        }
        try {
            return loc.startsWith("file:") ? Path.of(URI.create(loc)) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private FeatureCatalog catalog() {
        if (catalog == null) {
            catalog = FeatureCatalog.packaged();
        }
        return catalog;
    }

    private List<ProfileBundle> bundlesOf(String feature) {
        List<ProfileBundle> out = new ArrayList<>();
        for (org.osgi.service.feature.ID id : catalog().get(feature).map(FeatureCatalog.Entry::bundles).orElse(List.of())) {
            out.add(new ProfileBundle(id.toString(), repository.path(id), 0));
        }
        return out;
    }

    private int startLevel(ProfileBundle pb) {
        return pb.startOrder() > 0 ? pb.startOrder() : 1;
    }

    private Map<String, Bundle> bySymbolicName() {
        Map<String, Bundle> out = new LinkedHashMap<>();
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName() != null) {
                out.put(b.getSymbolicName(), b);
            }
        }
        return out;
    }

    private static String symbolicName(ProfileBundle pb) {
        try {
            return pb.symbolicName();
        } catch (java.io.UncheckedIOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static String bundleVersion(ProfileBundle pb) {
        try {
            String v = pb.manifestHeader(Constants.BUNDLE_VERSION);
            return v.isEmpty() ? "0.0.0" : v.trim();
        } catch (java.io.UncheckedIOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    // ConfigAdmin, by reflection

    private Object configAdmin() {
        try {
            ServiceReference<?>[] refs = context.getAllServiceReferences("org.osgi.service.cm.ConfigurationAdmin", null);
            if (refs == null) {
                throw new IllegalStateException("no ConfigurationAdmin in this kernel");
            }
            return context.getService(refs[0]);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object configuration(Object cm, String pid) {
        int tilde = pid.indexOf('~');
        return tilde < 0 ? call(cm, "getConfiguration", new Class<?>[] {String.class, String.class}, pid, "?")
                : call(cm, "getFactoryConfiguration", new Class<?>[] {String.class, String.class, String.class},
                        pid.substring(0, tilde), pid.substring(tilde + 1), "?");
    }

    @SuppressWarnings("unchecked")
    private static Dictionary<String, Object> currentProperties(Object cm, String pid) {
        String filter = "(" + Constants.SERVICE_PID + "=" + pid + ")";
        Object[] list = (Object[]) call(cm, "listConfigurations", new Class<?>[] {String.class}, filter);
        if (list == null || list.length == 0) {
            return null;
        }
        return (Dictionary<String, Object>) call(list[0], "getProperties", new Class<?>[0]);
    }

    private static void update(Object cm, String pid, Dictionary<String, Object> values) {
        call(configuration(cm, pid), "updateIfDifferent", new Class<?>[] {Dictionary.class}, values);
    }

    private static void delete(Object cm, String pid) {
        call(configuration(cm, pid), "delete", new Class<?>[0]);
    }

    private static Dictionary<String, Object> dictionary(Map<String, Object> values) {
        // as kernel-base applies boot configurations: every value its string form, lists as string arrays
        Dictionary<String, Object> d = new Hashtable<>();
        values.forEach((k, v) -> {
            Object form = BootConfigurationFile.stringForm(v);
            if (!(form instanceof String[] list && list.length == 0)) { // an empty list is no key, as in the boot file
                d.put(k, form);
            }
        });
        return d;
    }

    private static boolean sameValues(Dictionary<String, Object> now, Dictionary<String, Object> next) {
        for (java.util.Enumeration<String> keys = next.keys(); keys.hasMoreElements();) {
            String k = keys.nextElement();
            Object a = now.get(k);
            Object b = next.get(k);
            if (!(a instanceof Object[] x && b instanceof Object[] y ? java.util.Arrays.equals(x, y) : String.valueOf(a).equals(String.valueOf(b)))) {
                return false;
            }
        }
        return true;
    }

    private static Object call(Object target, String method, Class<?>[] types, Object... args) {
        try {
            Method m = publicMethod(target.getClass(), method, types);
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new IllegalStateException("ConfigAdmin: " + method + ": " + cause.getMessage(), cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("ConfigAdmin: " + method + ": " + e, e);
        }
    }

    /** The method as declared by a public interface the object implements (its class may be private to its bundle). */
    private static Method publicMethod(Class<?> c, String name, Class<?>[] types) throws NoSuchMethodException {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            for (Class<?> i : k.getInterfaces()) {
                try {
                    return i.getMethod(name, types);
                } catch (NoSuchMethodException e) {
                    // another interface
                }
            }
        }
        return c.getMethod(name, types);
    }
}
