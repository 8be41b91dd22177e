package org.anykernel.launcher;

import java.nio.file.Path;

/**
 * One bundle of a profile, resolved to its jar.
 *
 * @param id         Maven id as the feature gives it, {@code group:artifact:version}
 * @param file       the jar in the local Maven repository
 * @param startOrder the feature's {@code start-order}, or 0 when it gives none (the framework's
 *                   {@code felix.startlevel.bundle} then applies)
 */
public record ProfileBundle(String id, Path file, int startOrder) {

    /** The bundle location to install from: a {@code file:} URI of the jar. */
    public String location() {
        return file.toUri().toString();
    }

    /**
     * A main attribute of the jar's manifest, or {@code ""} when it has none (or the jar is not there).
     *
     * @throws java.io.UncheckedIOException when the jar cannot be read
     */
    public String manifestHeader(String name) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            return "";
        }
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(file.toFile())) {
            String v = jar.getManifest() == null ? null : jar.getManifest().getMainAttributes().getValue(name);
            return v == null ? "" : v;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The jar's {@code Bundle-SymbolicName} without its directives, or {@code ""}. */
    public String symbolicName() {
        return manifestHeader("Bundle-SymbolicName").split(";")[0].trim();
    }
}
