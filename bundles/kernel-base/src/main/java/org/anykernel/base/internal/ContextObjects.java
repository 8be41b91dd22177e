package org.anykernel.base.internal;

import java.util.function.Supplier;

import org.anykernel.base.spi.KernelObjects;

/** {@link KernelObjects} kept in the current domain's {@link Account}: they live exactly as long as the domain does. */
final class ContextObjects implements KernelObjects {
    private final Account fallback;

    ContextObjects(Account fallback) {
        this.fallback = fallback;
    }

    private Account account() {
        Account a = ExecutionContext.current();
        return a == null ? fallback : a;
    }

    @Override
    public <T> T get(String key, Class<T> type, Supplier<T> create) {
        var objects = account().objects();
        Object o = objects.compute(key, (k, old) -> type.isInstance(old) ? old : create.get());
        return type.cast(o);
    }

    @Override
    public void remove(String key) {
        account().objects().remove(key);
    }
}
