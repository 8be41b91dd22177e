/**
 * Runs a {@link org.anykernel.launcher.Profile} in an embedded Apache Felix: provisions it, waits until
 * the kernel is settled, runs Gogo commands, stops it. The launcher reaches kernel and shell services by
 * reflection, since their classes live in bundles' class loaders, not on the launcher's class path.
 */
package org.anykernel.launcher.embed;
