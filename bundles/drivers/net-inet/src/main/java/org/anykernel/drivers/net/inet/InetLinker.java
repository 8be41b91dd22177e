package org.anykernel.drivers.net.inet;

import java.util.Map;

import org.anykernel.base.spi.DriverLinker;
import org.anykernel.base.spi.LinkContext;
import org.anykernel.net.spi.Protocol;

/** net-inet on a plain class path: one {@link Inet} stack of the kernel's own, with the property DS gives it. */
public final class InetLinker implements DriverLinker {
    @Override
    public String driver() {
        return "net-inet";
    }

    @Override
    public void link(LinkContext ctx) {
        ctx.register(new Inet(), Map.of(Protocol.FAMILY, "2"));
    }
}
