package org.anykernel.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.anykernel.base.api.Credentials;
import org.anykernel.base.api.DomainInfo;
import org.anykernel.base.api.DomainState;
import org.anykernel.base.api.FaultSpec;
import org.anykernel.base.api.Kernel;
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

/**
 * A crash of the isolated block driver is not its clients' business: an idempotent call (block read, write,
 * flush) whose run crashed the driver, and every call queued or arriving meanwhile, waits for the supervisor's
 * restart and runs again on the new driver. The callers see no error and no acknowledged write is lost, even
 * under concurrent load and with a file system mounted on the disk.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class ReplayIT {
    private static final String BLK = "blk";

    @Inject
    private Kernel kernel;
    @Inject
    private org.osgi.service.cm.ConfigurationAdmin cm;

    private Posix sys;

    @Configuration
    public Option[] config() {
        return options(KernelOptions.profile("microkernel", "console.echo=false"), junitBundles());
    }

    @Before
    public void setUp() {
        Await.until("kernel settled", 10_000, kernel::settled);
        Await.until("sd0", 10_000, () -> kernel.services().stream().anyMatch(s -> s.driver().equals("blk-sim") && s.bound()));
        sys = kernel.posix(kernel.spawn("replay", Credentials.ROOT));
    }

    @After
    public void tearDown() {
        kernel.fault(BLK, new FaultSpec(FaultSpec.Kind.CLEAR, 0, 0, ""));
    }

    private DomainInfo blk() {
        return kernel.domains().stream().filter(d -> d.name().equals(BLK)).findFirst().orElseThrow();
    }

    private static byte[] pattern(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    public void aCrashingReadIsReplayedAfterTheRestart() {
        int fd = sys.open("/dev/sd0", Sys.O_RDWR);
        byte[] data = pattern(8192, 1);
        assertEquals(8192, sys.pwrite(fd, data, 0, 8192, 1 << 20));
        sys.fsync(fd);
        kernel.fault(BLK, new FaultSpec(FaultSpec.Kind.CRASH, 0, 0, "read"));
        byte[] back = new byte[8192];
        assertEquals("the caller sees no error", 8192, sys.pread(fd, back, 0, 8192, 1 << 20));
        assertArrayEquals(data, back);
        Await.until("restarted", 10_000, () -> blk().restarts() == 1 && blk().state() == DomainState.ACTIVE);
        Await.until("the RESTARTED event counts the replay", 10_000, () -> kernel.events(100).stream().anyMatch(
                e -> e.topic().endsWith("/RESTARTED") && e.domain().equals(BLK) && e.message().contains("1 held call(s) replayed")));
        sys.close(fd);
    }

    /** Changes one field of blk's domain descriptor, as an administrator would, and waits until it is in force. */
    private void reconfigureBlk(String key, Object value, java.util.function.BooleanSupplier inForce) throws Exception {
        org.osgi.service.cm.Configuration c = cm.getFactoryConfiguration("org.anykernel.domain", BLK, "?");
        java.util.Dictionary<String, Object> p = c.getProperties() == null ? new java.util.Hashtable<>() : c.getProperties();
        p.put(key, value);
        c.update(p);
        Await.until(key + "=" + value, 10_000, () -> inForce.getAsBoolean() && kernel.settled()
                && kernel.services().stream().anyMatch(s -> s.driver().equals("blk-sim") && s.bound()));
    }

    /** A read that crashes the driver returns the data anyway: the caller's own thread waits for the restart and runs it again. */
    private void aCrashingReadIsReplayedOnTheCallersThread() {
        int fd = sys.open("/dev/sd0", Sys.O_RDWR);
        byte[] data = pattern(8192, 3);
        assertEquals(8192, sys.pwrite(fd, data, 0, 8192, 3 << 20));
        sys.fsync(fd);
        int before = blk().restarts();
        kernel.fault(BLK, new FaultSpec(FaultSpec.Kind.CRASH, 0, 0, "read"));
        byte[] back = new byte[8192];
        assertEquals("the caller sees no error", 8192, sys.pread(fd, back, 0, 8192, 3 << 20));
        assertArrayEquals(data, back);
        assertEquals("the driver crashed and was restarted once", before + 1, blk().restarts());
        assertTrue(kernel.events(100).stream().anyMatch(e -> e.topic().endsWith("/FAULT") && e.domain().equals(BLK)
                && e.message().contains("injected crash")));
        sys.close(fd);
    }

    @Test
    public void aCrashingReadIsReplayedWithIpcMigrate() throws Exception {
        reconfigureBlk("ipc", "migrate", () -> blk().descriptor().ipc() == org.anykernel.base.api.DomainDescriptor.Ipc.MIGRATE);
        aCrashingReadIsReplayedOnTheCallersThread();
    }

    @Test
    public void aCrashingReadIsReplayedWhenColocated() throws Exception {
        reconfigureBlk("placement", "colocated", () -> blk().descriptor().placement() == org.anykernel.base.api.Placement.COLOCATED);
        aCrashingReadIsReplayedOnTheCallersThread();
    }

    @Test
    public void aCrashingWriteLosesNothing() {
        int fd = sys.open("/dev/sd0", Sys.O_RDWR);
        byte[] data = pattern(4096, 2);
        kernel.fault(BLK, new FaultSpec(FaultSpec.Kind.CRASH, 0, 0, "write"));
        assertEquals(4096, sys.pwrite(fd, data, 0, 4096, 2 << 20));
        sys.fsync(fd);
        byte[] back = new byte[4096];
        assertEquals(4096, sys.pread(fd, back, 0, 4096, 2 << 20));
        assertArrayEquals("the acknowledged write is there", data, back);
        Await.until("restarted", 10_000, () -> blk().restarts() == 1);
        sys.close(fd);
    }

    @Test
    public void aCrashUnderConcurrentLoadLosesNoAcknowledgedWrite() throws Exception {
        int threads = 4;
        int rounds = 150;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final int id = t;
            done.add(pool.submit(() -> {
                Posix px = kernel.posix(kernel.spawn("load-" + id, Credentials.ROOT));
                int fd = px.open("/dev/sd0", Sys.O_RDWR);
                long base = (4L + id) << 20;
                for (int i = 0; i < rounds; i++) {
                    byte[] d = pattern(4096, id * 1000L + i);
                    long at = base + (long) (i % 64) * 4096;
                    assertEquals(4096, px.pwrite(fd, d, 0, 4096, at));
                    byte[] back = new byte[4096];
                    assertEquals(4096, px.pread(fd, back, 0, 4096, at));
                    assertArrayEquals("thread " + id + " round " + i, d, back);
                    if (id == 0 && i == rounds / 3) {
                        kernel.fault(BLK, new FaultSpec(FaultSpec.Kind.CRASH, 0, 0, "write"));
                    }
                }
                px.close(fd);
                return null;
            }));
        }
        pool.shutdown();
        assertTrue("the load ended", pool.awaitTermination(60, TimeUnit.SECONDS));
        for (Future<?> f : done) {
            f.get();
        }
        Await.until("restarted once", 10_000, () -> blk().restarts() == 1 && blk().state() == DomainState.ACTIVE);
    }

    @Test
    public void aFileSystemOnTheDiskDoesNotNoticeTheCrash() throws Exception {
        java.nio.file.Path img = java.nio.file.Files.createTempFile("replay", ".img");
        try {
            Sd0Images.mkfs(sys, img);
            sys.mkdir("/mnt/replay", 0755);
            sys.mount("/dev/sd0", "/mnt/replay", "ext2", 0, null);
            byte[] data = pattern(300_000, 3);
            kernel.fault(BLK, new FaultSpec(FaultSpec.Kind.CRASH, 0, 0, "write"));
            int fd = sys.open("/mnt/replay/f", Sys.O_CREAT | Sys.O_RDWR, 0644);
            assertEquals(data.length, sys.write(fd, data));
            sys.fsync(fd);
            byte[] back = new byte[data.length];
            assertEquals(data.length, sys.pread(fd, back, 0, back.length, 0));
            assertArrayEquals(data, back);
            sys.close(fd);
            sys.umount("/mnt/replay");
            Await.until("restarted", 10_000, () -> blk().restarts() == 1);
        } finally {
            java.nio.file.Files.deleteIfExists(img);
        }
    }

    @Test
    public void aTmpfsCrashLosesNoFile() {
        DomainInfo fsBefore = kernel.domains().stream().filter(d -> d.name().equals("fs")).findFirst().orElseThrow();
        sys.mkdir("/tmp/survive", 0755);
        byte[] data = pattern(50_000, 4);
        int fd = sys.open("/tmp/survive/f", Sys.O_CREAT | Sys.O_RDWR, 0644);
        assertEquals(data.length, sys.write(fd, data));
        // the VFS walks names with lookupIfPresent (absence without an exception)
        kernel.fault("fs", new FaultSpec(FaultSpec.Kind.CRASH, 0, 0, "lookupIfPresent"));
        try {
            assertEquals("the crashed lookup is replayed on the restarted driver", data.length,
                    sys.stat("/tmp/survive/f").size());
            byte[] back = new byte[data.length];
            assertEquals("the open file still reads", data.length, sys.pread(fd, back, 0, back.length, 0));
            assertArrayEquals(data, back);
            assertEquals(4, sys.pwrite(fd, new byte[] {1, 2, 3, 4}, 0, 4, data.length));
            sys.close(fd);
            Await.until("fs restarted", 10_000, () -> kernel.domains().stream()
                    .anyMatch(d -> d.name().equals("fs") && d.restarts() == fsBefore.restarts() + 1
                            && d.state() == DomainState.ACTIVE));
            assertEquals(data.length + 4, sys.stat("/tmp/survive/f").size());
        } finally {
            kernel.fault("fs", new FaultSpec(FaultSpec.Kind.CLEAR, 0, 0, ""));
        }
    }
}
