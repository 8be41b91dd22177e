package org.anykernel.drivers.nic.sim;

import java.util.Map;

import org.anykernel.base.spi.DriverLinker;
import org.anykernel.base.spi.LinkContext;
import org.anykernel.hw.api.NicController;
import org.anykernel.net.api.NetworkDriver;

/**
 * nic-sim on a plain class path: one interface per NIC the kernel was given, named by the NIC's {@code hw.nic.name}
 * property (or its own name), as {@link NicSimDriver} does under OSGi. The NICs belong to the kernel being built.
 */
public final class NicSimLinker implements DriverLinker {
    @Override
    public String driver() {
        return "nic-sim";
    }

    @Override
    public void link(LinkContext ctx) {
        for (LinkContext.Hardware<NicController> hw : ctx.hardware(NicController.class)) {
            Object n = hw.properties().get(NicSimDriver.NIC_NAME);
            String name = n == null ? hw.device().name() : n.toString();
            ctx.register(new SimNetworkDriver(name, hw.device()), Map.of(NetworkDriver.NAME, name));
        }
    }
}
