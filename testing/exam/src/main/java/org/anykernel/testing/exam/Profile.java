package org.anykernel.testing.exam;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.felix.feature.impl.FeatureServiceImpl;
import org.osgi.service.feature.Feature;
import org.osgi.service.feature.FeatureBundle;
import org.osgi.service.feature.FeatureConfiguration;
import org.osgi.service.feature.FeatureExtension;

/**
 * A kernel profile read from its OSGi Feature JSON file(s): the bundles with their start order (resolved
 * in the local Maven repository), the framework properties, and the configurations with the feature
 * variables substituted. What both the launcher and the Pax Exam options boot from.
 */
public final class Profile {
    /** Framework property naming the boot configuration file kernel-base applies at start. */
    public static final String BOOT_CONFIGURATIONS = "anykernel.boot.configurations";
    private static final Pattern VAR = Pattern.compile("\\$\\{([^}]+)}");

    /** One bundle of the profile. */
    public record BundleRef(String id, int startOrder, Path file) {
    }

    private final String name;
    private final List<BundleRef> bundles;
    private final Map<String, String> framework;
    private final Map<String, Map<String, Object>> configurations;
    private final Map<String, Object> variables;

    private Profile(String name, List<BundleRef> bundles, Map<String, String> framework,
            Map<String, Map<String, Object>> configurations, Map<String, Object> variables) {
        this.name = name;
        this.bundles = bundles;
        this.framework = framework;
        this.configurations = configurations;
        this.variables = variables;
    }

