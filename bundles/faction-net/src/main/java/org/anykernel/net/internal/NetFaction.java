package org.anykernel.net.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.anykernel.base.spi.Faction;
import org.anykernel.base.spi.FactionInstance;
import org.anykernel.base.spi.KernelContext;
import org.osgi.service.component.annotations.Component;

/**
 * The network faction as kernel-base attaches it to each kernel: a {@link NetStack} per kernel (the global one and
 * each library kernel), found again by the shell commands and the interface configurations through {@link #of}.
 */
@Component(service = {Faction.class, NetFaction.class})
public final class NetFaction implements Faction {
    /** Keyed by the kernel itself: two library kernels may share a name. */
    private final Map<KernelContext, NetStack> byKernel = new ConcurrentHashMap<>();
    private final InterfaceConfigs configs = new InterfaceConfigs();

    @Override
    public String name() {
        return "net";
    }

    @Override
    public FactionInstance attach(KernelContext kernel) {
        NetStack s = new NetStack(kernel, () -> byKernel.remove(kernel), configs);
        byKernel.put(kernel, s);
        return s;
    }

    /** The stack of the kernel named {@code kernel}, or null. */
    NetStack of(String kernel) {
        for (Map.Entry<KernelContext, NetStack> e : byKernel.entrySet()) {
            if (e.getKey().name().equals(kernel)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** The interface configurations ({@code net.if~NAME}) waiting for their interfaces, or applied. */
    InterfaceConfigs configs() {
        return configs;
    }
}
