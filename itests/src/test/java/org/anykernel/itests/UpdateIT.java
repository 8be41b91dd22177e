package org.anykernel.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.inject.Inject;

import org.anykernel.base.api.Credentials;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.Kernel;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Sys;
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
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * {@code kernel:update}: the ext2 driver is updated under load with a volume mounted and files open; its state (the
 * mounted volume) is handed to the new build; no call fails, nothing written is lost, {@code e2fsck -fn} is clean
 * after. A driver that cannot hand over its state is refused untouched; a new build that does not start is rolled
 * back and the old build gets the state back.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class UpdateIT {
    private static final String MNT = "/mnt/update";

    @Inject
    private Kernel kernel;
    @Inject
    private BundleContext context;

    private Posix sys;
    private Path img;

    @Configuration
    public Option[] config() {
        return options(KernelOptions.profile("microkernel", "console.echo=false"), junitBundles());
    }

    @Before
    public void setUp() throws Exception {
        Await.until("kernel settled", 10_000, kernel::settled);
        Await.until("sd0", 10_000, () -> kernel.services().stream().anyMatch(s -> s.driver().equals("blk-sim") && s.bound()));
        sys = kernel.posix(kernel.spawn("update", Credentials.ROOT));
        img = Files.createTempFile("update", ".img");
        Sd0Images.mkfs(sys, img);
        sys.mkdir(MNT, 0755);
        sys.mount("/dev/sd0", MNT, "ext2", 0, null);
    }

    @After
    public void tearDown() throws Exception {
        Files.deleteIfExists(img);
    }

    /** Waits until the load has done {@code target} operations; its own failure, if it stopped, is the test's. */
    private static void progress(Future<?> load, AtomicInteger ops, int target) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ops.get() <= target) {
            if (load.isDone()) {
                load.get(); // throws what stopped it
                fail("the load ended early");
            }
            if (System.nanoTime() > deadline) {
                fail("the load made no progress after the update: " + ops.get() + " operations");
            }
            Thread.sleep(10);
        }
    }

    private static byte[] pattern(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private byte[] read(String path) {
        int fd = sys.open(path, Sys.O_RDONLY);
        try {
            byte[] b = new byte[(int) sys.fstat(fd).size()];
            int at = 0;
            for (int n; at < b.length && (n = sys.read(fd, b, at, b.length - at)) > 0; ) {
                at += n;
            }
            return b;
        } finally {
            sys.close(fd);
        }
    }

    private void unmountAndCheck() throws Exception {
        sys.umount(MNT);
        Sd0Images.assertClean(sys, img);
    }

    @Test
    public void ext2IsUpdatedUnderLoadWithItsVolumeMounted() throws Exception {
        byte[] before = pattern(200_000, 1);
        int keep = sys.open(MNT + "/kept", Sys.O_CREAT | Sys.O_RDWR, 0644);
        assertEquals(before.length, sys.write(keep, before));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger ops = new AtomicInteger();
        ExecutorService load = Executors.newSingleThreadExecutor();
        Future<?> f = load.submit(() -> {
            Posix px = kernel.posix(kernel.spawn("load", Credentials.ROOT));
            for (int i = 0; !stop.get(); i++) {
                byte[] d = pattern(3000 + i % 5000, i);
                String p = MNT + "/load-" + (i % 20);
                int fd = px.open(p, Sys.O_CREAT | Sys.O_RDWR | Sys.O_TRUNC, 0644);
                assertEquals(d.length, px.write(fd, d));
                byte[] back = new byte[d.length];
                assertEquals(d.length, px.pread(fd, back, 0, back.length, 0));
                assertArrayEquals("round " + i, d, back);
                px.close(fd);
                ops.incrementAndGet();
            }
            return null;
        });
        Await.until("load running", 10_000, () -> ops.get() > 20);
        String line = kernel.update("fs-ext2", null);
        assertTrue(line, line.contains("state of 1 service(s) handed over"));
        int at = ops.get();
        progress(f, ops, at + 20);
        stop.set(true);
        f.get(30, TimeUnit.SECONDS);
        load.shutdown();
        byte[] back = new byte[before.length];
        assertEquals("the descriptor opened before the update still reads", before.length,
                sys.pread(keep, back, 0, back.length, 0));
        assertArrayEquals(before, back);
        sys.close(keep);
        assertArrayEquals(before, read(MNT + "/kept"));
        assertTrue(kernel.events(100).stream().anyMatch(e -> e.topic().endsWith("/UPDATED")));
        unmountAndCheck();
    }

    @Test
    public void aDriverThatCannotHandOverItsStateIsRefusedUntouched() throws Exception {
        long id = kernel.services().stream().filter(s -> s.driver().equals("blk-sim")).findFirst().orElseThrow().id();
        try {
            kernel.update("blk-sim", null);
            fail("blk-sim has no state transfer");
        } catch (KernelException e) {
            assertEquals(Errno.EOPNOTSUPP, e.errno());
        }
        assertTrue("the same service, untouched", kernel.services().stream().anyMatch(s -> s.id() == id && s.bound()));
        unmountAndCheck();
    }

    @Test
    public void tmpfsIsUpdatedWithFilesOpenAndBeingWritten() throws Exception {
        sys.mkdir("/tmp/live", 0755);
        byte[] data = pattern(300_000, 3);
        int open = sys.open("/tmp/live/open", Sys.O_CREAT | Sys.O_RDWR, 0644);
        assertEquals(data.length, sys.write(open, data));
        int orphan = sys.open("/tmp/live/orphan", Sys.O_CREAT | Sys.O_RDWR, 0644);
        assertEquals(4, sys.write(orphan, new byte[] {1, 2, 3, 4}));
        sys.unlink("/tmp/live/orphan");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger ops = new AtomicInteger();
        ExecutorService load = Executors.newSingleThreadExecutor();
        Future<?> f = load.submit(() -> {
            Posix px = kernel.posix(kernel.spawn("writer", Credentials.ROOT));
            int fd = px.open("/tmp/live/appended", Sys.O_CREAT | Sys.O_WRONLY | Sys.O_APPEND, 0644);
            for (int i = 0; !stop.get(); i++) {
                byte[] d = {(byte) i, (byte) (i >> 8), (byte) (i >> 16), (byte) (i >> 24)};
                assertEquals(4, px.write(fd, d));
                ops.incrementAndGet();
            }
            px.close(fd);
            return null;
        });
        Await.until("writes running", 10_000, () -> ops.get() > 100);
        String line = kernel.update("fs-tmpfs", null);
        assertTrue(line, line.contains("state of 1 service(s) handed over"));
        int at = ops.get();
        progress(f, ops, at + 100);
        stop.set(true);
        f.get(30, TimeUnit.SECONDS);
        load.shutdown();
        byte[] all = read("/tmp/live/appended");
        assertEquals("every acknowledged append is there, in order", ops.get() * 4, all.length);
        for (int i = 0; i < ops.get(); i++) {
            int v = (all[4 * i] & 0xff) | (all[4 * i + 1] & 0xff) << 8 | (all[4 * i + 2] & 0xff) << 16
                    | (all[4 * i + 3] & 0xff) << 24;
            assertEquals("append " + i, i, v);
        }
        byte[] back = new byte[data.length];
        assertEquals(data.length, sys.pread(open, back, 0, back.length, 0));
        assertArrayEquals("a file open across the update", data, back);
        byte[] o = new byte[4];
        assertEquals("an unlinked file open across the update", 4, sys.pread(orphan, o, 0, 4, 0));
        assertArrayEquals(new byte[] {1, 2, 3, 4}, o);
        sys.close(open);
        sys.close(orphan);
        assertTrue(sys.stat("/mnt").isDirectory());
        unmountAndCheck();
    }

    @Test
    public void aNewBuildThatDoesNotStartIsRolledBackAndTheOldOneGetsTheStateBack() throws Exception {
        byte[] data = pattern(50_000, 2);
        int fd = sys.open(MNT + "/f", Sys.O_CREAT | Sys.O_RDWR, 0644);
        sys.write(fd, data);
        sys.close(fd);
        Bundle ext2 = BundleJars.find(context, "org.anykernel.drivers.fs-ext2");
        Path bad = BundleJars.rebuilt(ext2, "fs-ext2-bad", a -> {
            a.putValue("Bundle-Version", "0.1.9");
            a.putValue("Bundle-Activator", "org.anykernel.drivers.fs.ext2.NoSuchActivator");
        });
        String version = ext2.getVersion().toString();
        try {
            kernel.update("fs-ext2", bad.toString());
            fail("a build that does not start was kept");
        } catch (KernelException e) {
            assertEquals(Errno.EIO, e.errno());
            assertTrue(e.getMessage(), e.getMessage().contains("rolled back to " + version));
        } finally {
            Files.deleteIfExists(bad);
        }
        assertArrayEquals("the old build got its volume back", data, read(MNT + "/f"));
        unmountAndCheck();
    }
}