    /** Thrown for a profile that cannot be read: the message is one line naming the file and the problem. */
    public static final class ProfileException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ProfileException(String message) {
            super(message);
        }
    }

    /**
     * Reads and merges profiles (names of packaged profiles, or paths to feature files), in order: a later
     * configuration of the same PID replaces an earlier one; a bundle given twice in different versions is
     * an error. {@code overrides} set variables ({@code NAME=VALUE}).
     */
    public static Profile load(List<String> profiles, Map<String, String> overrides) {
        FeatureServiceImpl service = new FeatureServiceImpl();
        Map<String, BundleRef> bundles = new LinkedHashMap<>();
        Map<String, String> framework = new TreeMap<>();
        Map<String, Map<String, Object>> configs = new TreeMap<>();
        Map<String, Object> variables = new TreeMap<>();
        List<Feature> features = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String p : profiles) {
            Feature f = read(service, p);
            features.add(f);
            names.add(p.endsWith(".json") ? Path.of(p).getFileName().toString().replace(".json", "") : p);
            variables.putAll(f.getVariables());
        }
        for (Map.Entry<String, String> o : overrides.entrySet()) {
            if (!variables.containsKey(o.getKey())) {
                throw new ProfileException("unknown variable '" + o.getKey() + "' (profile defines: "
                        + String.join(", ", variables.keySet()) + ")");
            }
            variables.put(o.getKey(), typed(o.getValue()));
        }
        Path repo = localRepository();
        for (Feature f : features) {
            for (FeatureBundle b : f.getBundles()) {
                String ga = b.getID().getGroupId() + ":" + b.getID().getArtifactId();
                String id = ga + ":" + b.getID().getVersion();
                BundleRef old = bundles.get(ga);
                if (old != null && !old.id().equals(id)) {
                    throw new ProfileException("two versions of one bundle: " + old.id() + " and " + id);
                }
                Object order = b.getMetadata().get("start-order");
                int level = order == null ? 5 : Integer.parseInt(String.valueOf(order));
                Path file = repo.resolve(b.getID().getGroupId().replace('.', '/')).resolve(b.getID().getArtifactId())
                        .resolve(b.getID().getVersion())
                        .resolve(b.getID().getArtifactId() + "-" + b.getID().getVersion() + ".jar");
                bundles.put(ga, new BundleRef(id, level, file));
            }
            FeatureExtension fw = f.getExtensions().get("framework-launching-properties");
            if (fw != null && fw.getJSON() != null) {
                for (Map.Entry<String, Object> e : JsonObjects.parse(fw.getJSON()).entrySet()) {
                    framework.put(e.getKey(), String.valueOf(substitute(e.getValue(), variables)));
                }
            }
            for (FeatureConfiguration c : f.getConfigurations().values()) {
                Map<String, Object> values = new LinkedHashMap<>();
                c.getValues().forEach((k, v) -> values.put(k, substitute(v, variables)));
                configs.put(c.getPid(), values);
            }
        }
        framework.put("anykernel.profile", String.join("+", names));
        return new Profile(String.join("+", names), List.copyOf(bundles.values()), framework, configs, variables);
    }

    private static Feature read(FeatureServiceImpl service, String profile) {
        String what = profile.endsWith(".json") ? profile : "profile " + profile;
        try (InputStream in = open(profile); Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return service.readFeature(r);
        } catch (IOException e) {
            throw new ProfileException(what + ": cannot read: " + e.getMessage());
        } catch (ProfileException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ProfileException(what + ": not a valid feature: " + firstLine(e));
        }
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String m = String.valueOf(root.getMessage());
        return m.lines().findFirst().orElse(root.getClass().getSimpleName());
    }

    private static InputStream open(String profile) throws IOException {
        if (profile.endsWith(".json")) {
            Path p = Path.of(profile);
            if (!Files.isRegularFile(p)) {
                throw new ProfileException(profile + ": no such feature file");
            }
            return Files.newInputStream(p);
        }
        InputStream in = Profile.class.getClassLoader().getResourceAsStream("features/" + profile + ".json");
        if (in == null) {
            throw new ProfileException("unknown profile '" + profile + "' (known: " + String.join(", ", known()) + ")");
        }
        return in;
    }

    /** The names of the packaged profiles. */
    public static List<String> known() {
        return List.of("monolithic", "microkernel", "library");
    }

    private static Object typed(String v) {
        if (v.equals("true") || v.equals("false")) {
            return Boolean.valueOf(v);
        }
        try {
            return Long.valueOf(v);
        } catch (NumberFormatException e) {
            return v;
        }
    }

    /** Substitutes {@code ${var}}; a value that is exactly one variable keeps the variable's type. */
    static Object substitute(Object v, Map<String, Object> variables) {
        if (v instanceof String s) {
            Matcher whole = VAR.matcher(s);
            if (whole.matches()) {
                if (!variables.containsKey(whole.group(1))) {
                    throw new ProfileException("undefined variable ${" + whole.group(1) + "}");
                }
                return variables.get(whole.group(1));
            }
            Matcher m = VAR.matcher(s);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                if (!variables.containsKey(m.group(1))) {
                    throw new ProfileException("undefined variable ${" + m.group(1) + "}");
                }
                m.appendReplacement(sb, Matcher.quoteReplacement(String.valueOf(variables.get(m.group(1)))));
            }
            m.appendTail(sb);
            return sb.toString();
        }
        if (v != null && v.getClass().isArray()) {
            Object[] out = new Object[Array.getLength(v)];
            for (int i = 0; i < out.length; i++) {
                out[i] = substitute(Array.get(v, i), variables);
            }
            return out;
        }
        if (v instanceof Collection<?> c) {
            return c.stream().map(x -> substitute(x, variables)).toArray();
        }
        return v;
    }

    /** The local Maven repository: {@code -Dmaven.repo.local}, {@code ANYK_M2_REPO}, or {@code ~/.m2/repository}. */
    public static Path localRepository() {
        String p = System.getProperty("maven.repo.local");
        if (p == null) {
            p = System.getenv("ANYK_M2_REPO");
        }
        if (p == null) {
            p = System.getProperty("org.ops4j.pax.url.mvn.localRepository");
        }
        return p != null && !p.isBlank() ? Path.of(p) : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    public String name() {
        return name;
    }

    public List<BundleRef> bundles() {
        return bundles;
    }

    public Map<String, String> frameworkProperties() {
        return framework;
    }

    public Map<String, Map<String, Object>> configurations() {
        return configurations;
    }

    public Map<String, Object> variables() {
        return variables;
    }

    /** Names of the domains the profile's descriptors create. */
    public List<String> domains() {
        return configurations.keySet().stream().filter(p -> p.startsWith("org.anykernel.domain~"))
                .map(p -> p.substring(p.indexOf('~') + 1)).toList();
    }

    /** Fails with one line naming the first bundle missing from the local repository. */
    public void checkBundles() {
        for (BundleRef b : bundles) {
            if (!Files.isRegularFile(b.file())) {
                throw new ProfileException("bundle " + b.id() + " not found in the local Maven repository (" + b.file()
                        + "); run: mvn -q install -DskipTests");
            }
        }
    }

    /**
     * Writes the configurations for kernel-base to apply at start ({@code PID/KEY=value}, and
     * {@code PID/KEY[i]} for list elements) and returns the file.
     */
    public Path writeBootConfigurations(Path dir) {
        Properties p = new Properties();
        configurations.forEach((pid, values) -> values.forEach((k, v) -> {
            if (v != null && v.getClass().isArray()) {
                for (int i = 0; i < Array.getLength(v); i++) {
                    p.setProperty(pid + "/" + k + "[" + i + "]", String.valueOf(Array.get(v, i)));
                }
            } else {
                p.setProperty(pid + "/" + k, String.valueOf(v));
            }
        }));
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve("boot-configurations.properties");
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                p.store(w, "configurations of profile " + name);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
