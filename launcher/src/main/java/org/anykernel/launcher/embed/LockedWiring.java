package org.anykernel.launcher.embed;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.anykernel.launcher.Resolution;
import org.osgi.framework.Bundle;
import org.osgi.framework.hooks.resolver.ResolverHook;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRequirement;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.resource.Namespace;

/**
 * Makes Felix wire a composed kernel exactly as its lock file says: for a bundle of the lock, every candidate
 * the framework offers for a requirement that the lock does not list as that bundle's wire is taken away, so
 * each requirement has one candidate (the one chosen at compose time) or none. Bundles installed later (by
 * {@code kernel:feature install}) and dynamic imports are left to the framework.
 *
 * <p>Registered on the system bundle before any bundle is installed.
 */
final class LockedWiring implements ResolverHookFactory {
    private final Map<String, Set<String>> wires;
    /** Bundle location to Maven id, for the lock's bundles. */
    private final Map<String, String> ids = new ConcurrentHashMap<>();

    LockedWiring(Map<String, List<String>> wires) {
        this.wires = new ConcurrentHashMap<>();
        wires.forEach((id, list) -> this.wires.put(id, Set.copyOf(list)));
    }

    /** Tells the hook which lock bundle a location is. */
    void installed(String location, String id) {
        ids.put(location, id);
    }

    private String idOf(Bundle b) {
        return b.getBundleId() == 0 ? Resolution.SYSTEM : ids.get(b.getLocation());
    }

    @Override
    public ResolverHook begin(Collection<BundleRevision> triggers) {
        return new ResolverHook() {
            @Override
            public void filterResolvable(Collection<BundleRevision> candidates) {
                // every bundle may resolve; which wires it gets is decided below
            }

            @Override
            public void filterSingletonCollisions(BundleCapability singleton, Collection<BundleCapability> collisionCandidates) {
                // a lock has one bundle per symbolic name
            }

            @Override
            public void filterMatches(BundleRequirement requirement, Collection<BundleCapability> candidates) {
                String requirer = idOf(requirement.getRevision().getBundle());
                // a requirer with a wiring is resolved already: this is a dynamic import, which the lock cannot list
                if (requirer == null || Resolution.SYSTEM.equals(requirer) || requirement.getRevision().getWiring() != null
                        || "dynamic".equals(requirement.getDirectives().get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE))) {
                    return;
                }
                Set<String> allowed = wires.getOrDefault(requirer, Set.of());
                Set<BundleCapability> drop = new HashSet<>();
                for (BundleCapability c : candidates) {
                    if (c.getRevision().equals(requirement.getRevision())) {
                        continue; // its own export, for an import it may substitute: the resolver's choice, not a wire
                    }
                    String provider = idOf(c.getRevision().getBundle());
                    if (provider == null || !allowed.contains(c.getNamespace() + " " + Resolution.nameOf(c, provider) + " -> " + provider)) {
                        drop.add(c);
                    }
                }
                candidates.removeAll(drop);
            }

            @Override
            public void end() {
            }
        };
    }
}
