package org.anykernel.launcher;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.osgi.service.feature.FeatureBundle;
import org.osgi.service.feature.FeatureConfiguration;
import org.osgi.service.feature.FeatureExtension;
import org.osgi.service.feature.ID;

/**
 * A kernel profile: one or more OSGi Feature files merged in order, with variables applied. It says which
 * bundles to install at which start level, with which framework properties and configurations.
 *
 * <p>Merging: bundles are the union (the same {@code group:artifact} at two versions is an error naming
 * both); a later feature's configuration of the same PID replaces the earlier one as a whole; later
 * framework properties and variable defaults win.
 *
 * <p>Immutable; {@link #withVariables} returns a new profile.
 */
public final class Profile {
    /** The profile booted when none is named. */
    public static final String DEFAULT = "monolithic";
    /** The extension holding framework properties (Compendium R8, 159.9.3). */
    public static final String FRAMEWORK_PROPERTIES = "framework-launching-properties";
    /** Factory PID of kernel domain descriptors; a domain named N is configured as {@code org.anykernel.domain~N}. */
    public static final String DOMAIN_FACTORY_PID = "org.anykernel.domain";

    private final List<String> names;
    private final Map<String, MergedBundle> bundles;
    private final Map<String, Map<String, Object>> configurations;
    private final Map<String, String> frameworkProperties;
    private final Variables variables;

    private record MergedBundle(ID id, int startOrder, String origin) {
    }

    private Profile(List<String> names, Map<String, MergedBundle> bundles, Map<String, Map<String, Object>> configurations,
            Map<String, String> frameworkProperties, Variables variables) {
        this.names = names;
        this.bundles = bundles;
        this.configurations = configurations;
        this.frameworkProperties = frameworkProperties;
        this.variables = variables;
    }

    /**
     * Loads and merges profiles given as names ({@code features/NAME.json} on this class's class path) or
     * paths to {@code .json} files; none means {@value #DEFAULT}.
     *
     * @throws ProfileException naming the file or profile at fault
     */
    public static Profile load(List<String> profiles) {
        return load(profiles, Profile.class.getClassLoader());
    }

    /** As {@link #load(List)}, looking profile names up through {@code resources}. */
    public static Profile load(List<String> profiles, ClassLoader resources) {
        List<String> args = profiles.isEmpty() ? List.of(DEFAULT) : profiles;
        List<SourcedFeature> features = new ArrayList<>();
        for (String arg : args) {
            features.add(FeatureFiles.load(arg, resources));
        }
        return merge(features);
    }

    /** Reads one feature from JSON text; {@code origin} names it in errors. For tests and generated features. */
    public static Profile parse(String origin, String json) {
        return merge(List.of(FeatureFiles.read(origin, origin, json)));
    }

    /** This profile followed by {@code later}, merged by the rules above. */
    public Profile merge(Profile later) {
        Map<String, MergedBundle> b = new LinkedHashMap<>(bundles);
        later.bundles.forEach((key, bundle) -> addBundle(b, key, bundle));
        Map<String, Map<String, Object>> c = new LinkedHashMap<>(configurations);
        c.putAll(later.configurations);
        Map<String, String> f = new LinkedHashMap<>(frameworkProperties);
        f.putAll(later.frameworkProperties);
        List<String> n = new ArrayList<>(names);
        n.addAll(later.names);
        return new Profile(List.copyOf(n), b, c, f, variables.merge(later.variables));
    }

    private static Profile merge(List<SourcedFeature> features) {
        Profile p = null;
        for (SourcedFeature f : features) {
            Profile one = of(f);
            p = p == null ? one : p.merge(one);
        }
        return p;
    }

