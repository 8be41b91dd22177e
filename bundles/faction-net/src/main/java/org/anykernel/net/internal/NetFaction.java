package org.anykernel.net.internal;

import org.anykernel.base.spi.Faction;
import org.anykernel.base.spi.FactionInstance;
import org.anykernel.base.spi.KernelContext;
import org.anykernel.base.spi.ServiceSet;
import org.anykernel.net.api.NetworkDriver;
import org.osgi.service.component.annotations.Component;

/**
 * The network faction as kernel-base attaches it to each kernel: for now the network drivers present, by
 * interface name; sockets, routing and the socket syscalls come with the network stack.
 */
@Component(service = Faction.class)
public final class NetFaction implements Faction {
    @Override
    public String name() {
        return "net";
    }

    @Override
    public FactionInstance attach(KernelContext kernel) {
        return new ServiceSet<>(NetworkDriver.class, NetworkDriver.NAME);
    }
}
