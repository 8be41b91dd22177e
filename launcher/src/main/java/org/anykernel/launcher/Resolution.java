package org.anykernel.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.apache.felix.resolver.Logger;
import org.apache.felix.resolver.ResolverImpl;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.Version;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.namespace.IdentityNamespace;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.resource.Capability;
import org.osgi.resource.Namespace;
import org.osgi.resource.Requirement;
import org.osgi.resource.Resource;
import org.osgi.resource.Wire;
import org.osgi.resource.Wiring;
import org.osgi.service.resolver.HostedCapability;
import org.osgi.service.resolver.ResolutionException;
import org.osgi.service.resolver.ResolveContext;

/**
 * Resolves a set of bundles ahead of time, with the OSGi resolver that Felix itself uses
 * ({@code org.apache.felix.resolver}), against the system bundle of the very framework that will boot them
 * (its exports depend on the JVM and on the framework properties). The bundles are installed into a framework
 * that is initialised but never started, only so that Felix parses their manifests; nothing runs.
 *
 * <p>The outcome is the wiring, one {@link Link} per wire, which a composed kernel's lock file records and
 * its boot enforces; or a {@link ProfileException} whose first line is the root cause and what would fix it.
 *
 * <p>Not thread-safe; close it to delete its framework storage.
 */
public final class Resolution implements AutoCloseable {
    /** How the lock file names the system bundle as a provider. */
    public static final String SYSTEM = "system";

    /**
     * One wire: {@code requirer} (a Maven id) gets {@code name} in {@code namespace} (a package, an extender, an
     * execution environment...) from {@code provider} (a Maven id, or {@value #SYSTEM}).
     */
    public record Link(String requirer, String namespace, String name, String provider) implements Comparable<Link> {
        @Override
        public int compareTo(Link o) {
            int c = requirer.compareTo(o.requirer);
            c = c != 0 ? c : namespace.compareTo(o.namespace);
            c = c != 0 ? c : name.compareTo(o.name);
            return c != 0 ? c : provider.compareTo(o.provider);
        }

        /** The lock file's text of the wire, without the requirer: {@code namespace name -> provider}. */
        public String text() {
            return namespace + " " + name + " -> " + provider;
        }
    }

    private final Framework framework;
    private final Path storage;
    private final BundleRevision system;
    /** Every installed revision, by Maven id, in install order: the composition's first, then the catalog's. */
    private final Map<String, BundleRevision> revisions = new LinkedHashMap<>();
    private final Map<BundleRevision, String> ids = new HashMap<>();

