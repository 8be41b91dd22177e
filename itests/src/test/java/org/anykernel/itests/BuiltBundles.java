package org.anykernel.itests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/** The bundles this build made (bundles/**&#47;target/*.jar), with their manifests. */
final class BuiltBundles {
    /** One built bundle. */
    record Built(Path jar, String folder, Manifest manifest) {
        String header(String name) {
            String v = manifest.getMainAttributes().getValue(name);
            return v == null ? "" : v;
        }

        String symbolicName() {
            return header("Bundle-SymbolicName").split(";")[0].trim();
        }

        List<String> imports() {
            return packages(header("Import-Package"));
        }

        List<String> exports() {
            return packages(header("Export-Package"));
        }

        List<String> exportClauses() {
            return clauses(header("Export-Package"));
        }
    }

    private BuiltBundles() {
    }

    static Path root() {
        return Path.of(System.getProperty("anykernel.root", "..")).toAbsolutePath().normalize();
    }

    static List<Built> all() {
        List<Built> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root().resolve("bundles"), 5)) {
            for (Path jar : s.filter(p -> p.getParent().getFileName().toString().equals("target")
                    && p.toString().endsWith("-SNAPSHOT.jar")).toList()) {
                try (JarFile jf = new JarFile(jar.toFile())) {
                    Path moduleDir = jar.getParent().getParent();
                    out.add(new Built(jar, root().resolve("bundles").relativize(moduleDir).toString(), jf.getManifest()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The clauses of a manifest header, split at commas outside quotes. */
    static List<String> clauses(String header) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : header.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                out.add(cur.toString().trim());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (!cur.toString().isBlank()) {
            out.add(cur.toString().trim());
        }
        return out;
    }

    static List<String> packages(String header) {
        return clauses(header).stream().map(c -> c.split(";")[0].trim()).toList();
    }
}
