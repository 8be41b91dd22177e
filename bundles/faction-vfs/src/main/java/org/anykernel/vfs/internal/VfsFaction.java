package org.anykernel.vfs.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.anykernel.base.spi.Faction;
import org.anykernel.base.spi.FactionInstance;
import org.anykernel.base.spi.KernelContext;
import org.anykernel.base.spi.KernelServiceRef;
import org.anykernel.vfs.api.FileSystemType;
import org.osgi.service.component.annotations.Component;

/**
 * The vfs faction as kernel-base attaches it to each kernel. For now it keeps, per kernel, the
 * {@link FileSystemType} drivers present; the syscalls of this faction come with the issue that fills it.
 */
@Component(service = Faction.class)
public final class VfsFaction implements Faction {
    @Override
    public String name() {
        return "vfs";
    }

    @Override
    public FactionInstance attach(KernelContext kernel) {
        Set<Object> drivers = ConcurrentHashMap.newKeySet();
        return new FactionInstance() {
            @Override
            public void bind(KernelServiceRef ref) {
                if (ref.service() instanceof FileSystemType && ref.properties().containsKey(FileSystemType.TYPE)) {
                    drivers.add(ref.service());
                }
            }

            @Override
            public void unbind(KernelServiceRef ref) {
                drivers.remove(ref.service());
            }

            @Override
            public void close() {
                drivers.clear();
            }
        };
    }
}
