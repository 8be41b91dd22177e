/**
 * The {@code anyk} command line: parses arguments (picocli), turns every failure into one line
 * {@code anyk: error: ...} with an exit code (2 for bad usage or input, 1 for failures), and is the only
 * place that exits the JVM.
 */
package org.anykernel.launcher.cli;
