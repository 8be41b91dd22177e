package org.anykernel.itests;

import static org.junit.Assert.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Sys;

/**
 * ext2 on the profiles' 16 MiB disk {@code sd0}, through the kernel: an image made by {@code mke2fs} written onto
 * {@code /dev/sd0}, and the disk read back for {@code e2fsck -fn}.
 */
final class Sd0Images {
    private Sd0Images() {
    }

    /** {@code mke2fs -t ext2 -b 1024} of 16 MiB into {@code img}, then written onto {@code /dev/sd0} and synced. */
    static void mkfs(Posix sys, Path img) throws Exception {
        StandaloneVfsTest.Host.run("mke2fs", "-q", "-F", "-t", "ext2", "-b", "1024", img.toString(), "16M");
        byte[] image = Files.readAllBytes(img);
        int fd = sys.open("/dev/sd0", Sys.O_WRONLY);
        try {
            for (int at = 0; at < image.length; ) {
                at += sys.write(fd, image, at, Math.min(1 << 20, image.length - at));
            }
            sys.fsync(fd);
        } finally {
            sys.close(fd);
        }
    }

    /** Reads all of {@code /dev/sd0} into {@code img} and asserts that {@code e2fsck -fn} finds it clean. */
    static void assertClean(Posix sys, Path img) throws Exception {
        byte[] out = new byte[(int) BlockDeviceConformance.SIZE];
        int fd = sys.open("/dev/sd0", Sys.O_RDONLY);
        try {
            for (int at = 0, n; at < out.length && (n = sys.read(fd, out, at, Math.min(1 << 20, out.length - at))) > 0; ) {
                at += n;
            }
        } finally {
            sys.close(fd);
        }
        Files.write(img, out);
        StandaloneVfsTest.Host.Result r = StandaloneVfsTest.Host.run(List.of("e2fsck", "-fn", img.toString()), false);
        assertEquals("e2fsck -fn:\n" + r.output(), 0, r.exit());
    }
}
