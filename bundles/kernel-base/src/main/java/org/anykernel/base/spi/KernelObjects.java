package org.anykernel.base.spi;

import java.util.function.Supplier;

/**
 * State a driver keeps in the base rather than in itself, so it outlives the driver: objects stored per domain (or
 * library kernel), which a restart of the domain's bundles does not touch. A tmpfs keeps its volumes here, so a crash
 * of the file system driver loses no file: the restarted driver finds the same volumes under the same handles.
 * Registered as a service by kernel-base; the domain is the one the calling code runs in (so call it from a driver
 * method, not a constructor). An object whose class is not {@code type} (a driver updated to a new bundle revision)
 * is not returned: that is what state transfer is for.
 */
public interface KernelObjects {

    /** The object stored under {@code key} for the current domain, made by {@code create} the first time. */
    <T> T get(String key, Class<T> type, Supplier<T> create);

    /** Forgets the object stored under {@code key} for the current domain. */
    void remove(String key);
}