    /**
     * A framework ready to take bundles, with the framework properties the kernel will boot with.
     *
     * @throws ProfileException when the framework does not initialise
     */
    public Resolution(Map<String, String> frameworkProperties) {
        try {
            storage = Files.createTempDirectory("anyk-resolve-");
        } catch (IOException e) {
            throw new ProfileException(ProfileException.Kind.MISSING, "cannot make a temporary directory: " + e.getMessage());
        }
        Map<String, String> config = new HashMap<>(frameworkProperties);
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put("felix.log.level", "0");
        // no JVM-wide URL handlers: another framework in this JVM (a kernel, a test container) has them
        config.put("felix.service.urlhandlers", "false");
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class, Resolution.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new ProfileException(ProfileException.Kind.MISSING, "no OSGi framework on the class path"));
        framework = factory.newFramework(config);
        try {
            framework.init();
        } catch (BundleException e) {
            close();
            throw new ProfileException(ProfileException.Kind.MISSING, "framework: " + e.getMessage());
        }
        system = framework.adapt(BundleRevision.class);
    }

    /**
     * Reads a bundle's manifest (nothing of it runs). Adding the same Maven id twice is a no-op.
     *
     * @throws ProfileException naming the bundle when it is not a valid bundle, or when another bundle already
     *                          added has the same symbolic name (two versions of one bundle)
     */
    public BundleRevision add(ProfileBundle pb) {
        BundleRevision known = revisions.get(pb.id());
        if (known != null) {
            return known;
        }
        Bundle b;
        try {
            b = framework.getBundleContext().installBundle("reference:" + pb.location());
        } catch (BundleException e) {
            if (e.getType() == BundleException.DUPLICATE_BUNDLE_ERROR) {
                throw ProfileException.invalid("bundle conflict: " + pb.id() + " has the symbolic name and version of "
                        + idOfSymbolicName(pb.symbolicName()) + ": keep one");
            }
            throw ProfileException.invalid("bundle " + pb.id() + " is not a valid OSGi bundle: " + e.getMessage());
        }
        BundleRevision r = b.adapt(BundleRevision.class);
        for (Map.Entry<String, BundleRevision> e : revisions.entrySet()) {
            if (e.getValue().getSymbolicName().equals(r.getSymbolicName())) {
                throw ProfileException.invalid("bundle conflict: " + e.getKey() + " and " + pb.id() + " are both "
                        + r.getSymbolicName() + " (versions " + e.getValue().getVersion() + " and " + r.getVersion() + "): keep one");
            }
        }
        revisions.put(pb.id(), r);
        ids.put(r, pb.id());
        return r;
    }

    /** Adds a bundle only to search its capabilities for hints; it may share a name with a composed one. */
    BundleRevision addForHints(ProfileBundle pb) {
        BundleRevision known = revisions.get(pb.id());
        if (known != null) {
            return known;
        }
        try (java.io.InputStream in = Files.newInputStream(pb.file())) {
            // its own location, so that it is never mistaken for a bundle of the composition
            Bundle b = framework.getBundleContext().installBundle("hint:" + pb.id(), in);
            BundleRevision r = b.adapt(BundleRevision.class);
            ids.put(r, pb.id());
            return r;
        } catch (BundleException | IOException e) {
            return null; // only a hint is lost
        }
    }

    private String idOfSymbolicName(String bsn) {
        return revisions.entrySet().stream().filter(e -> e.getValue().getSymbolicName().equals(bsn)).map(Map.Entry::getKey)
                .findFirst().orElse("another bundle");
    }

    /** The Maven id of a revision added here, or {@value #SYSTEM} for the system bundle. */
    String idOf(Resource r) {
        return r == system ? SYSTEM : ids.get(r);
    }

    /**
     * Resolves every bundle added with {@link #add} together, against the system bundle and each other (not the ones
     * added for hints).
     *
     * @param hints where to look for a feature that would supply what is missing (may be empty)
     * @return the wires, sorted
     * @throws ProfileException of kind {@code INVALID} whose first line is the root cause and its fix, followed
     *                          by the chain of requirements that led to it
     */
    public List<Link> resolve(FeatureCatalog.Hints hints) {
        Context ctx = new Context(new ArrayList<>(revisions.values()));
        Map<Resource, List<Wire>> wiring;
        try {
            wiring = new ResolverImpl(new Logger(Logger.LOG_ERROR), 1).resolve(ctx);
        } catch (ResolutionException e) {
            throw diagnose(ctx, e, hints);
        }
        List<Link> links = new ArrayList<>();
        for (Map.Entry<Resource, List<Wire>> e : wiring.entrySet()) {
            if (e.getKey() == system) {
                continue;
            }
            for (Wire w : e.getValue()) {
                Capability c = w.getCapability();
                String provider = idOf(w.getProvider());
                links.add(new Link(idOf(w.getRequirer()), c.getNamespace(), nameOf(c, provider), provider));
            }
        }
        Collections.sort(links);
        return links;
    }

    /**
     * What a capability is called in its namespace: the package, the extender, the symbolic name..., with its
     * version unless the system bundle provides it (its exports are the JVM's, which may differ between compose
     * and boot).
     */
    public static String nameOf(Capability c, String provider) {
        Object v = c.getAttributes().get(c.getNamespace());
        if (v == null) {
            v = c.getAttributes().get(IdentityNamespace.IDENTITY_NAMESPACE);
        }
        if (v instanceof List<?> l) {
            v = String.join(",", l.stream().map(String::valueOf).toList());
        }
        if (SYSTEM.equals(provider)) {
            return String.valueOf(v);
        }
        Object version = c.getAttributes().get(c.getNamespace().equals(PackageNamespace.PACKAGE_NAMESPACE)
                ? PackageNamespace.CAPABILITY_VERSION_ATTRIBUTE : "version");
        return v + (version == null ? "" : ";" + version);
    }

    private ProfileException diagnose(Context ctx, ResolutionException e, FeatureCatalog.Hints hints) {
        // a requirement nothing at all provides is a root cause; whatever else fails, fails because of one
        for (Resource r : ctx.mandatory) {
            for (Requirement req : r.getRequirements(null)) {
                if (!ctx.isEffective(req) || optional(req) || dynamic(req) || !ctx.findProviders(req).isEmpty()) {
                    continue;
                }
                String what = describe(req);
                String bsn = ((BundleRevision) r).getSymbolicName();
                String fix = hints.featureProviding(this, req)
                        .map(f -> "add the feature " + f)
                        .orElse("no known feature provides it");
                StringBuilder msg = new StringBuilder("missing " + what + " required by " + bsn + ": " + fix);
                msg.append("\n  ").append(bsn).append(" (").append(ids.get(r)).append(") requires ")
                        .append(req.getDirectives().get(Namespace.REQUIREMENT_FILTER_DIRECTIVE));
                for (Resource dependent : dependents(ctx, r)) {
                    msg.append("\n  which ").append(((BundleRevision) dependent).getSymbolicName()).append(" (")
                            .append(ids.get(dependent)).append(") needs");
                }
                return ProfileException.invalid(msg.toString());
            }
        }
        String text = e.getMessage() == null ? "the bundles do not resolve together" : e.getMessage();
        int cut = text.indexOf(" Unresolved requirements:");
        String first = (cut > 0 ? text.substring(0, cut) : text).lines().findFirst().orElse(text);
        return ProfileException.invalid("the bundles do not resolve together: " + first + "\n  " + text);
    }

    /** The resources that are unresolvable because {@code root} is: those whose providers of something are all it. */
    private List<Resource> dependents(Context ctx, Resource root) {
        List<Resource> out = new ArrayList<>();
        Set<Resource> failing = new LinkedHashSet<>(List.of(root));
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Resource r : ctx.mandatory) {
                if (failing.contains(r)) {
                    continue;
                }
                for (Requirement req : r.getRequirements(null)) {
                    if (!ctx.isEffective(req) || optional(req) || dynamic(req)) {
                        continue;
                    }
                    List<Capability> providers = ctx.findProviders(req);
                    if (!providers.isEmpty() && providers.stream().allMatch(c -> failing.contains(c.getResource()))) {
                        failing.add(r);
                        out.add(r);
                        grew = true;
                        break;
                    }
                }
            }
        }
        return out;
    }

    /** {@code package org.x (version>=1.0)} and the like, from a requirement's filter. */
    static String describe(Requirement req) {
        String filter = req.getDirectives().getOrDefault(Namespace.REQUIREMENT_FILTER_DIRECTIVE, "");
        String ns = req.getNamespace();
        String name = attribute(filter, ns);
        return switch (ns) {
            case PackageNamespace.PACKAGE_NAMESPACE -> "package " + name;
            case "osgi.extender" -> "extender " + name;
            case "osgi.ee" -> "execution environment " + name;
            case "osgi.wiring.bundle" -> "bundle " + name;
            default -> "capability " + ns + (name.isEmpty() ? " " + filter : " " + name);
        };
    }

    private static String attribute(String filter, String name) {
        int i = filter.indexOf("(" + name + "=");
        if (i < 0) {
            return "";
        }
        int start = i + name.length() + 2;
        int end = filter.indexOf(')', start);
        return end < 0 ? filter.substring(start) : filter.substring(start, end);
    }

    static boolean optional(Requirement req) {
        return Namespace.RESOLUTION_OPTIONAL.equals(req.getDirectives().get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE));
    }

    static boolean dynamic(Requirement req) {
        return PackageNamespace.RESOLUTION_DYNAMIC.equals(req.getDirectives().get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE));
    }

    /** Every capability of an added or hinted revision, for hint searches. */
    List<Capability> matching(Requirement req, Collection<BundleRevision> among) {
        List<Capability> out = new ArrayList<>();
        for (BundleRevision r : among) {
            for (Capability c : r.getCapabilities(req.getNamespace())) {
                if (matches(req, c)) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    private static boolean matches(Requirement req, Capability c) {
        return req instanceof BundleRequirement br && c instanceof BundleCapability bc && br.matches(bc);
    }

    /** The resolve context: the system bundle (resolved already) and the given bundles, nothing else. */
    private final class Context extends ResolveContext {
        final List<Resource> mandatory;
        private final Map<Resource, Wiring> wirings;

        Context(List<Resource> mandatory) {
            this.mandatory = mandatory;
            this.wirings = Map.of(system, framework.adapt(BundleWiring.class));
        }

        @Override
        public Collection<Resource> getMandatoryResources() {
            return mandatory;
        }

        @Override
        public List<Capability> findProviders(Requirement requirement) {
            List<Capability> out = new ArrayList<>();
            for (Capability c : system.getCapabilities(requirement.getNamespace())) {
                if (matches(requirement, c)) {
                    out.add(c);
                }
            }
            List<Capability> bundles = new ArrayList<>();
            for (Resource r : mandatory) {
                for (Capability c : r.getCapabilities(requirement.getNamespace())) {
                    if (matches(requirement, c)) {
                        bundles.add(c);
                    }
                }
            }
            // as Felix prefers: the highest version first, then install order (a stable sort keeps it)
            bundles.sort((a, b) -> version(b).compareTo(version(a)));
            out.addAll(bundles);
            return out;
        }

        private Version version(Capability c) {
            Object v = c.getAttributes().get(c.getNamespace().equals(PackageNamespace.PACKAGE_NAMESPACE)
                    ? PackageNamespace.CAPABILITY_VERSION_ATTRIBUTE : "version");
            return v instanceof Version ver ? ver : Version.emptyVersion;
        }

        @Override
        public int insertHostedCapability(List<Capability> capabilities, HostedCapability hostedCapability) {
            capabilities.add(hostedCapability);
            return capabilities.size() - 1;
        }

        @Override
        public boolean isEffective(Requirement requirement) {
            String effective = requirement.getDirectives().get(Namespace.REQUIREMENT_EFFECTIVE_DIRECTIVE);
            return effective == null || effective.equals(Namespace.EFFECTIVE_RESOLVE);
        }

        @Override
        public Map<Resource, Wiring> getWirings() {
            return wirings;
        }
    }

    @Override
    public void close() {
        try {
            framework.stop();
            framework.waitForStop(5000);
        } catch (BundleException | InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> walk = Files.walk(storage)) {
            walk.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: best effort
        }
    }

    /** The wires as the lock file keeps them: by requirer, each {@link Link#text()}, in order. */
    static Map<String, List<String>> byRequirer(List<Link> links) {
        Map<String, List<String>> out = new TreeMap<>();
        for (Link l : links) {
            out.computeIfAbsent(l.requirer(), k -> new ArrayList<>()).add(l.text());
        }
        return out;
    }
}
