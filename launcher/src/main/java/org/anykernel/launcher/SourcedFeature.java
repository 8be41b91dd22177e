package org.anykernel.launcher;

import org.osgi.service.feature.Feature;

/**
 * A feature and where it came from, so that merge errors can name the file.
 *
 * @param label  how the user named it: the profile name, or the file's name without {@code .json}
 * @param origin the file or classpath resource it was read from
 */
record SourcedFeature(String label, String origin, Feature feature) {
}
