package org.anykernel.base.spi;

/**
 * A faction (devices, file systems, network) as kernel-base sees it. Registered as a service by the
 * faction's bundle; kernel-base attaches it to the global kernel and to every library kernel made
 * while it is present. Factions never import each other.
 */
public interface Faction {

    /** {@code dev}, {@code vfs} or {@code net}. */
    String name();

    /** Per-kernel state for {@code kernel}: syscalls registered, name spaces mounted. */
    FactionInstance attach(KernelContext kernel);
}
