package org.anykernel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.List;

import javax.inject.Inject;

import org.anykernel.base.api.Credentials;
import org.anykernel.base.api.Kernel;
import org.anykernel.base.api.KernelFactory;
import org.anykernel.base.api.LibraryKernel;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.ServiceInfo;
import org.anykernel.dev.api.CharDevice;
import org.anykernel.hw.api.ConsolePort;
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
 * The product's promise: the same character-device conformance suite passes with the drivers colocated,
 * isolated and in a library kernel, each booted from its real profile. One subclass per placement (Pax
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
    private CharDeviceConformance suite;

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
    public void setUp() {
        placement = context.getProperty(PLACEMENT_PROPERTY);
        Await.until("kernel settled", 10_000, kernel::settled);
        Posix sys;
        if (placement.equals("library")) {
            library = factory.create("matrix", List.of("char-std"), 1 << 20);
            sys = library.posix();
        } else {
            pid = kernel.spawn("matrix", Credentials.ROOT);
            sys = kernel.posix(pid);
        }
        suite = new CharDeviceConformance(sys, console, placement);
    }

    @After
    public void tearDown() {
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
}
