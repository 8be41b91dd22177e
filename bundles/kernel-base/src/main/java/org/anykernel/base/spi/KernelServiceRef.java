package org.anykernel.base.spi;

import java.util.Map;

/**
 * A kernel service handed to a faction: the object to call (a front, or a library kernel's private
 * instance) and its service properties.
 *
 * @param service    the object; implements the service's interfaces
 * @param properties the service properties (including {@code anykernel.domain} and {@code anykernel.placement})
 */
public record KernelServiceRef(Object service, Map<String, Object> properties) {
    public KernelServiceRef {
        properties = Map.copyOf(properties);
    }

    /** A property as a string, or {@code dflt}. */
    public String property(String key, String dflt) {
        Object v = properties.get(key);
        return v == null ? dflt : String.valueOf(v);
    }
}
