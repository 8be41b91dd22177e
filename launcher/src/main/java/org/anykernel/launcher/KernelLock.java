package org.anykernel.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * A composed kernel: the lock file {@value #FILE} of a directory made by {@code anyk compose}, which lists
 * exactly the bundles (Maven id, file name under {@value #BUNDLES}/, SHA-256, start order), the merged
 * configurations with variables substituted, the variables and the framework properties.
 *
 * <p>The file is deterministic: keys sorted, bundles in install order, no timestamps, two-space indent and
 * {@code "\n"} line ends, so the same inputs give the same bytes.
 */
public final class KernelLock {
    /** The lock file's name in a composed kernel's directory. */
    public static final String FILE = "kernel.lock.json";
    /** The folder of the bundle jars in a composed kernel's directory. */
    public static final String BUNDLES = "bundles";
    /** The format version written and accepted. */
    public static final int VERSION = 2;

    /** One bundle of a composed kernel. */
    public record Bundle(String id, String file, String sha256, int startOrder) {
    }

    private final String profile;
    private final List<Bundle> bundles;
    private final Map<String, Map<String, Object>> configurations;
    private final Map<String, Object> variables;
    private final Map<String, String> frameworkProperties;
    private final Map<String, List<String>> wires;

    private KernelLock(String profile, List<Bundle> bundles, Map<String, Map<String, Object>> configurations,
            Map<String, Object> variables, Map<String, String> frameworkProperties, Map<String, List<String>> wires) {
        this.profile = profile;
        this.wires = Collections.unmodifiableMap(wires);
        this.bundles = List.copyOf(bundles);
        this.configurations = Collections.unmodifiableMap(configurations);
        this.variables = Collections.unmodifiableMap(variables);
        this.frameworkProperties = Collections.unmodifiableMap(frameworkProperties);
    }

    /**
     * The lock of a profile whose bundles are {@code resolved} (as {@link Profile#bundles} gives them),
     * hashing each jar.
     *
     * @throws ProfileException when two bundles have the same file name
     */
    public static KernelLock of(Composition.Plan plan) {
        Profile profile = plan.profile();
        List<ProfileBundle> resolved = plan.bundles();
        List<Bundle> out = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (ProfileBundle pb : resolved) {
            String name = pb.file().getFileName().toString();
            if (!names.add(name)) {
                throw ProfileException.invalid("two bundles have the file name " + name + " (one is " + pb.id() + ")");
            }
            out.add(new Bundle(pb.id(), name, sha256(pb.file()), pb.startOrder()));
        }
        return new KernelLock(profile.name(), out, profile.configurations(), profile.variables(), profile.frameworkProperties(),
                Resolution.byRequirer(plan.wires()));
    }

    /**
     * Composes a kernel into {@code dir}: the bundles copied to {@code dir/bundles} and the lock file. Built
     * in a sibling temporary directory and renamed into place; a {@code dir} from an earlier compose (it has
     * a {@value #FILE}) is replaced, any other non-empty {@code dir} is refused. On failure nothing is left.
     *
     * @throws ProfileException of kind {@code INVALID} for a {@code dir} that may not be written
     */
    public static KernelLock compose(Composition.Plan plan, Path dir) {
        Path target = dir.toAbsolutePath().normalize();
        boolean replace = checkTarget(dir, target);
        List<ProfileBundle> resolved = plan.bundles();
        KernelLock lock = of(plan);
        Path parent = target.getParent();
        Path tmp = null;
        Path old = null;
        try {
            Files.createDirectories(parent);
            // a plain directory (createTempDirectory would make it, and so DIR, private to its owner)
            String unique = Long.toHexString(System.nanoTime()) + Long.toHexString(ProcessHandle.current().pid());
            tmp = Files.createDirectory(parent.resolve("." + target.getFileName() + ".compose-" + unique));
            Path bundleDir = Files.createDirectory(tmp.resolve(BUNDLES));
            for (int i = 0; i < resolved.size(); i++) {
                Files.copy(resolved.get(i).file(), bundleDir.resolve(lock.bundles.get(i).file()));
            }
            lock.verify(tmp, dir.toString()); // the copies are what was hashed
            Files.writeString(tmp.resolve(FILE), lock.toJson(), StandardCharsets.UTF_8);
            if (replace) {
                old = parent.resolve("." + target.getFileName() + ".old-" + tmp.getFileName().toString().replaceAll(".*-", ""));
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            } else if (Files.isDirectory(target)) {
                Files.delete(target); // empty
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            if (old != null) {
                deleteTree(old);
                old = null;
            }
            return lock;
        } catch (IOException e) {
            throw new ProfileException(ProfileException.Kind.MISSING, "cannot write " + dir + ": " + e);
        } finally {
            if (tmp != null) {
                deleteTree(tmp);
            }
            if (old != null && !Files.exists(target)) {
                try {
                    Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    // leave it: better a stray old kernel than none
                }
            }
        }
    }

    /** Whether {@code target} is an earlier compose's output to replace; refuses anything else that is in the way. */
    private static boolean checkTarget(Path dir, Path target) {
        if (target.getParent() == null) {
            throw ProfileException.invalid("-o " + dir + ": cannot compose into the root directory");
        }
        if (!Files.exists(target)) {
            return false;
        }
        if (!Files.isDirectory(target)) {
            throw ProfileException.invalid("-o " + dir + " exists and is not a directory");
        }
        if (Files.isRegularFile(target.resolve(FILE))) {
            return true;
        }
        try (Stream<Path> entries = Files.list(target)) {
            if (entries.findAny().isPresent()) {
                throw ProfileException.invalid("-o " + dir + " is not empty and holds no " + FILE
                        + " from an earlier compose: refusing to replace it");
            }
        } catch (IOException e) {
            throw ProfileException.invalid("-o " + dir + ": cannot read it: " + e.getMessage());
        }
        return false;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Collections.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }

    /** Whether {@code dir} is a composed kernel (it has a {@value #FILE}). */
    public static boolean isComposed(Path dir) {
        return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve(FILE));
    }

    /**
     * Reads {@code dir/kernel.lock.json}.
     *
     * @throws ProfileException of kind {@code INVALID} for a missing or malformed lock file, naming it
     */
    public static KernelLock read(Path dir) {
        Path file = dir.resolve(FILE);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw ProfileException.invalid(dir + ": no " + FILE + " (not a composed kernel)");
        } catch (IOException e) {
            throw ProfileException.invalid("cannot read " + file + ": " + e.getMessage());
        }
        return parse(file.toString(), text);
    }

    /** Parses lock file text; {@code origin} names it in errors. */
    public static KernelLock parse(String origin, String text) {
        JsonObject o;
        try (JsonReader r = Json.createReader(new StringReader(text))) {
            o = r.readObject();
        } catch (RuntimeException e) {
            throw ProfileException.invalid(origin + ": malformed JSON: " + e.getMessage());
        }
        try {
            int version = o.getInt("lock-version");
            if (version != VERSION) {
                throw ProfileException.invalid(origin + ": lock-version " + version + " is not supported (expected " + VERSION + ")");
            }
            List<Bundle> bundles = new ArrayList<>();
            for (JsonValue v : o.getJsonArray("bundles")) {
                JsonObject b = v.asJsonObject();
                String file = b.getString("file");
                if (file.isEmpty() || file.contains("/") || file.contains("\\") || file.startsWith(".")) {
                    throw ProfileException.invalid(origin + ": bad bundle file name '" + file + "'");
                }
                bundles.add(new Bundle(b.getString("id"), file, b.getString("sha256"), b.getInt("start-order")));
            }
            Map<String, Map<String, Object>> configurations = new LinkedHashMap<>();
            o.getJsonObject("configurations").forEach((pid, values) -> {
                Map<String, Object> m = new LinkedHashMap<>();
                values.asJsonObject().forEach((k, v) -> m.put(k, toJava(v)));
                configurations.put(pid, Collections.unmodifiableMap(m));
            });
            Map<String, Object> variables = new LinkedHashMap<>();
            o.getJsonObject("variables").forEach((k, v) -> variables.put(k, toJava(v)));
            Map<String, String> properties = new LinkedHashMap<>();
            o.getJsonObject("framework-properties").forEach((k, v) -> properties.put(k, ((JsonString) v).getString()));
            Map<String, List<String>> wires = new TreeMap<>();
            o.getJsonObject("wires").forEach((id, list) -> wires.put(id,
                    list.asJsonArray().stream().map(x -> ((JsonString) x).getString()).toList()));
            return new KernelLock(o.getString("profile"), bundles, configurations, variables, properties, wires);
        } catch (NullPointerException | ClassCastException e) {
            throw ProfileException.invalid(origin + ": not a kernel lock: " + (e.getMessage() == null ? "a field is missing or of the wrong type" : e.getMessage()));
        }
    }

    private static Object toJava(JsonValue v) {
        return switch (v.getValueType()) {
            case STRING -> ((JsonString) v).getString();
            case NUMBER -> ((JsonNumber) v).isIntegral() ? (Object) ((JsonNumber) v).longValueExact() : (Object) ((JsonNumber) v).doubleValue();
            case TRUE -> Boolean.TRUE;
            case FALSE -> Boolean.FALSE;
            case NULL -> null;
            case ARRAY -> ((JsonArray) v).stream().map(KernelLock::toJava).toList();
            case OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                v.asJsonObject().forEach((k, e) -> m.put(k, toJava(e)));
                yield m;
            }
        };
    }

    /**
     * Checks every bundle's SHA-256 in {@code dir/bundles} and returns them ready to install, in order.
     * {@code shown} is how errors name {@code dir}.
     *
     * @throws ProfileException of kind {@code MISSING}: {@code DIR/bundles/x.jar: checksum mismatch (lock says ..., file is ...)}
     */
    public List<ProfileBundle> verify(Path dir, String shown) {
        List<ProfileBundle> out = new ArrayList<>();
        for (Bundle b : bundles) {
            Path file = dir.resolve(BUNDLES).resolve(b.file());
            String name = Path.of(shown).resolve(BUNDLES).resolve(b.file()).toString();
            if (!Files.isRegularFile(file)) {
                throw new ProfileException(ProfileException.Kind.MISSING, name + ": missing (the lock lists it)");
            }
            String actual = sha256(file);
            if (!actual.equals(b.sha256())) {
                throw new ProfileException(ProfileException.Kind.MISSING, name + ": checksum mismatch (lock says "
                        + b.sha256() + ", file is " + actual + ")");
            }
            out.add(new ProfileBundle(b.id(), file.toAbsolutePath(), b.startOrder()));
        }
        return out;
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0;) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new ProfileException(ProfileException.Kind.MISSING, "cannot read " + file + ": " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The wires the resolver chose at compose time, by requirer (a Maven id): {@code namespace name -> provider}
     * (a Maven id, or {@value Resolution#SYSTEM}). A boot lets Felix wire nothing else.
     */
    public Map<String, List<String>> wires() {
        return wires;
    }

    /** The profile name, as {@link Profile#name()} gave it. */
    public String profile() {
        return profile;
    }

    /** The bundles, in install order. */
    public List<Bundle> bundles() {
        return bundles;
    }

    /** The configurations by PID, variables already substituted. */
    public Map<String, Map<String, Object>> configurations() {
        return configurations;
    }

    /** The variables the configurations were made with. */
    public Map<String, Object> variables() {
        return variables;
    }

    /** The framework properties, variables substituted. */
    public Map<String, String> frameworkProperties() {
        return frameworkProperties;
    }

    /** The kernel domains configured ({@code org.anykernel.domain~NAME}). */
    public Set<String> domainNames() {
        Set<String> out = new LinkedHashSet<>();
        for (String pid : configurations.keySet()) {
            if (pid.startsWith(Profile.DOMAIN_FACTORY_PID + "~")) {
                out.add(pid.substring(Profile.DOMAIN_FACTORY_PID.length() + 1));
            }
        }
        return out;
    }

    /** The lock file's text: deterministic, as described above. */
    public String toJson() {
        Map<String, Object> doc = new TreeMap<>();
        doc.put("lock-version", (long) VERSION);
        doc.put("profile", profile);
        List<Object> b = new ArrayList<>();
        for (Bundle x : bundles) {
            Map<String, Object> m = new TreeMap<>();
            m.put("id", x.id());
            m.put("file", x.file());
            m.put("sha256", x.sha256());
            m.put("start-order", (long) x.startOrder());
            b.add(m);
        }
        doc.put("bundles", b);
        doc.put("configurations", configurations);
        doc.put("variables", variables);
        doc.put("framework-properties", frameworkProperties);
        doc.put("wires", wires);
        StringBuilder out = new StringBuilder();
        write(out, doc, "");
        return out.append('\n').toString();
    }

    private static void write(StringBuilder out, Object v, String indent) {
        String inner = indent + "  ";
        if (v == null) {
            out.append("null");
        } else if (v instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                out.append("{}");
                return;
            }
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((k, e) -> sorted.put(String.valueOf(k), e));
            out.append("{\n");
            int i = 0;
            for (Map.Entry<String, Object> e : sorted.entrySet()) {
                out.append(inner);
                string(out, e.getKey());
                out.append(": ");
                write(out, e.getValue(), inner);
                out.append(++i < sorted.size() ? ",\n" : "\n");
            }
            out.append(indent).append('}');
        } else if (v instanceof Collection<?> || v.getClass().isArray()) {
            List<Object> items = new ArrayList<>();
            if (v instanceof Collection<?> c) {
                items.addAll(c);
            } else {
                for (int i = 0; i < Array.getLength(v); i++) {
                    items.add(Array.get(v, i));
                }
            }
            if (items.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append("[\n");
            for (int i = 0; i < items.size(); i++) {
                out.append(inner);
                write(out, items.get(i), inner);
                out.append(i + 1 < items.size() ? ",\n" : "\n");
            }
            out.append(indent).append(']');
        } else if (v instanceof Boolean) {
            out.append(v);
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte || v instanceof BigInteger) {
            out.append(v);
        } else if (v instanceof BigDecimal d) {
            out.append(d.toString());
        } else if (v instanceof Number n) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw ProfileException.invalid("value " + d + " cannot be written to a lock file");
            }
            out.append(Double.toString(d));
        } else {
            string(out, v.toString());
        }
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
