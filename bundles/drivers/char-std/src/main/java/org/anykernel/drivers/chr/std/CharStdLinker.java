package org.anykernel.drivers.chr.std;

import java.util.Map;

import org.anykernel.base.spi.DriverLinker;
import org.anykernel.base.spi.LinkContext;
import org.anykernel.dev.api.CharDevice;
import org.anykernel.hw.api.ConsolePort;

/**
 * char-std on a plain class path: the same devices DS makes, with the same properties; {@code console} only when
 * the kernel was given a console port.
 */
public final class CharStdLinker implements DriverLinker {
    @Override
    public String driver() {
        return "char-std";
    }

    @Override
    public void link(LinkContext ctx) {
        ctx.register(new NullDevice(), props("null", 1, 3));
        ctx.register(new ZeroDevice(), props("zero", 1, 5));
        ctx.register(new RandomDevice(ctx.hypercalls()), props("random", 1, 8));
        for (LinkContext.Hardware<ConsolePort> port : ctx.hardware(ConsolePort.class)) {
            ctx.register(new ConsoleDevice(port.device()), props("console", 5, 1));
        }
    }

    private static Map<String, Object> props(String name, int major, int minor) {
        return Map.of(CharDevice.NAME, name, CharDevice.MAJOR, major, CharDevice.MINOR, minor);
    }
}
