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
            if (value != null && value.getClass().isArray()) {
                for (int i = 0; i < Array.getLength(value); i++) {
                    p.setProperty(prefix + "[" + i + "]", String.valueOf(Array.get(value, i)));
                }
            } else if (value instanceof Collection<?> c) {
                int i = 0;
                for (Object e : c) {
                    p.setProperty(prefix + "[" + i++ + "]", String.valueOf(e));
                }
            } else {
                p.setProperty(prefix, String.valueOf(value));
            }
        }));
        return p;
    }

    /** Writes the configurations to {@code file}, replacing it. */
    public static void write(Map<String, ? extends Map<String, ?>> configurations, Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            toProperties(configurations).store(w, "anykernel boot configurations (PID/KEY, lists as PID/KEY[i])");
        }
    }
}
