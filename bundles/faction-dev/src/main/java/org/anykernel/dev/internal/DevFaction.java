package org.anykernel.dev.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.anykernel.base.spi.Faction;
import org.anykernel.base.spi.FactionInstance;
import org.anykernel.base.spi.KernelContext;
import org.osgi.service.component.annotations.Component;

/** The device faction: attaches a {@link DevInstance} (device table and {@code /dev}) to each kernel. */
@Component(service = {Faction.class, DevFaction.class})
public final class DevFaction implements Faction {
    /** Keyed by the kernel itself: two library kernels may share a name. */
    private final Map<KernelContext, DevInstance> byKernel = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "dev";
    }

    @Override
    public FactionInstance attach(KernelContext kernel) {
        DevInstance inst = new DevInstance(kernel, () -> byKernel.remove(kernel));
        byKernel.put(kernel, inst);
        return inst;
    }

    /** The device table of the named kernel ({@code global} for the shared one), or null. */
    DevInstance instance(String kernel) {
        for (Map.Entry<KernelContext, DevInstance> e : byKernel.entrySet()) {
            if (e.getKey().name().equals(kernel)) {
                return e.getValue();
            }
        }
        return null;
    }
}
