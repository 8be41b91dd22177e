/**
 * kernel-base's private parts: kernel instances, domains and their call paths (direct, hand-off,
 * migrating), fronts and the registry hooks that put them in place of drivers' raw services, the
 * supervisor, and the shell commands.
 */
package org.anykernel.base.internal;
