package org.anykernel.apps.librarydemo;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import org.anykernel.base.api.KernelFactory;
import org.anykernel.base.api.LibraryKernel;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Sys;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * An application that keeps a private kernel of its own: its own instances of the character devices,
 * its own process and descriptors, called on the application's own thread, shared with no one.
 */
@Component(service = LibraryDemo.class, property = {"osgi.command.scope=library", "osgi.command.function=demo"})
public final class LibraryDemo {
    private final LibraryKernel kernel;

    @Activate
    public LibraryDemo(@Reference KernelFactory factory) {
        kernel = factory.create("library-demo", List.of("char-std"), 1 << 20);
    }

    @Deactivate
    void close() {
        kernel.close();
    }

    @Descriptor("use the application's private kernel: read /dev/zero and /dev/random, write /dev/null and /dev/console")
    public String demo() {
        Posix sys = kernel.posix();
        StringBuilder out = new StringBuilder("private kernel '" + kernel.name() + "', pid " + sys.getpid() + "\n");
        byte[] buf = new byte[8];
        int zero = sys.open("/dev/zero", Sys.O_RDONLY);
        int random = sys.open("/dev/random", Sys.O_RDONLY);
        int nul = sys.open("/dev/null", Sys.O_WRONLY);
        int console = sys.open("/dev/console", Sys.O_WRONLY);
        try {
            out.append("/dev/zero:   ").append(HexFormat.ofDelimiter(" ").formatHex(buf, 0, sys.read(zero, buf))).append('\n');
            out.append("/dev/random: ").append(HexFormat.ofDelimiter(" ").formatHex(buf, 0, sys.read(random, buf))).append('\n');
            out.append("/dev/null took ").append(sys.write(nul, new byte[100])).append(" bytes\n");
            byte[] hello = "hello from a library kernel\n".getBytes(StandardCharsets.UTF_8);
            out.append("/dev/console took ").append(sys.write(console, hello)).append(" bytes\n");
        } finally {
            sys.close(zero);
            sys.close(random);
            sys.close(nul);
            sys.close(console);
        }
        return out.toString();
    }
}