    private static Profile of(SourcedFeature sf) {
        Map<String, MergedBundle> b = new LinkedHashMap<>();
        for (FeatureBundle fb : sf.feature().getBundles()) {
            ID id = fb.getID();
            addBundle(b, key(id), new MergedBundle(id, startOrder(sf, fb), sf.label()));
        }
        Map<String, Map<String, Object>> c = new LinkedHashMap<>();
        for (Map.Entry<String, FeatureConfiguration> e : sf.feature().getConfigurations().entrySet()) {
            c.put(e.getKey(), Collections.unmodifiableMap(new LinkedHashMap<>(e.getValue().getValues())));
        }
        Map<String, String> f = new LinkedHashMap<>();
        for (FeatureExtension ext : sf.feature().getExtensions().values()) {
            if (ext.getName().equals(FRAMEWORK_PROPERTIES)) {
                f.putAll(frameworkProperties(sf, ext));
            } else if (ext.getKind() == FeatureExtension.Kind.MANDATORY) {
                // the spec asks a launcher to refuse a feature whose mandatory extension it cannot honour
                throw ProfileException.invalid(sf.origin() + ": mandatory extension '" + ext.getName() + "' is not supported");
            }
        }
        return new Profile(List.of(sf.label()), b, c, f, Variables.of(sf.feature().getVariables()));
    }

    private static void addBundle(Map<String, MergedBundle> bundles, String key, MergedBundle bundle) {
        MergedBundle earlier = bundles.get(key);
        if (earlier != null && !earlier.id().getVersion().equals(bundle.id().getVersion())) {
            throw ProfileException.invalid("bundle conflict: " + earlier.id() + " (in " + earlier.origin() + ") and "
                    + bundle.id() + " (in " + bundle.origin() + ")");
        }
        // the same bundle again: keep its place in the order, take the later start order if it gives one
        int order = bundle.startOrder() != 0 || earlier == null ? bundle.startOrder() : earlier.startOrder();
        bundles.put(key, new MergedBundle(bundle.id(), order, earlier == null ? bundle.origin() : earlier.origin()));
    }

    private static String key(ID id) {
        return id.getGroupId() + ":" + id.getArtifactId() + ":" + id.getType().orElse("jar") + ":"
                + id.getClassifier().orElse("");
    }

    private static int startOrder(SourcedFeature sf, FeatureBundle fb) {
        Object o = fb.getMetadata().get("start-order");
        if (o == null) {
            return 0;
        }
        long order = o instanceof Number n ? n.longValue() : -1;
        if (order < 1 || order > Integer.MAX_VALUE) {
            throw ProfileException.invalid(sf.origin() + ": bundle " + fb.getID() + ": start-order must be a positive integer, not " + o);
        }
        return (int) order;
    }

    /** The framework properties an extension {@value #FRAMEWORK_PROPERTIES} of a feature sets, checked. */
    static Map<String, String> frameworkProperties(SourcedFeature sf, FeatureExtension ext) {
        String where = sf.origin() + ": extension " + FRAMEWORK_PROPERTIES;
        if (ext.getType() != FeatureExtension.Type.JSON) {
            throw ProfileException.invalid(where + " must be of type JSON");
        }
        JsonValue json;
        try (JsonReader r = Json.createReader(new StringReader(ext.getJSON()))) {
            json = r.readValue();
        } catch (RuntimeException e) {
            throw ProfileException.invalid(where + ": " + e.getMessage());
        }
        if (json.getValueType() != JsonValue.ValueType.OBJECT) {
            throw ProfileException.invalid(where + ": \"json\" must be an object of properties");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonValue> e : ((JsonObject) json).entrySet()) {
            JsonValue v = e.getValue();
            switch (v.getValueType()) {
                case STRING -> out.put(e.getKey(), ((JsonString) v).getString());
                case NUMBER, TRUE, FALSE -> out.put(e.getKey(), v.toString());
                default -> throw ProfileException.invalid(where + ": property '" + e.getKey()
                        + "' must be a string, number or boolean");
            }
        }
        return out;
    }

    /**
     * This profile with some variables set, each converted to its default's type.
     *
     * @throws ProfileException for a variable the profile does not define, or a value of the wrong type
     */
    public Profile withVariables(Map<String, String> overrides) {
        return new Profile(names, bundles, configurations, frameworkProperties, variables.override(overrides));
    }

