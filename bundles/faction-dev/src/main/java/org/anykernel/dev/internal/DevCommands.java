package org.anykernel.dev.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.Kernel;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Sys;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@code dev:} shell commands, on the global kernel. */
@Component(service = DevCommands.class, property = {"osgi.command.scope=dev", "osgi.command.function=ls",
    "osgi.command.function=cat", "osgi.command.function=disks"})
public final class DevCommands {
    @Reference
    private DevFaction faction;
    @Reference
    private Kernel kernel;

    @Descriptor("list the devices under /dev: character devices (c) with their numbers, block devices (b) with their size; domain and placement")
    public String ls() {
        DevInstance inst = faction.instance("global");
        if (inst == null) {
            return "no devices (the device faction is not attached)\n";
        }
        StringBuilder sb = new StringBuilder();
        for (DevInstance.Node n : inst.nodes()) {
            sb.append(String.format("c %3d,%3d  /dev/%-10s %s (%s)%n", n.major(), n.minor(), n.name(), n.domain(),
                    n.placement()));
        }
        for (DevInstance.BlockNode b : inst.blockNodes()) {
            sb.append(String.format("b %7s  /dev/%-10s %s (%s)%n", size(b), b.name(), b.domain(), b.placement()));
        }
        return sb.isEmpty() ? "no devices\n" : sb.toString();
    }

    @Descriptor("list the block devices: name, size, sector size, read-only, queue depth, domain and placement")
    public String disks() {
        DevInstance inst = faction.instance("global");
        if (inst == null) {
            return "no devices (the device faction is not attached)\n";
        }
        StringBuilder sb = new StringBuilder();
        for (DevInstance.BlockNode b : inst.blockNodes()) {
            String geometry;
            try {
                var info = b.device().info();
                geometry = String.format("%8s  %4d B/sector  %s  queue %d", size(b), info.sectorSize(),
                        info.readOnly() ? "ro" : "rw", info.queueDepth());
            } catch (KernelException e) {
                geometry = e.errno().name();
            }
            sb.append(String.format("/dev/%-8s %s  %s (%s)%n", b.name(), geometry, b.domain(), b.placement()));
        }
        return sb.isEmpty() ? "no block devices\n" : sb.toString();
    }

    /** A block device's size in the largest binary unit that divides it ({@code 16M}, {@code 1536K}); its errno if it does not answer. */
    private static String size(DevInstance.BlockNode b) {
        try {
            long bytes = b.device().info().sizeBytes();
            String[] units = {"", "K", "M", "G", "T"};
            int u = 0;
            while (u < units.length - 1 && bytes >= 1024 && bytes % 1024 == 0) {
                bytes /= 1024;
                u++;
            }
            return bytes + units[u];
        } catch (KernelException e) {
            return e.errno().name();
        }
    }

    /** The bytes as text if they are valid UTF-8 without control characters (but tabs and newlines), else null. */
    static String text(byte[] buf, int n) {
        for (int i = 0; i < n; i++) {
            int b = buf[i] & 0xff;
            if (b < 0x09 || (b > 0x0d && b < 0x20) || b == 0x7f) {
                return null;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(buf, 0, n)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    @Descriptor("read a device: text as is, binary data as hex")
    public String cat(@Descriptor("device name (zero, /dev/random, ...)") String device) {
        return cat(device, 64);
    }

    @Descriptor("read a device: text as is, binary data as hex")
    public String cat(@Descriptor("device name (zero, /dev/random, ...)") String device,
            @Descriptor("bytes to read at most") int count) {
        if (count < 0) {
            throw new KernelException(Errno.EINVAL, "count", "negative: " + count);
        }
        String path = device.startsWith("/") ? device : "/dev/" + device;
        Posix sys = kernel.posix(1);
        int fd = sys.open(path, Sys.O_RDONLY);
        try {
            byte[] buf = new byte[count];
            int n = sys.read(fd, buf);
            String body = text(buf, n);
            if (body == null) {
                body = HexFormat.ofDelimiter(" ").formatHex(buf, 0, n);
            }
            return body + "\n(" + n + " bytes)\n";
        } finally {
            sys.close(fd);
        }
    }
}
