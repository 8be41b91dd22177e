/**
 * Kernel profiles as a library: loads OSGi Feature files (by profile name from the {@code features}
 * artifact, or by path), merges them, substitutes variables, resolves bundles from the local Maven
 * repository and writes the boot configuration file that kernel-base applies at start.
 *
 * <p>Used by the {@code anyk} command ({@code org.anykernel.launcher.cli}) and by the Pax Exam support, so
 * both provision a profile the same way. Nothing here starts a framework or exits the JVM.
 */
package org.anykernel.launcher;
