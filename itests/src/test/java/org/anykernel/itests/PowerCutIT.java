package org.anykernel.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import javax.inject.Inject;

import org.anykernel.base.api.DomainState;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.Kernel;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Sys;
import org.anykernel.hw.api.DiskController;
import org.anykernel.hw.api.DiskFaultPlan;
import org.anykernel.testing.exam.KernelOptions;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * A power cut under the microkernel profile (blk-sim and fs-ext2 each isolated): the disk loses its volatile write
 * cache and stays dead while the volume is dropped unwritten (a forced unmount), as a machine that loses power loses
 * its memory; then the same kernel "reboots" the volume: mounted again read-only as it is, every fsync'd file is
 * intact; checked and repaired by {@code e2fsck -fy} as at boot, mounted read-write, it is still intact and usable, and
 * {@code e2fsck -fn} finds the volume clean after a clean unmount. Neither isolated domain restarted.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class PowerCutIT {
    private static final String MNT = "/mnt/cut";

    @Inject
    private Kernel kernel;
    @Inject
    private BundleContext context;

    private Posix sys;
    private Path img;
    private DiskController disk;

    @Configuration
    public Option[] config() {
        return options(KernelOptions.profile("microkernel", "console.echo=false"), junitBundles());
    }

    @Before
    public void setUp() throws Exception {
        img = Files.createTempFile("cut", ".img");
        sys = Sd0Images.mountFresh(kernel, "cut", img, MNT);
        ServiceReference<DiskController> ref = context.getServiceReferences(DiskController.class, "(hw.disk.name=sd0)")
                .iterator().next();
        disk = context.getService(ref);
    }

    @After
    public void tearDown() throws Exception {
        disk.faults(DiskFaultPlan.NONE);
        Files.deleteIfExists(img);
    }

    private static byte[] pattern(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private void write(String path, byte[] data, boolean fsync) {
        int fd = sys.open(path, Sys.O_CREAT | Sys.O_WRONLY | Sys.O_TRUNC, 0644);
        try {
            for (int at = 0; at < data.length; ) {
                at += sys.write(fd, data, at, Math.min(4096, data.length - at));
            }
            if (fsync) {
                sys.fsync(fd);
            }
        } finally {
            sys.close(fd);
        }
    }

    private byte[] read(String path) {
        return VfsConformance.readFile(sys, path, 0, Integer.MAX_VALUE);
    }

    private int restarts(String domain) {
        return kernel.domains().stream().filter(d -> d.name().equals(domain)).findFirst().orElseThrow().restarts();
    }

    /** The volume's device copied out, {@code e2fsck -fy}'d on the host, and copied back onto the device. */
    private int fsckRepair() throws Exception {
        byte[] out = new byte[(int) BlockDeviceConformance.SIZE];
        int fd = sys.open("/dev/sd0", Sys.O_RDWR);
        try {
            for (int at = 0, n; at < out.length && (n = sys.pread(fd, out, at, out.length - at, at)) > 0; ) {
                at += n;
            }
            Files.write(img, out);
            StandaloneVfsTest.Host.Result r = StandaloneVfsTest.Host.run(List.of("e2fsck", "-fy", img.toString()), false);
            assertTrue("e2fsck -fy repairs what the power cut left (exit 0 or 1):\n" + r.output(), r.exit() <= 1);
            byte[] fixed = Files.readAllBytes(img);
            for (int at = 0; at < fixed.length; ) {
                at += sys.pwrite(fd, fixed, at, Math.min(1 << 20, fixed.length - at), at);
            }
            sys.fsync(fd);
            return r.exit();
        } finally {
            sys.close(fd);
        }
    }

    @Test
    public void whatWasFsyncedSurvivesAPowerCutAndTheVolumeIsRepairedAndUsable() throws Exception {
        int blk = restarts("blk");
        int fs = restarts("fs");
        byte[] durable = pattern(1 << 20, 1);
        byte[] small = pattern(10_000, 2);
        sys.mkdir(MNT + "/d", 0755);
        write(MNT + "/d/durable", durable, true);
        write(MNT + "/d/small", small, true);
        // written, acknowledged, never synced: the page cache holds it when the power goes
        for (int i = 0; i < 8; i++) {
            write(MNT + "/volatile-" + i, pattern(100_000, 10 + i), false);
        }

        disk.faults(DiskFaultPlan.builder().powerCut().eioAt(0, disk.info().sectors()).build());
        sys.umount2(MNT, Sys.MNT_FORCE); // the machine's memory is gone: nothing unwritten reaches the disk
        try {
            sys.stat(MNT + "/d");
            fail("the volume is still mounted after a forced unmount");
        } catch (KernelException e) {
            assertEquals(Errno.ENOENT, e.errno());
        }
        disk.faults(DiskFaultPlan.NONE); // the power is back

        // mounted again as the cut left it (read-only, no repair): what was fsync'd is there
        sys.mount("/dev/sd0", MNT, "ext2", Sys.MS_RDONLY, null);
        assertArrayEquals(durable, read(MNT + "/d/durable"));
        assertArrayEquals(small, read(MNT + "/d/small"));
        int intact = 0;
        for (int i = 0; i < 8; i++) {
            try {
                intact += java.util.Arrays.equals(pattern(100_000, 10 + i), read(MNT + "/volatile-" + i)) ? 1 : 0;
            } catch (KernelException e) {
                assertEquals(Errno.ENOENT, e.errno());
            }
        }
        assertTrue("the cut dropped what was never synced (" + intact + " of 8 unsynced files intact)", intact < 8);
        sys.umount(MNT);

        // the reboot's check repairs the rest; mounted read-write it is still intact, and usable
        fsckRepair();
        sys.mount("/dev/sd0", MNT, "ext2", 0, null);
        assertArrayEquals(durable, read(MNT + "/d/durable"));
        assertArrayEquals(small, read(MNT + "/d/small"));
        byte[] after = pattern(50_000, 3);
        write(MNT + "/d/after", after, true);
        assertArrayEquals(after, read(MNT + "/d/after"));
        sys.umount(MNT);
        Sd0Images.assertClean(sys, img);

        assertEquals("blk-sim was not restarted", blk, restarts("blk"));
        assertEquals("fs-ext2 was not restarted", fs, restarts("fs"));
        assertTrue(kernel.domains().stream().allMatch(d -> d.state() == DomainState.ACTIVE));
    }
}
