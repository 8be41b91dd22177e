package org.anykernel.dev.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.anykernel.base.spi.KernelProcess;
import org.anykernel.base.spi.NameSpace;
import org.anykernel.base.spi.OpenFile;
import org.anykernel.base.spi.SyscallTable;
import org.anykernel.dev.api.BlockCompletion;
import org.anykernel.dev.api.BlockDevice;
import org.anykernel.dev.api.BlockInfo;
import org.anykernel.dev.api.BlockRequest;
import org.anykernel.dev.api.CharDevice;
import org.anykernel.dev.api.Ioctls;
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

        @Override
        public OpenFile open(KernelProcess process, String path, int flags, int mode) {
            throw new UnsupportedOperationException("the device table opens nothing outside /dev");
        }

        @Override
        public Resolved resolve(String path) {
            throw new UnsupportedOperationException("the device table resolves nothing outside /dev");
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

    /** A block device in memory, counting the sectors each call moves. */
    private static final class RamDisk implements BlockDevice {
        final byte[] bytes;
        final boolean readOnly;
        int flushes;
        int largestCall;

        RamDisk(int sectors, boolean readOnly) {
            this.bytes = new byte[sectors * 512];
            this.readOnly = readOnly;
        }

        @Override
        public BlockInfo info() {
            return new BlockInfo("ram0", bytes.length / 512, 512, readOnly, 8, 1024);
        }

        @Override
        public long submit(BlockRequest r) {
            throw new KernelException(Errno.ENOSYS, "ram0", "not used by the device table");
        }

        @Override
        public BlockCompletion await(long handle, long timeoutMillis) {
            throw new KernelException(Errno.ENOSYS, "ram0", "not used by the device table");
        }

        @Override
        public int read(long sector, byte[] buf, int off, int sectors) {
            largestCall = Math.max(largestCall, sectors);
            System.arraycopy(bytes, (int) sector * 512, buf, off, sectors * 512);
            return sectors;
        }

        @Override
        public int write(long sector, byte[] buf, int off, int sectors, boolean fua) {
            largestCall = Math.max(largestCall, sectors);
            System.arraycopy(buf, off, bytes, (int) sector * 512, sectors * 512);
            return sectors;
        }

        @Override
        public void flush() {
            flushes++;
        }
    }

    @Test
    void blockDevicesAreFilesAtTheDescriptorsPosition() {
        DevInstance dev = (DevInstance) new DevFaction().attach(kernel);
        RamDisk ram = new RamDisk(600, false);
        KernelServiceRef ref = new KernelServiceRef(ram, Map.of(BlockDevice.NAME, "ram0", "anykernel.domain", "blk"));
        dev.bind(ref);
        dev.bind(new KernelServiceRef(new RamDisk(1, false), Map.of(BlockDevice.NAME, "..")));
        assertEquals(1, dev.blockNodes().size());
        assertEquals("blk", dev.blockNodes().get(0).domain());
        assertEquals(0, dev.nodes().size(), "not a character device");

        OpenFile f = dev.open(null, "/dev/ram0", "ram0", Sys.O_RDWR, 0);
        byte[] head = new byte[700];
        for (int i = 0; i < head.length; i++) {
            head[i] = (byte) (i * 13);
        }
        assertEquals(700, f.write(head, 0, 700));
        byte[] mid = {1, 2, 3, 4, 5};
        assertEquals(5, f.write(mid, 0, 5), "a partial sector in the middle: read, merged, written back");
        byte[] expect = new byte[705];
        System.arraycopy(head, 0, expect, 0, 700);
        System.arraycopy(mid, 0, expect, 700, 5);
        assertArrayEquals(expect, java.util.Arrays.copyOf(ram.bytes, 705));
        assertEquals(0, ram.bytes[705], "the rest of the sector is kept");

        OpenFile g = dev.open(null, "/dev/ram0", "ram0", Sys.O_RDONLY, 0);
        byte[] skip = new byte[300];
        assertEquals(300, g.read(skip, 0, 300));
        byte[] back = new byte[405];
        assertEquals(405, g.read(back, 0, 405), "from the position the last read left");
        assertArrayEquals(java.util.Arrays.copyOfRange(expect, 300, 705), back);

        byte[] all = new byte[600 * 512 + 100];
        OpenFile h = dev.open(null, "/dev/ram0", "ram0", Sys.O_RDWR, 0);
        assertEquals(600 * 512, h.read(all, 0, all.length), "reads stop at the end of the device");
        assertTrue(ram.largestCall <= BlockFile.CHUNK_SECTORS, "device calls move at most a chunk: " + ram.largestCall);
        assertEquals(0, h.read(all, 0, 1));
        assertEquals(Errno.ENOSPC, assertThrows(KernelException.class, () -> h.write(all, 0, 1)).errno());

        assertEquals(600 * 512, f.ioctl(Ioctls.BLKGETSIZE64, 0));
        assertEquals(512, f.ioctl(Ioctls.BLKSSZGET, 0));
        assertEquals(0, f.ioctl(Ioctls.BLKROGET, 0));
        assertEquals(0, f.ioctl(Ioctls.BLKFLSBUF, 0));
        assertEquals(1, ram.flushes);
        assertEquals(Errno.ENOTTY, assertThrows(KernelException.class, () -> f.ioctl(Ioctls.FIONREAD, 0)).errno());
        assertEquals(Errno.EEXIST, assertThrows(KernelException.class,
                () -> dev.open(null, "/dev/ram0", "ram0", Sys.O_CREAT | Sys.O_EXCL | Sys.O_RDWR, 0)).errno());

        dev.unbind(ref);
        assertEquals(Errno.ENOENT, assertThrows(KernelException.class, () -> dev.open(null, "/dev/ram0", "ram0", 0, 0)).errno());
        dev.close();
    }

    @Test
    void aReadOnlyBlockDeviceOpensForReadingOnly() {
        DevInstance dev = (DevInstance) new DevFaction().attach(kernel);
        dev.bind(new KernelServiceRef(new RamDisk(4, true), Map.of(BlockDevice.NAME, "ro0")));
        assertEquals(Errno.EROFS, assertThrows(KernelException.class,
                () -> dev.open(null, "/dev/ro0", "ro0", Sys.O_WRONLY, 0)).errno());
        OpenFile f = dev.open(null, "/dev/ro0", "ro0", Sys.O_RDONLY, 0);
        assertEquals(1, f.ioctl(Ioctls.BLKROGET, 0));
        assertEquals(10, f.read(new byte[10], 0, 10));
        dev.close();
    }

    @Test
    void catShowsTextAsTextAndEverythingElseAsHex() {
        byte[] hello = "héllo\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals("héllo\n", DevCommands.text(hello, hello.length));
        assertEquals(null, DevCommands.text(new byte[] {(byte) 0xe9, 0x41}, 2), "not UTF-8");
        assertEquals(null, DevCommands.text(new byte[] {0x41, 0x00}, 2), "a control character");
    }
}
