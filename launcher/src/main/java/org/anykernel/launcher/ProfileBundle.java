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
}