    /**
     * Parses {@code NAME=VALUE} assignments, as given to {@code -V}; later ones win.
     *
     * @throws ProfileException for one without {@code =} or with an empty name
     */
    public static Map<String, String> parseAssignments(List<String> assignments) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String a : assignments) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw ProfileException.invalid("malformed variable '" + a + "': expected NAME=VALUE");
            }
            out.put(a.substring(0, eq).trim(), a.substring(eq + 1));
        }
        return out;
    }

    /** The names of the merged features, in order. */
    public List<String> names() {
        return names;
    }

    /** The names joined by {@code +}, as the user would say it: {@code microkernel+extra}. */
    public String name() {
        return String.join("+", names);
    }

    /** The variables in force, with their types ({@code Boolean}, {@code Long}, {@code Double}, {@code String}). */
    public Map<String, Object> variables() {
        return variables.values();
    }

    /** The bundles' Maven ids ({@code group:artifact:version}), in install order. */
    public List<String> bundleIds() {
        return bundles.values().stream().map(b -> b.id().toString()).toList();
    }

    /**
     * The bundles resolved to jars in {@code repository}, in install order.
     *
     * @throws ProfileException of kind {@code MISSING} for the first bundle not there
     */
    public List<ProfileBundle> bundles(MavenRepository repository) {
        List<ProfileBundle> out = new ArrayList<>();
        for (MergedBundle b : bundles.values()) {
            out.add(new ProfileBundle(b.id().toString(), repository.resolve(b.id()), b.startOrder()));
        }
        return out;
    }

    /**
     * The configurations with variables substituted, by PID ({@code factoryPid~name} for factory
     * configurations), in the order the features give them.
     *
     * @throws ProfileException for a value using an undefined variable or one without a value
     */
    public Map<String, Map<String, Object>> configurations() {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        configurations.forEach((pid, values) -> {
            Map<String, Object> v = new LinkedHashMap<>();
            values.forEach((key, value) -> v.put(key,
                    variables.substitute(value, "configuration '" + pid + "' key '" + key + "'")));
            out.put(pid, Collections.unmodifiableMap(v));
        });
        return Collections.unmodifiableMap(out);
    }

    /**
     * Checks every domain descriptor of the profile with the kernel's own rules, so that a bad one stops the
     * boot before anything starts, with the field named.
     *
     * @return this profile
     * @throws ProfileException of kind {@code INVALID}: {@code profile P: domain D: field 'F': ...}
     */
    public Profile checkDescriptors() {
        configurations().forEach((pid, values) -> {
            if (pid.startsWith(DOMAIN_FACTORY_PID + "~")) {
                try {
                    org.anykernel.base.api.DomainDescriptor.parse(pid.substring(DOMAIN_FACTORY_PID.length() + 1), values);
                } catch (org.anykernel.base.api.KernelException e) {
                    throw ProfileException.invalid("profile " + name() + ": " + e.getMessage().replaceFirst("^EINVAL: ", ""));
                }
            }
        });
        return this;
    }

    /** The names of the kernel domains the profile configures ({@code org.anykernel.domain~NAME}). */
    public Set<String> domainNames() {
        Set<String> out = new LinkedHashSet<>();
        for (String pid : configurations.keySet()) {
            if (pid.startsWith(DOMAIN_FACTORY_PID + "~")) {
                out.add(pid.substring(DOMAIN_FACTORY_PID.length() + 1));
            }
        }
        return out;
    }

    /**
     * The framework properties of the features with variables substituted (references to names the
     * profile does not define are left for the framework). The caller adds storage and the like.
     */
    public Map<String, String> frameworkProperties() {
        Map<String, String> out = new LinkedHashMap<>();
        frameworkProperties.forEach((k, v) -> out.put(k, variables.substituteProperty(v, "framework property '" + k + "'")));
        return out;
    }

    /**
     * Writes {@link #configurations()} as a {@link BootConfigurationFile} and returns the framework property
     * that points kernel-base at it ({@value BootConfigurationFile#PROPERTY} to the absolute path).
     */
    public Map.Entry<String, String> writeBootConfigurations(Path file) {
        try {
            BootConfigurationFile.write(configurations(), file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write boot configurations to " + file + ": " + e.getMessage(), e);
        }
        return Map.entry(BootConfigurationFile.PROPERTY, file.toAbsolutePath().toString());
    }

    @Override
    public String toString() {
        return "Profile[" + name() + "]";
    }
}
