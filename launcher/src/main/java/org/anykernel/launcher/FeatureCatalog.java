package org.anykernel.launcher;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.framework.wiring.BundleRevision;
import org.osgi.resource.Requirement;
import org.osgi.service.feature.FeatureBundle;
import org.osgi.service.feature.FeatureExtension;
import org.osgi.service.feature.ID;

/**
 * The packaged features ({@code features/NAME.json} on the class path): one per component (base, shell, logging,
 * hw-sim and its devices, each faction, each driver, each app) and one per profile. A component feature declares
 * the features it needs in the optional extension {@value #REQUIRES} (type TEXT, one name a line); a profile is whole
 * on its own. Used to check features, to list them, and to say which feature would fix a composition.
 */
public final class FeatureCatalog {
    /** The extension naming the features a feature needs (kind optional, type TEXT, a name a line). */
    public static final String REQUIRES = "anykernel-requires";
    /** A profile sets this framework property (its name); a component feature does not. */
    public static final String PROFILE_PROPERTY = "anykernel.profile";

    /** One packaged feature. */
    public record Entry(String name, String description, List<String> requires, boolean profile, List<ID> bundles) {
    }

    private final Map<String, Entry> entries;

    private FeatureCatalog(Map<String, Entry> entries) {
        this.entries = entries;
    }

    /**
     * The features packaged on this class's class path.
     *
     * @throws ProfileException for a packaged feature that does not read
     */
    public static FeatureCatalog packaged() {
        return of(Profile.class.getClassLoader());
    }

    static FeatureCatalog of(ClassLoader resources) {
        Map<String, Entry> out = new LinkedHashMap<>();
        for (String name : FeatureFiles.knownProfiles(resources)) {
            out.put(name, entry(FeatureFiles.load(name, resources)));
        }
        return new FeatureCatalog(out);
    }

    /** The entry of a feature read from anywhere (a file given on the command line, too). */
    static Entry entry(SourcedFeature sf) {
        List<String> requires = new ArrayList<>();
        FeatureExtension ext = sf.feature().getExtensions().get(REQUIRES);
        if (ext != null) {
            requires.addAll(requires(sf.origin(), ext));
        }
        FeatureExtension fw = sf.feature().getExtensions().get(Profile.FRAMEWORK_PROPERTIES);
        boolean profile = fw != null && Profile.frameworkProperties(sf, fw).containsKey(PROFILE_PROPERTY);
        List<ID> bundles = sf.feature().getBundles().stream().map(FeatureBundle::getID).toList();
        return new Entry(sf.label(), sf.feature().getDescription().orElse(""), List.copyOf(requires), profile, bundles);
    }

    private static List<String> requires(String origin, FeatureExtension ext) {
        if (ext.getType() != FeatureExtension.Type.TEXT) {
            throw ProfileException.invalid(origin + ": extension " + REQUIRES + " must be of type TEXT (one feature name a line)");
        }
        List<String> text = ext.getText() == null ? List.of() : ext.getText();
        return text.stream().flatMap(String::lines).map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** Every feature, by name, sorted. */
    public Map<String, Entry> entries() {
        return new java.util.TreeMap<>(entries);
    }

    /** One feature, if packaged. */
    public Optional<Entry> get(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    /**
     * A feature and everything it needs, needs first ({@code base, hw-sim, faction-dev, char-std}).
     *
     * @throws ProfileException for a name that is not packaged (naming who needs it) or a cycle
     */
    public List<String> closure(String name) {
        Set<String> out = new LinkedHashSet<>();
        visit(name, null, out, new LinkedHashSet<>());
        return new ArrayList<>(out);
    }

    private void visit(String name, String neededBy, Set<String> out, Set<String> path) {
        if (out.contains(name)) {
            return;
        }
        if (!path.add(name)) {
            throw ProfileException.invalid("feature " + name + " needs itself: " + String.join(" -> ", path) + " -> " + name);
        }
        Entry e = entries.get(name);
        if (e == null) {
            throw ProfileException.invalid("unknown feature '" + name + "'" + (neededBy == null ? "" : " (needed by " + neededBy + ")"));
        }
        for (String r : e.requires()) {
            visit(r, name, out, path);
        }
        path.remove(name);
        out.add(name);
    }

    /** Where a composition's diagnosis looks for a feature that would fix it. */
    public interface Hints {
        /** A feature with a bundle that provides what {@code req} asks for. */
        Optional<String> featureProviding(Resolution resolution, Requirement req);

        /** A feature with a bundle that takes configurations of this (factory) PID. */
        default Optional<String> featureTaking(Resolution resolution, String factoryPid) {
            return Optional.empty();
        }

        /** No hints. */
        Hints NONE = (r, q) -> Optional.empty();
    }

    /**
     * Hints from these packaged features: each bundle in the local repository is read once, when first needed.
     * Component features come before profiles, smaller before larger.
     */
    public Hints hints(MavenRepository repository) {
        return new Hints() {
            private Map<BundleRevision, List<String>> owners;

            @Override
            public Optional<String> featureTaking(Resolution resolution, String factoryPid) {
                load(resolution);
                for (Entry e : ranked()) {
                    List<BundleRevision> own = owners.entrySet().stream().filter(o -> o.getValue().contains(e.name()))
                            .map(Map.Entry::getKey).toList();
                    if (!own.isEmpty() && ConfigurationCheck.of(own).takes(factoryPid)) {
                        return Optional.of(e.name());
                    }
                }
                return Optional.empty();
            }

            @Override
            public Optional<String> featureProviding(Resolution resolution, Requirement req) {
                load(resolution);
                for (Entry e : ranked()) {
                    for (Map.Entry<BundleRevision, List<String>> o : owners.entrySet()) {
                        if (o.getValue().contains(e.name()) && !resolution.matching(req, List.of(o.getKey())).isEmpty()) {
                            return Optional.of(e.name());
                        }
                    }
                }
                return Optional.empty();
            }

            private void load(Resolution resolution) {
                if (owners == null) {
                    owners = new LinkedHashMap<>();
                    for (Entry e : ranked()) {
                        for (ID id : e.bundles()) {
                            java.nio.file.Path file = repository.path(id);
                            if (!java.nio.file.Files.isRegularFile(file)) {
                                continue;
                            }
                            BundleRevision r = resolution.addForHints(new ProfileBundle(id.toString(), file, 0));
                            if (r != null) {
                                owners.computeIfAbsent(r, k -> new ArrayList<>()).add(e.name());
                            }
                        }
                    }
                }
            }
        };
    }

    /** Components first, then by bundle count, then by name. */
    private List<Entry> ranked() {
        List<Entry> out = new ArrayList<>(entries.values());
        out.sort(Comparator.comparing(Entry::profile).thenComparing(e -> e.bundles().size()).thenComparing(Entry::name));
        return out;
    }
}
