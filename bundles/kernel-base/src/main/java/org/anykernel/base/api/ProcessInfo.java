package org.anykernel.base.api;

/**
 * A process as {@code kernel:ps} shows it.
 *
 * @param pid         process id
 * @param name        command name
 * @param credentials its credentials
 * @param cwd         working directory
 * @param umask       file creation mask
 * @param openFiles   descriptors in use
 */
public record ProcessInfo(int pid, String name, Credentials credentials, String cwd, int umask, int openFiles) {
}
