package org.anykernel.launcher;

import java.io.IOException;
import java.io.Writer;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Properties;

/**
 * The file through which kernel-base receives a profile's configurations: it applies them to
 * ConfigAdmin as it starts, before any driver, so that drivers land in their domains at once.
 *
 * <p>A Java properties file (UTF-8) with one key {@code PID/KEY} per value, PID as in the feature (a
 * factory configuration is {@code factoryPid~name}); the elements of an array or collection are keys
 * {@code PID/KEY[0]}, {@code PID/KEY[1]}, ... Every value is written as its string form. An empty array
 * therefore writes no key at all.
 */
public final class BootConfigurationFile {
    /** Framework property whose value is the file's absolute path. */
    public static final String PROPERTY = "anykernel.boot.configurations";

    private BootConfigurationFile() {
    }

    /** The configurations as properties, in the format above. */
    public static Properties toProperties(Map<String, ? extends Map<String, ?>> configurations) {
        Properties p = new Properties();
        configurations.forEach((pid, values) -> values.forEach((key, value) -> {
            String prefix = pid + "/" + key;
            if (stringForm(value) instanceof String[] list) {
                for (int i = 0; i < list.length; i++) {
                    p.setProperty(prefix + "[" + i + "]", list[i]);
                }
            } else {
                p.setProperty(prefix, String.valueOf(value));
            }
        }));
        return p;
    }

    /**
     * A configuration value as kernel-base gives it to ConfigAdmin: its string form, or for an array or a collection
     * a {@code String[]} of its elements' string forms.
     */
    public static Object stringForm(Object value) {
        if (value != null && value.getClass().isArray()) {
            String[] out = new String[Array.getLength(value)];
            for (int i = 0; i < out.length; i++) {
                out[i] = String.valueOf(Array.get(value, i));
            }
            return out;
        }
        if (value instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toArray(String[]::new);
        }
        return String.valueOf(value);
    }

    /** Writes the configurations to {@code file}, replacing it. */
    public static void write(Map<String, ? extends Map<String, ?>> configurations, Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            store(toProperties(configurations), w, "anykernel boot configurations (PID/KEY, lists as PID/KEY[i])");
        }
    }

    /**
     * What {@link Properties#store} writes, without its date line: formatting the current date loads the time-zone
     * rules and the locale data, about 40 ms on the boot's critical path (this file is written while the kernel is
     * prepared), and {@code java.properties.date} only takes effect on the command line. Keys in order; keys and
     * values escaped as {@code store(Writer, ...)} escapes them, so {@link Properties#load(java.io.Reader)} reads back
     * the same.
     */
    static void store(Properties p, Writer w, String comment) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append('#').append(comment).append('\n');
        for (String key : new java.util.TreeSet<>(p.stringPropertyNames())) {
            escape(sb, key, true);
            sb.append('=');
            escape(sb, p.getProperty(key), false);
            sb.append('\n');
        }
        w.write(sb.toString());
    }

    /** Properties' escapes: backslash, the separators and comment marks, control characters, leading (key: all) blanks. */
    private static void escape(StringBuilder sb, String s, boolean key) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case ' ' -> sb.append(i == 0 || key ? "\\ " : " ");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\f' -> sb.append("\\f");
                case '\\', '=', ':', '#', '!' -> sb.append('\\').append(c);
                default -> {
                    if (c < 0x20) {
                        String hex = Integer.toHexString(c);
                        sb.append("\\u").append("0000", hex.length(), 4).append(hex);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
    }
}
