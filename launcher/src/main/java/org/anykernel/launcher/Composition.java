package org.anykernel.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.osgi.framework.wiring.BundleRevision;

/**
 * The checks {@code anyk compose} makes before it writes anything: the features' domain descriptors, every
 * bundle in the local repository, the bundles resolved together by the OSGi resolver, every configuration taken
 * by a component of the kernel and valid for it. The outcome is a {@link Plan}; a failure is a
 * {@link ProfileException} whose first line says the root cause and the fix.
 */
public final class Composition {
    /** A composition that passed every check: its bundles in install order and the wires the resolver chose. */
    public record Plan(Profile profile, List<ProfileBundle> bundles, List<Resolution.Link> wires) {
    }

    private Composition() {
    }

    /**
     * Checks a profile (features already merged, variables set) and plans it.
     *
     * @param progress told one line per phase
     * @throws ProfileException as described above
     */
    public static Plan plan(Profile profile, MavenRepository repository, FeatureCatalog catalog, Consumer<String> progress) {
        profile.checkDescriptors();
        List<ProfileBundle> bundles = profile.bundles(repository);
        Map<String, Map<String, Object>> configurations = profile.configurations();
        progress.accept("resolving " + bundles.size() + " bundles");
        try (Resolution resolution = new Resolution(profile.frameworkProperties())) {
            List<BundleRevision> revisions = new ArrayList<>();
            for (ProfileBundle b : bundles) {
                revisions.add(resolution.add(b));
            }
            FeatureCatalog.Hints hints = catalog.hints(repository);
            List<Resolution.Link> wires = resolution.resolve(hints);
            progress.accept("checking " + configurations.size() + " configurations");
            ConfigurationCheck.of(revisions).check(configurations, pid -> hints.featureTaking(resolution, pid).orElse(null));
            return new Plan(profile, bundles, wires);
        }
    }
}
