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
    private final Map<String, DevInstance> byKernel = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "dev";
    }

    @Override
    public FactionInstance attach(KernelContext kernel) {
        DevInstance inst = new DevInstance(kernel, () -> byKernel.remove(kernel.name()));
        byKernel.put(kernel.name(), inst);
        return inst;
    }

    /** The device table of the named kernel ({@code global} for the shared one), or null. */
    DevInstance instance(String kernel) {
        return byKernel.get(kernel);
    }
}
