package org.anykernel.dev.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Stat;
import org.anykernel.base.api.Sys;
import org.anykernel.base.spi.FactionInstance;
import org.anykernel.base.spi.KernelContext;
import org.anykernel.base.spi.KernelProcess;
import org.anykernel.base.spi.KernelServiceRef;
import org.anykernel.base.spi.NameSpace;
import org.anykernel.base.spi.OpenFile;
import org.anykernel.dev.api.BlockDevice;
import org.anykernel.dev.api.CharDevice;

/**
 * The device faction in one kernel: its tables of character and block devices, served as {@code /dev}. A name
 * taken by a character device hides a block device of the same name.
 */
final class DevInstance implements FactionInstance, NameSpace {
    /** A character device in the table. */
    record Node(String name, int major, int minor, CharDevice device, String domain, String placement) {
    }

    /** A block device in the table. */
    record BlockNode(String name, BlockDevice device, String domain, String placement) {
    }

    private final Map<String, Node> devices = new ConcurrentSkipListMap<>();
    private final Map<String, BlockNode> blocks = new ConcurrentSkipListMap<>();
    private final AutoCloseable mount;
    private final Runnable onClose;

    DevInstance(KernelContext kernel, Runnable onClose) {
        this.onClose = onClose;
        this.mount = kernel.mount("/dev", this);
    }

    @Override
    public void bind(KernelServiceRef ref) {
        if (ref.service() instanceof CharDevice dev) {
            String name = ref.property(CharDevice.NAME, null);
            if (validName(name)) {
                devices.put(name, new Node(name, intProp(ref, CharDevice.MAJOR), intProp(ref, CharDevice.MINOR), dev,
                        ref.property("anykernel.domain", "-"), ref.property("anykernel.placement", "-")));
            }
        }
        if (ref.service() instanceof BlockDevice dev) {
            String name = ref.property(BlockDevice.NAME, null);
            if (validName(name)) {
                blocks.put(name, new BlockNode(name, dev, ref.property("anykernel.domain", "-"),
                        ref.property("anykernel.placement", "-")));
            }
        }
    }

    private static boolean validName(String name) {
        return name != null && !name.isEmpty() && !name.contains("/") && !name.equals(".") && !name.equals("..");
    }

    private static int intProp(KernelServiceRef ref, String key) {
        try {
            return Integer.parseInt(ref.property(key, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public void unbind(KernelServiceRef ref) {
        if (ref.service() instanceof CharDevice) {
            devices.values().removeIf(n -> n.device() == ref.service());
        }
        if (ref.service() instanceof BlockDevice) {
            blocks.values().removeIf(n -> n.device() == ref.service());
        }
    }

    @Override
    public void close() {
        try {
            mount.close();
        } catch (Exception e) {
            throw new IllegalStateException("unmounting /dev", e);
        }
        devices.clear();
        blocks.clear();
        onClose.run();
    }

    List<Node> nodes() {
        return new ArrayList<>(devices.values());
    }

    /** The block devices, by name. */
    List<BlockNode> blockNodes() {
        return new ArrayList<>(blocks.values());
    }

    @Override
    public OpenFile open(KernelProcess process, String path, String rest, int flags, int mode) {
        if (rest.isEmpty()) {
            throw new KernelException(Errno.EISDIR, path, "/dev is a directory");
        }
        Node n = devices.get(rest);
        BlockNode b = n == null ? blocks.get(rest) : null;
        if (n == null && b == null) {
            if ((flags & Sys.O_CREAT) != 0) {
                throw new KernelException(Errno.EROFS, path, "cannot create files in /dev");
            }
            throw new KernelException(Errno.ENOENT, path, "no such device");
        }
        if ((flags & Sys.O_DIRECTORY) != 0) {
            throw new KernelException(Errno.ENOTDIR, path, "a device is not a directory");
        }
        if ((flags & Sys.O_CREAT) != 0 && (flags & Sys.O_EXCL) != 0) {
            throw new KernelException(Errno.EEXIST, path, "device exists");
        }
        if (b != null) {
            return BlockFile.open(path, b.device(), flags);
        }
        return new DeviceFile(path, n.device());
    }

    /** An open device: the base has checked the access mode and buffer range. */
    private record DeviceFile(String name, CharDevice device) implements OpenFile {
        @Override
        public int read(byte[] buf, int off, int len) {
            return device.read(buf, off, len);
        }

        @Override
        public int write(byte[] buf, int off, int len) {
            return device.write(buf, off, len);
        }

        @Override
        public long ioctl(long request, long arg) {
            return device.ioctl(request, arg);
        }

        @Override
        public Stat fstat() {
            return nodeStat(Sys.S_IFCHR | 0666, 0);
        }
    }

    private static Stat nodeStat(int mode, long size) {
        long now = System.currentTimeMillis() * 1_000_000L;
        return new Stat(0, 0, mode, 1, 0, 0, 0, size, 4096, 0, now, now, now);
    }

    @Override
    public Stat stat(KernelProcess process, String path, String rest, boolean follow) {
        if (rest.isEmpty()) {
            return nodeStat(Sys.S_IFDIR | 0755, 0).withDev(1);
        }
        return NameSpace.super.stat(process, path, rest, follow).withDev(1);
    }

    /** The names in {@code /dev}, for a listing. */
    List<String> names() {
        List<String> out = new ArrayList<>(devices.keySet());
        blocks.keySet().stream().filter(n -> !devices.containsKey(n)).forEach(out::add);
        out.sort(null);
        return out;
    }
}
