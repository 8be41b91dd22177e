package org.anykernel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.List;

import javax.inject.Inject;

import org.anykernel.base.api.Credentials;
import org.anykernel.base.api.DomainInfo;
import org.anykernel.base.api.DomainState;
import org.anykernel.base.api.Kernel;
import org.anykernel.base.api.KernelFactory;
import org.anykernel.base.api.LibraryKernel;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.ServiceInfo;
import org.anykernel.base.api.Sys;
import org.anykernel.dev.api.BlockDevice;
import org.anykernel.dev.api.CharDevice;
import org.anykernel.dev.api.Ioctls;
import org.anykernel.hw.api.ConsolePort;
import org.anykernel.hw.api.DiskController;
import org.anykernel.testing.exam.KernelOptions;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * The product's promise: the same character-device and block-device conformance suites pass with the drivers
 * colocated, isolated and in a library kernel, each booted from its real profile. One subclass per placement (Pax
 * Exam's parameterized runner shares one container among parameters, and the profile differs here).
 */
@RunWith(PaxExam.class)
public abstract class PlacementMatrix {

    /** Framework property telling the test, inside the container, which placement it checks. */
    static final String PLACEMENT_PROPERTY = "anykernel.itest.placement";

    private final String profile;
    private final String configuredPlacement;
    private String placement;

    @Inject
    private BundleContext context;
    @Inject
    private Kernel kernel;
    @Inject
    private KernelFactory factory;
    @Inject
    private ConsolePort console;

    private LibraryKernel library;
    private int pid;
    private Posix sys;
    private CharDeviceConformance suite;
    private BlockDeviceConformance block;
    private ServiceReference<BlockDevice> blockRef;

    protected PlacementMatrix(String placement, String profile) {
        this.configuredPlacement = placement;
        this.profile = profile;
    }

    @Configuration
    public Option[] config() {
        // the instance inside the container is not this one: the placement travels as a framework property
        return options(KernelOptions.profile(profile, "console.echo=false"), junitBundles(),
                frameworkProperty(PLACEMENT_PROPERTY).value(configuredPlacement));
    }

    @Before
    public void setUp() throws Exception {
        placement = context.getProperty(PLACEMENT_PROPERTY);
        Await.until("kernel settled", 10_000, kernel::settled);
        // the disk's configuration reaches hw-sim, and its block device blk-sim, asynchronously
        Await.until("sd0 attached", 10_000, () -> kernel.services().stream()
                .anyMatch(s -> s.interfaces().contains(BlockDevice.class.getName()) && (isLibrary() || s.bound())));
        BlockDevice front = null;
        if (isLibrary()) {
            library = factory.create("matrix", List.of("char-std", "blk-sim", "fs-tmpfs", "fs-ext2"), 64 << 20);
            sys = library.posix();
        } else {
            pid = kernel.spawn("matrix", Credentials.ROOT);
            sys = kernel.posix(pid);
            blockRef = context.getServiceReferences(BlockDevice.class, "(block.name=sd0)").iterator().next();
            front = context.getService(blockRef);
        }
        suite = new CharDeviceConformance(sys, console, placement);
        ServiceReference<DiskController> disk = context.getServiceReferences(DiskController.class, "(hw.disk.name=sd0)")
                .iterator().next();
        block = new BlockDeviceConformance(sys, front, context.getService(disk), placement);
    }

    private boolean isLibrary() {
        return placement.equals("library");
    }

    @After
    public void tearDown() {
        if (blockRef != null) {
            context.ungetService(blockRef);
        }
        if (library != null) {
            library.close();
        } else {
            kernel.exit(pid);
        }
    }

    @Test
    public void theDevicesArePlacedAsTheProfileSays() throws Exception {
        List<ServiceInfo> devices = kernel.services().stream()
                .filter(s -> s.interfaces().contains(CharDevice.class.getName())).toList();
        if (placement.equals("library")) {
            assertTrue("no shared instance in library placement: " + devices,
                    devices.stream().noneMatch(ServiceInfo::bound));
            assertEquals(null, context.getServiceReferences(CharDevice.class, null).stream().findAny().orElse(null));
        } else {
            assertEquals(4, devices.size());
            for (ServiceInfo s : devices) {
                assertEquals(s.toString(), placement, s.placement().label());
                assertTrue(s.bound());
            }
            for (ServiceReference<CharDevice> r : context.getServiceReferences(CharDevice.class, null)) {
                assertEquals("consumers see fronts only", Boolean.TRUE, r.getProperty("anykernel.front"));
                assertEquals(placement, r.getProperty("anykernel.placement"));
            }
        }
    }

    @Test
    public void zero() {
        suite.zeroFillsExactlyTheRangeAsked();
    }

    @Test
    public void nul() {
        suite.nullIsEmptyAndSwallowsWrites();
    }

    @Test
    public void random() {
        suite.randomComesFromTheHostsEntropy();
    }

    @Test
    public void console() {
        suite.consoleWritesToTheUartAndReadsItsFifo();
    }

    @Test
    public void errors() {
        suite.badRequestsGetTheirErrno();
    }

    @Test
    public void dup() {
        suite.descriptorsAreSharedByDup();
    }

    @Test
    public void theBlockDeviceIsPlacedAsTheProfileSays() throws Exception {
        List<ServiceInfo> disks = kernel.services().stream()
                .filter(s -> s.interfaces().contains(BlockDevice.class.getName())).toList();
        assertEquals(disks.toString(), 1, disks.size());
        ServiceInfo sd0 = disks.get(0);
        assertEquals("blk-sim", sd0.driver());
        if (isLibrary()) {
            assertTrue("no shared instance in library placement: " + sd0, !sd0.bound());
            assertTrue(context.getServiceReferences(BlockDevice.class, null).isEmpty());
            // each library kernel has a private instance, reached through its own /dev
            try (LibraryKernel other = factory.create("other", List.of("blk-sim"), 1 << 20)) {
                int fd = other.posix().open("/dev/sd0", Sys.O_RDONLY);
                assertEquals(BlockDeviceConformance.SIZE, other.posix().ioctl(fd, Ioctls.BLKGETSIZE64, 0));
                assertEquals(16, other.posix().read(fd, new byte[16]));
            }
            int fd = library.posix().open("/dev/sd0", Sys.O_RDONLY);
            assertEquals("this kernel's instance outlives the other's", 16, library.posix().read(fd, new byte[16]));
            library.posix().close(fd);
        } else {
            assertEquals(placement, sd0.placement().label());
            assertEquals(placement.equals("colocated") ? "devices" : "blk", sd0.domain());
            assertTrue(sd0.bound());
            assertEquals("consumers see the front only", Boolean.TRUE, blockRef.getProperty("anykernel.front"));
            assertEquals(placement, blockRef.getProperty("anykernel.placement"));
            assertEquals("sd0", blockRef.getProperty(BlockDevice.NAME));
        }
    }

    @Test
    public void blockFileReadAfterWrite() {
        block.fileReadAfterWriteAtSeveralOffsets();
    }

    @Test
    public void blockFileEndAndErrors() {
        block.fileEndAndErrors();
    }

    @Test
    public void blockFileMediaError() {
        block.fileMediaErrorIsEIOAndTheDeviceKeepsServing();
        assertDomainUnharmed();
    }

    @Test
    public void blockFileHang() {
        block.fileHangIsResetAndTheReadCompletesWithinABound();
        assertDomainUnharmed();
    }

    @Test
    public void blockApi() {
        // a library kernel hands out no service object: its block device is reached through its /dev only
        org.junit.Assume.assumeFalse("no shared BlockDevice in library placement", isLibrary());
        block.apiInfoReadWriteFlush();
    }

    @Test
    public void blockApiSubmitAndAwait() {
        // a library kernel hands out no service object: its block device is reached through its /dev only
        org.junit.Assume.assumeFalse("no shared BlockDevice in library placement", isLibrary());
        block.apiSubmitAndAwaitSeveralOutstanding();
    }

    @Test
    public void blockApiMediaError() {
        // a library kernel hands out no service object: its block device is reached through its /dev only
        org.junit.Assume.assumeFalse("no shared BlockDevice in library placement", isLibrary());
        block.apiMediaErrorIsEIOAndTheDeviceKeepsServing();
        assertDomainUnharmed();
    }

    @Test
    public void blockApiHang() {
        // a library kernel hands out no service object: its block device is reached through its /dev only
        org.junit.Assume.assumeFalse("no shared BlockDevice in library placement", isLibrary());
        block.apiHangIsResetWithinABound();
        assertDomainUnharmed();
    }

    private VfsConformance vfs(String base, long magic) {
        java.util.function.BiFunction<String, Credentials, Posix> spawn = isLibrary() ? library::spawn
                : (n, c) -> kernel.posix(kernel.spawn(n, c));
        sys.mkdir(base, 0755);
        return new VfsConformance(sys, spawn, base, magic);
    }

    /** Runs every case, reporting all failures at once (one container, one report). */
    private static void runAll(VfsConformance suite) throws Exception {
        List<String> failed = Cases.runAll(suite);
        assertTrue(failed.size() + " of " + VfsConformance.cases().size() + " cases failed:\n"
                + String.join("\n", failed), failed.isEmpty());
    }

    @Test
    public void vfsOnTmpfs() throws Exception {
        assertTrue("the root is a tmpfs", sys.statfs("/").type() == StandaloneVfsTest.TMPFS_MAGIC);
        runAll(vfs("/tmp/vfs-" + placement, StandaloneVfsTest.TMPFS_MAGIC));
        if (!isLibrary()) {
            assertFsDomainUnharmed();
        }
    }

    @Test
    public void vfsOnExt2() throws Exception {
        java.nio.file.Path img = java.nio.file.Files.createTempFile("matrix", ".img");
        try {
            Sd0Images.mkfs(sys, img);
            sys.mkdir("/mnt/ext2-" + placement, 0755);
            sys.mount("/dev/sd0", "/mnt/ext2-" + placement, "ext2", 0, null);
            try {
                assertEquals(StandaloneVfsTest.EXT2_MAGIC, sys.statfs("/mnt/ext2-" + placement).type());
                runAll(vfs("/mnt/ext2-" + placement + "/conformance", StandaloneVfsTest.EXT2_MAGIC));
            } finally {
                sys.umount("/mnt/ext2-" + placement);
            }
            Sd0Images.assertClean(sys, img);
            if (!isLibrary()) {
                assertFsDomainUnharmed();
            }
        } finally {
            java.nio.file.Files.deleteIfExists(img);
        }
    }

    private void assertFsDomainUnharmed() {
        String name = placement.equals("colocated") ? "devices" : "fs";
        DomainInfo d = kernel.domains().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        assertEquals(DomainState.ACTIVE, d.state());
        assertEquals(0, d.restarts());
    }

    /** A device error or a device reset is the driver's business: its domain neither faulted nor restarted. */
    private void assertDomainUnharmed() {
        if (isLibrary()) {
            return;
        }
        String name = placement.equals("colocated") ? "devices" : "blk";
        DomainInfo d = kernel.domains().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        assertEquals(DomainState.ACTIVE, d.state());
        assertEquals(0, d.restarts());
    }
}
