package org.anykernel.base.api;

import java.util.List;

/**
 * One front: a kernel service as consumers see it.
 *
 * @param id         the front's service id
 * @param interfaces its service interfaces
 * @param driver     the driver (bundle) that provides it
 * @param component  the component name, or empty
 * @param domain     its domain
 * @param placement  its placement now
 * @param bound      whether a driver object is behind the front now
 */
public record ServiceInfo(long id, List<String> interfaces, String driver, String component, String domain,
        Placement placement, boolean bound) {
}
