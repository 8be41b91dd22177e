package org.anykernel.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
import org.osgi.framework.startlevel.BundleStartLevel;

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
        img = Files.createTempFile("update", ".img");
        sys = Sd0Images.mountFresh(kernel, "update", img, MNT);
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

    private static final String TMPFS = "org.anykernel.drivers.fs-tmpfs";
    private static final String EXT2 = "org.anykernel.drivers.fs-ext2";

    /**
     * What an update promises about bundles: the new build was installed beside {@code old} and took its place, so
     * exactly one bundle of that name is installed, active, started with the framework at the old one's start level,
     * and the old one is uninstalled.
     */
    private Bundle assertSwapped(Bundle old, String symbolicName) {
        int level = old.getState() == Bundle.UNINSTALLED ? -1 : old.adapt(BundleStartLevel.class).getStartLevel();
        List<Bundle> now = BundleJars.all(context, symbolicName);
        assertEquals("one " + symbolicName + " installed: " + now, 1, now.size());
        Bundle b = now.get(0);
        assertNotEquals("a new bundle", old.getBundleId(), b.getBundleId());
        assertEquals("the old build is uninstalled", Bundle.UNINSTALLED, old.getState());
        assertEquals(Bundle.ACTIVE, b.getState());
        assertTrue(b.getLocation(), b.getLocation().startsWith("anyk-update:"));
        assertTrue("starts with the framework", b.adapt(BundleStartLevel.class).isPersistentlyStarted());
        if (level >= 0) {
            assertEquals(level, b.adapt(BundleStartLevel.class).getStartLevel());
        }
        return b;
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
        Bundle old = BundleJars.find(context, EXT2);
        int level = old.adapt(BundleStartLevel.class).getStartLevel();
        String line = kernel.update("fs-ext2", null);
        assertTrue(line, line.contains("state of 1 service(s) handed over"));
        assertEquals(level, assertSwapped(old, EXT2).adapt(BundleStartLevel.class).getStartLevel());
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
        Bundle before = BundleJars.find(context, TMPFS);
        String line = kernel.update("fs-tmpfs", null);
        assertTrue(line, line.contains("state of 1 service(s) handed over"));
        Bundle first = assertSwapped(before, TMPFS);
        int at = ops.get();
        progress(f, ops, at + 100);
        // and again, from the build the first update installed
        line = kernel.update("fs-tmpfs", null);
        assertTrue(line, line.contains("state of 1 service(s) handed over"));
        Bundle second = assertSwapped(first, TMPFS);
        assertTrue(first.getLocation() + " then " + second.getLocation(), !first.getLocation().equals(second.getLocation()));
        at = ops.get();
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
        Bundle ext2 = BundleJars.find(context, EXT2);
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
        assertEquals("the old build, untouched, is the only one", List.of(ext2), BundleJars.all(context, EXT2));
        assertEquals(Bundle.ACTIVE, ext2.getState());
        unmountAndCheck();
    }

    @Test
    public void aBuildOfAnotherDriverIsRefusedBeforeTheCallsAreHeld() throws Exception {
        // the same build under another driver name is refused before the calls are held
        Bundle tmpfs = BundleJars.find(context, TMPFS);
        sys.mkdir("/tmp/kept", 0755);
        Path other = BundleJars.rebuilt(tmpfs, "fs-tmpfs-other", a -> a.putValue("Anykernel-Driver", "fs-other"));
        try {
            kernel.update("fs-tmpfs", other.toString());
            fail("a build of another driver was kept");
        } catch (KernelException e) {
            assertEquals(Errno.EIO, e.errno());
            assertTrue(e.getMessage(), e.getMessage().contains("is driver 'fs-other', not 'fs-tmpfs'"));
        } finally {
            Files.deleteIfExists(other);
        }
        assertEquals(List.of(tmpfs), BundleJars.all(context, TMPFS));
        assertEquals(Bundle.ACTIVE, tmpfs.getState());
        assertTrue("the tmpfs still serves", sys.stat("/tmp/kept").isDirectory());
        assertTrue(kernel.services().stream().anyMatch(s -> s.driver().equals("fs-tmpfs") && s.bound()));
        unmountAndCheck();
    }

    /** Files in the tmpfs root, and one open across what follows; their content is checked by {@link #tmpfsKept}. */
    private int tmpfsFiles(byte[] data) {
        sys.mkdir("/tmp/kept", 0755);
        int fd = sys.open("/tmp/kept/f", Sys.O_CREAT | Sys.O_RDWR, 0644);
        assertEquals(data.length, sys.write(fd, data));
        return fd;
    }

    private void tmpfsKept(int fd, byte[] data) {
        byte[] back = new byte[data.length];
        assertEquals(data.length, sys.pread(fd, back, 0, back.length, 0));
        assertArrayEquals("a file open across the rollback", data, back);
        sys.close(fd);
        assertArrayEquals(data, read("/tmp/kept/f"));
    }

    @Test
    public void aNewBuildWhoseServiceDoesNotActivateIsRolledBackAndTheOldOneGetsTheStateBack() throws Exception {
        // started beside the running build (its component is delayed), it takes the fronts within the pause, where
        // its component fails to activate: the running build takes them back, with its state
        byte[] data = pattern(20_000, 4);
        int fd = tmpfsFiles(data);
        Bundle tmpfs = BundleJars.find(context, TMPFS);
        Path broken = BundleJars.rebuilt(tmpfs, "fs-tmpfs-broken", a -> a.putValue("Bundle-Version", "0.1.8"),
                (entry, bytes) -> entry.startsWith("OSGI-INF/") && entry.endsWith(".xml")
                        ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                                .replace("class=\"org.anykernel.drivers.fs.tmpfs.TmpFileSystem\"",
                                        "class=\"org.anykernel.drivers.fs.tmpfs.NoSuchFileSystem\"")
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8)
                        : bytes);
        String version = tmpfs.getVersion().toString();
        try {
            kernel.update("fs-tmpfs", broken.toString());
            fail("a build whose service does not activate was kept");
        } catch (KernelException e) {
            assertEquals(Errno.EIO, e.errno());
            assertTrue(e.getMessage(), e.getMessage().contains("rolled back to " + version)
                    && e.getMessage().contains("did not activate"));
        } finally {
            Files.deleteIfExists(broken);
        }
        assertEquals("the old build is the only one", List.of(tmpfs), BundleJars.all(context, TMPFS));
        assertEquals(Bundle.ACTIVE, tmpfs.getState());
        tmpfsKept(fd, data);
        unmountAndCheck();
    }

    @Test
    public void aNewBuildWithoutServicesIsRolledBackAfterTheOldOneStoppedAndGetsTheStateBack() throws Exception {
        // no component to start beside the running build: it is started within the pause, after the running build
        // stopped, and its services never come
        byte[] data = pattern(20_000, 5);
        int fd = tmpfsFiles(data);
        Bundle tmpfs = BundleJars.find(context, TMPFS);
        Path silent = BundleJars.rebuilt(tmpfs, "fs-tmpfs-silent", a -> {
            a.putValue("Bundle-Version", "0.1.7");
            a.remove(new java.util.jar.Attributes.Name("Service-Component"));
        });
        try {
            kernel.update("fs-tmpfs", silent.toString());
            fail("a build without services was kept");
        } catch (KernelException e) {
            assertEquals(Errno.EIO, e.errno());
            assertTrue(e.getMessage(), e.getMessage().contains("not all up within"));
        } finally {
            Files.deleteIfExists(silent);
        }
        assertEquals("the old build is the only one", List.of(tmpfs), BundleJars.all(context, TMPFS));
        assertEquals(Bundle.ACTIVE, tmpfs.getState());
        tmpfsKept(fd, data);
        unmountAndCheck();
    }
}
