package org.anykernel.dev.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Sys;
import org.anykernel.base.spi.Hypercalls;
import org.anykernel.base.spi.KernelContext;
import org.anykernel.base.spi.KernelMemory;
import org.anykernel.base.spi.KernelServiceRef;
import org.anykernel.base.spi.NameSpace;
import org.anykernel.base.spi.OpenFile;
import org.anykernel.base.spi.SyscallTable;
import org.anykernel.dev.api.CharDevice;
import org.junit.jupiter.api.Test;

/** The device table and {@code /dev} of one kernel. */
class DevInstanceTest {
    private final Map<String, NameSpace> mounts = new HashMap<>();

    private final KernelContext kernel = new KernelContext() {
        @Override
        public String name() {
            return "test";
        }

        @Override
        public Hypercalls hypercalls() {
            throw new UnsupportedOperationException("the device table needs no host");
        }

        @Override
        public SyscallTable syscalls() {
            return new SyscallTable();
        }

        @Override
        public AutoCloseable mount(String prefix, NameSpace space) {
            mounts.put(prefix, space);
            return () -> mounts.remove(prefix);
        }

        @Override
        public KernelMemory memory() {
            throw new UnsupportedOperationException("the device table allocates nothing");
        }
    };

    private static final class Echo implements CharDevice {
        @Override
        public int read(byte[] buf, int off, int len) {
            buf[off] = 42;
            return 1;
        }

        @Override
        public int write(byte[] buf, int off, int len) {
            return len;
        }

        @Override
        public long ioctl(long request, long arg) {
            return request;
        }
    }

    @Test
    void devicesComeAndGoUnderDev() {
        DevFaction faction = new DevFaction();
        DevInstance dev = (DevInstance) faction.attach(kernel);
        assertTrue(mounts.containsKey("/dev"));
        Echo echo = new Echo();
        KernelServiceRef ref = new KernelServiceRef(echo, Map.of(CharDevice.NAME, "echo", CharDevice.MAJOR, 10));
        dev.bind(ref);
        dev.bind(new KernelServiceRef(new Echo(), Map.of(CharDevice.NAME, "../etc")));
        dev.bind(new KernelServiceRef("not a device", Map.of(CharDevice.NAME, "x")));
        assertEquals(1, dev.nodes().size());
        assertEquals(10, dev.nodes().get(0).major());
        OpenFile f = dev.open(null, "/dev/echo", "echo", Sys.O_RDWR, 0);
        byte[] b = new byte[2];
        assertEquals(1, f.read(b, 1, 1));
        assertEquals(42, b[1]);
        assertEquals(7, f.ioctl(7, 0));
        assertEquals(Errno.EISDIR, assertThrows(KernelException.class, () -> dev.open(null, "/dev", "", 0, 0)).errno());
        assertEquals(Errno.ENOTDIR,
                assertThrows(KernelException.class, () -> dev.open(null, "/dev/echo", "echo", Sys.O_DIRECTORY, 0)).errno());
        dev.unbind(ref);
        assertEquals(Errno.ENOENT, assertThrows(KernelException.class, () -> dev.open(null, "/dev/echo", "echo", 0, 0)).errno());
        assertEquals(dev, faction.instance("test"));
        dev.close();
        assertTrue(mounts.isEmpty());
        assertEquals(null, faction.instance("test"));
    }
}
