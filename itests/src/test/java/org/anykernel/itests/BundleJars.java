package org.anykernel.itests;

import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.function.Consumer;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/** Other builds of an installed driver, for the replace and update tests: its running content, manifest edited. */
final class BundleJars {
    private BundleJars() {
    }

    /** The installed bundle with this symbolic name. */
    static Bundle find(BundleContext context, String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    /** Every installed bundle with this symbolic name. */
    static java.util.List<Bundle> all(BundleContext context, String symbolicName) {
        java.util.List<Bundle> out = new java.util.ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                out.add(b);
            }
        }
        return out;
    }

    /** A temporary jar of {@code b}'s entries, its manifest changed by {@code edit}. */
    static Path rebuilt(Bundle b, String name, Consumer<Attributes> edit) throws Exception {
        return rebuilt(b, name, edit, (entry, bytes) -> bytes);
    }

    /** As {@link #rebuilt(Bundle, String, Consumer)}, each entry's content also changed by {@code entries}. */
    static Path rebuilt(Bundle b, String name, Consumer<Attributes> edit,
            java.util.function.BiFunction<String, byte[], byte[]> entries) throws Exception {
        Manifest mf;
        try (InputStream in = b.getEntry("META-INF/MANIFEST.MF").openStream()) {
            mf = new Manifest(in);
        }
        edit.accept(mf.getMainAttributes());
        Path jar = Files.createTempFile(name, ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf)) {
            Enumeration<URL> e = b.findEntries("/", "*", true);
            while (e.hasMoreElements()) {
                URL u = e.nextElement();
                String n = u.getPath().substring(1);
                if (n.isEmpty() || n.startsWith("META-INF/MANIFEST.MF") || n.equals("META-INF/")) {
                    continue;
                }
                out.putNextEntry(new JarEntry(n));
                if (!n.endsWith("/")) {
                    try (InputStream in = u.openStream()) {
                        out.write(entries.apply(n, in.readAllBytes()));
                    }
                }
                out.closeEntry();
            }
        }
        return jar;
    }
}
