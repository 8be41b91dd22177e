package org.anykernel.base.api;

import java.util.List;

/**
 * One domain as the kernel sees it now.
 *
 * @param descriptor the descriptor in force
 * @param state      supervisor state
 * @param services   number of fronts in the domain
 * @param bundles    symbolic names of the bundles in the domain
 * @param restarts   restarts so far
 * @param memoryUsed bytes of kernel buffers charged to the domain
 * @param lastFault  the last fault, one line, or empty
 * @param rejected   the last descriptor update that was refused, one line, or empty
 */
public record DomainInfo(DomainDescriptor descriptor, DomainState state, int services, List<String> bundles,
        int restarts, long memoryUsed, String lastFault, String rejected) {
    /** Shorthand for {@code descriptor().name()}. */
    public String name() {
        return descriptor.name();
    }
}
