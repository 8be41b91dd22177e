package org.anykernel.base.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where a domain's services run relative to their callers. */
public enum Placement {
    /** Monolithic: the front calls the driver on the caller's thread. */
    COLOCATED,
    /** Microkernel server: the domain's own threads, copied arguments, contained faults. */
    ISOLATED,
    /** No shared instance: applications create private instances through a {@link KernelFactory}. */
    LIBRARY;

    /** The lower-case name used in descriptors and on the shell. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a descriptor value; the message lists the accepted values. */
    public static Placement parse(String value) {
        for (Placement p : values()) {
            if (p.label().equals(value)) {
                return p;
            }
        }
        throw new KernelException(Errno.EINVAL, "unknown placement '" + value + "' (expected one of "
                + Arrays.stream(values()).map(Placement::label).collect(Collectors.joining(", ")) + ")");
    }
}
