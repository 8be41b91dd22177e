package org.anykernel.base.api;

import java.util.List;

/**
 * Who a process acts as.
 *
 * @param uid    user id
 * @param gid    primary group id
 * @param groups supplementary groups
 */
public record Credentials(int uid, int gid, List<Integer> groups) {
    /** The superuser. */
    public static final Credentials ROOT = new Credentials(0, 0, List.of());

    public Credentials {
        groups = List.copyOf(groups);
    }

    /** Whether this is uid 0. */
    public boolean isRoot() {
        return uid == 0;
    }

    /** Whether the process is in group {@code g}. */
    public boolean inGroup(int g) {
        return gid == g || groups.contains(g);
    }
}
