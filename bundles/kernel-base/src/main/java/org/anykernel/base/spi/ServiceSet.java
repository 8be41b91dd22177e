package org.anykernel.base.spi;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The kernel services of one type in one kernel, by the name a service property gives them: the simplest
 * faction state ("which file system types are there", "which network drivers"). A faction whose attachment
 * needs no more returns one of these as its {@link FactionInstance}.
 *
 * @param <T> the service type
 */
public final class ServiceSet<T> implements FactionInstance {
    private final Class<T> type;
    private final String nameProperty;
    private final Map<String, T> byName = new ConcurrentHashMap<>();

    /** Services of {@code type} that carry {@code nameProperty}; others are ignored. */
    public ServiceSet(Class<T> type, String nameProperty) {
        this.type = type;
        this.nameProperty = nameProperty;
    }

    @Override
    public void bind(KernelServiceRef ref) {
        String name = ref.property(nameProperty, null);
        if (name != null && type.isInstance(ref.service())) {
            byName.put(name, type.cast(ref.service()));
        }
    }

    @Override
    public void unbind(KernelServiceRef ref) {
        byName.values().removeIf(s -> s == ref.service());
    }

    @Override
    public void close() {
        byName.clear();
    }

    /** The service of this name, or null. */
    public T get(String name) {
        return byName.get(name);
    }

    /** Every service, by name, sorted. */
    public Map<String, T> all() {
        return new TreeMap<>(byName);
    }
}
