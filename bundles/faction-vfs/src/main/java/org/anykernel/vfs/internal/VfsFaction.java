package org.anykernel.vfs.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.anykernel.base.spi.Faction;
import org.anykernel.base.spi.FactionInstance;
import org.anykernel.base.spi.KernelContext;
import org.osgi.service.component.annotations.Component;

/**
 * The file-system faction as kernel-base attaches it to each kernel: a {@link Vfs} per kernel (the global one and
 * each library kernel), found again by the shell commands through {@link #of}.
 */
@Component(service = {Faction.class, VfsFaction.class})
public final class VfsFaction implements Faction {
    /** Keyed by the kernel itself: two library kernels may share a name. */
    private final Map<KernelContext, Vfs> byKernel = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "vfs";
    }

    @Override
    public FactionInstance attach(KernelContext kernel) {
        Vfs vfs = new Vfs(kernel, () -> byKernel.remove(kernel));
        byKernel.put(kernel, vfs);
        return vfs;
    }

    /** The VFS of the kernel named {@code kernel}, or null. */
    Vfs of(String kernel) {
        for (Map.Entry<KernelContext, Vfs> e : byKernel.entrySet()) {
            if (e.getKey().name().equals(kernel)) {
                return e.getValue();
            }
        }
        return null;
    }
}
