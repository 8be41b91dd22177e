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

    /**
     * Waits (bounded) until the kernel is settled and sd0's driver bound, then gives a root process whose
     * {@code /dev/sd0} holds a fresh ext2 (made in {@code img}) mounted on {@code mnt}.
     */
    static Posix mountFresh(org.anykernel.base.api.Kernel kernel, String name, Path img,
                                                   String mnt) throws Exception {
        Await.until("kernel settled", 10_000, kernel::settled);
        Await.until("sd0", 10_000, () -> kernel.services().stream().anyMatch(s -> s.driver().equals("blk-sim") && s.bound()));
        Posix sys = kernel.posix(kernel.spawn(name, org.anykernel.base.api.Credentials.ROOT));
        mkfs(sys, img);
        sys.mkdir(mnt, 0755);
        sys.mount("/dev/sd0", mnt, "ext2", 0, null);
        return sys;
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
