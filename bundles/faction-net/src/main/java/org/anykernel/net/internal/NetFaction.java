package org.anykernel.net.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.anykernel.base.spi.Faction;
import org.anykernel.base.spi.FactionInstance;
import org.anykernel.base.spi.KernelContext;
import org.anykernel.base.spi.KernelServiceRef;
import org.anykernel.net.api.NetworkDriver;
import org.osgi.service.component.annotations.Component;

/**
 * The net faction as kernel-base attaches it to each kernel. For now it keeps, per kernel, the
 * {@link NetworkDriver} drivers present; the syscalls of this faction come with the issue that fills it.
 */
@Component(service = Faction.class)
public final class NetFaction implements Faction {
    @Override
    public String name() {
        return "net";
    }

    @Override
    public FactionInstance attach(KernelContext kernel) {
        Set<Object> drivers = ConcurrentHashMap.newKeySet();
        return new FactionInstance() {
            @Override
            public void bind(KernelServiceRef ref) {
                if (ref.service() instanceof NetworkDriver && ref.properties().containsKey(NetworkDriver.NAME)) {
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
