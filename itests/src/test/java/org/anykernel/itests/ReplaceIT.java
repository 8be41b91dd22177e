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
import java.util.function.Consumer;
import java.util.jar.Attributes;

import javax.inject.Inject;

import org.anykernel.base.api.Credentials;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.Kernel;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Sys;
import org.anykernel.testing.exam.KernelOptions;
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
 * {@code kernel:replace}: the block driver is swapped for another build under load with no failed call; a build that
 * does not start, or whose services never come up, is rolled back and the kernel keeps serving with the old one.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class ReplaceIT {
    @Inject
    private Kernel kernel;
    @Inject
    private BundleContext context;

    private Posix sys;

    @Configuration
    public Option[] config() {
        return options(KernelOptions.profile("microkernel", "console.echo=false"), junitBundles());
    }

    @Before
    public void setUp() {
        Await.until("kernel settled", 10_000, kernel::settled);
        Await.until("sd0", 10_000, () -> kernel.services().stream().anyMatch(s -> s.driver().equals("blk-sim") && s.bound()));
        sys = kernel.posix(kernel.spawn("replace", Credentials.ROOT));
    }

    private static final String BLK_SIM = "org.anykernel.drivers.blk-sim";

    private Bundle blkSim() {
        return BundleJars.find(context, BLK_SIM);
    }

    /** The running blk-sim build as a jar, its manifest changed by {@code edit}. */
    private Path build(String name, Consumer<Attributes> edit) throws Exception {
        return BundleJars.rebuilt(blkSim(), name, edit);
    }

    private boolean event(String type) {
        return kernel.events(200).stream().anyMatch(e -> e.topic().endsWith("/" + type) && e.domain().equals("blk"));
    }

    private void deviceServes() {
        int fd = sys.open("/dev/sd0", Sys.O_RDWR);
        byte[] data = new byte[4096];
        new Random(9).nextBytes(data);
        assertEquals(4096, sys.pwrite(fd, data, 0, 4096, 8L << 20));
        byte[] back = new byte[4096];
        assertEquals(4096, sys.pread(fd, back, 0, 4096, 8L << 20));
        assertArrayEquals(data, back);
        sys.close(fd);
    }

    @Test
    public void aNewBuildIsSwappedInUnderLoadWithNoFailedCall() throws Exception {
        Path next = build("blk-sim-next", a -> a.putValue("Bundle-Version", "0.1.1"));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger ops = new AtomicInteger();
        ExecutorService load = Executors.newSingleThreadExecutor();
        Future<?> f = load.submit(() -> {
            Posix px = kernel.posix(kernel.spawn("load", Credentials.ROOT));
            int fd = px.open("/dev/sd0", Sys.O_RDWR);
            byte[] d = new byte[4096];
            for (int i = 0; !stop.get(); i++) {
                d[0] = (byte) i;
                px.pwrite(fd, d, 0, 4096, (i % 128) * 4096L);
                byte[] back = new byte[4096];
                px.pread(fd, back, 0, 4096, (i % 128) * 4096L);
                assertEquals("round " + i, (byte) i, back[0]);
                ops.incrementAndGet();
            }
            px.close(fd);
            return null;
        });
        Await.until("load running", 10_000, () -> ops.get() > 50);
        Bundle old = blkSim();
        String original = old.getVersion().toString();
        String line = kernel.replace("blk-sim", next.toString());
        assertTrue(line, line.contains(original + " -> 0.1.1"));
        // installed beside the old build, which is gone now
        assertEquals(Bundle.UNINSTALLED, old.getState());
        assertEquals(1, BundleJars.all(context, BLK_SIM).size());
        assertTrue(blkSim().getLocation(), blkSim().getLocation().startsWith("anyk-update:blk-sim:"));
        int at = ops.get();
        Await.until("load goes on after the replace", 10_000, () -> ops.get() > at + 50);
        stop.set(true);
        f.get(30, TimeUnit.SECONDS);
        load.shutdown();
        assertEquals("0.1.1", blkSim().getVersion().toString());
        assertTrue(event("REPLACED"));
        deviceServes();
        Files.deleteIfExists(next);
    }

    @Test
    public void aBuildThatDoesNotStartIsRolledBack() throws Exception {
        Bundle old = blkSim();
        String original = old.getVersion().toString();
        Path bad = build("blk-sim-bad", a -> {
            a.putValue("Bundle-Version", "0.1.2");
            a.putValue("Bundle-Activator", "org.anykernel.drivers.blk.sim.NoSuchActivator");
        });
        try {
            kernel.replace("blk-sim", "file:" + bad);
            fail("a build that does not start was kept");
        } catch (KernelException e) {
            assertEquals(Errno.EIO, e.errno());
            assertTrue(e.getMessage(), e.getMessage().contains("rolled back to " + original)
                    && e.getMessage().contains("did not start"));
        }
        assertEquals(original, blkSim().getVersion().toString());
        assertEquals(Bundle.ACTIVE, blkSim().getState());
        assertEquals("the old build is the only one", java.util.List.of(old), BundleJars.all(context, BLK_SIM));
        assertTrue(event("ROLLED_BACK"));
        Await.until("sd0 back", 10_000, () -> kernel.services().stream().anyMatch(s -> s.driver().equals("blk-sim") && s.bound()));
        deviceServes();
        Files.deleteIfExists(bad);
    }

    @Test
    public void aBuildWhoseServicesNeverComeUpIsRolledBack() throws Exception {
        Bundle old = blkSim();
        String original = old.getVersion().toString();
        Path silent = build("blk-sim-silent", a -> {
            a.putValue("Bundle-Version", "0.1.3");
            a.remove(new Attributes.Name("Service-Component"));
        });
        try {
            kernel.replace("blk", silent.toString());
            fail("a build without services was kept");
        } catch (KernelException e) {
            assertEquals(Errno.EIO, e.errno());
            assertTrue(e.getMessage(), e.getMessage().contains("not all up within"));
        }
        assertEquals(original, blkSim().getVersion().toString());
        assertEquals("the old build is the only one", java.util.List.of(old), BundleJars.all(context, BLK_SIM));
        assertEquals(Bundle.ACTIVE, old.getState());
        deviceServes();
        Files.deleteIfExists(silent);
    }

    @Test
    public void unknownDriversAndJarsAreRefusedUntouched() throws Exception {
        try {
            kernel.replace("no-such-driver", "/nope.jar");
            fail();
        } catch (KernelException e) {
            assertEquals(Errno.ENOENT, e.errno());
        }
        try {
            kernel.replace("blk-sim", "/nope/blk.jar");
            fail();
        } catch (KernelException e) {
            assertEquals(Errno.ENOENT, e.errno());
        }
        deviceServes();
    }
}
