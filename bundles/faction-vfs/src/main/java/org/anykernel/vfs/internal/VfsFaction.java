package org.anykernel.vfs.internal;

import org.anykernel.base.spi.Faction;
import org.anykernel.base.spi.FactionInstance;
import org.anykernel.base.spi.KernelContext;
import org.anykernel.base.spi.ServiceSet;
import org.anykernel.vfs.api.FileSystemType;
import org.osgi.service.component.annotations.Component;

/**
 * The file-system faction as kernel-base attaches it to each kernel: for now the file system types present,
 * by name; the mount table and the file syscalls come with the storage stack.
 */
@Component(service = Faction.class)
public final class VfsFaction implements Faction {
    @Override
    public String name() {
        return "vfs";
    }

    @Override
    public FactionInstance attach(KernelContext kernel) {
        return new ServiceSet<>(FileSystemType.class, FileSystemType.TYPE);
    }
}
