package org.anykernel.drivers.blk.sim;

import java.util.Map;

import org.anykernel.base.spi.DriverLinker;
import org.anykernel.base.spi.LinkContext;
import org.anykernel.dev.api.BlockDevice;
import org.anykernel.hw.api.DiskController;

/**
 * blk-sim on a plain class path: probe and attach every disk controller the kernel was given, one block device each,
 * named by the controller's {@code hw.disk.name} property (or its own name), as {@link BlkSimDriver} does under OSGi.
 */
public final class BlkSimLinker implements DriverLinker {
    @Override
    public String driver() {
        return "blk-sim";
    }

    @Override
    public void link(LinkContext ctx) {
        for (LinkContext.Hardware<DiskController> hw : ctx.hardware(DiskController.class)) {
            Object n = hw.properties().get(BlkSimDriver.DISK_NAME);
            String name = n == null ? hw.device().info().name() : n.toString();
            DiskPort port = new DiskPort(name, hw.device());
            port.attach();
            SimBlockDevice dev = new SimBlockDevice(port, ctx.threads(), ctx.memory());
            ctx.onClose(dev::close);
            ctx.register(dev, Map.of(BlockDevice.NAME, name));
        }
    }
}
