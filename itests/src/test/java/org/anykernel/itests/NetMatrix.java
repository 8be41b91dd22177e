package org.anykernel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;

import javax.inject.Inject;

import org.anykernel.base.api.Credentials;
import org.anykernel.base.api.Kernel;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.KernelFactory;
import org.anykernel.base.api.LibraryKernel;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.ServiceInfo;
import org.anykernel.hw.api.NicController;
import org.anykernel.net.api.NetworkDriver;
import org.anykernel.net.spi.Protocol;
import org.anykernel.testing.exam.KernelOptions;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The socket conformance suite with nic-sim and net-inet in one placement, booted from the real {@code net-demo}
 * profile with {@code net.placement} set: the kernel under test (the global kernel, or for {@code library} a library
 * kernel of the test's) talks to a peer library kernel the test makes on the same simulated switch. One subclass per
 * placement.
 */
@RunWith(PaxExam.class)
public abstract class NetMatrix {
    @Inject
    private BundleContext context;
    @Inject
    protected Kernel kernel;
    @Inject
    private KernelFactory factory;
    @Inject
    private ConfigurationAdmin cm;

    /** Set in the container from the framework property (the instance there is not the one configured). */
    private String placement;
    private final String configuredPlacement;
    private final List<LibraryKernel> libraries = new ArrayList<>();
    private final List<org.osgi.service.cm.Configuration> configs = new ArrayList<>();
    protected int pid = -1;

    private final boolean composed;

    protected NetMatrix(String placement) {
        this(placement, false);
    }

    /** With {@code composed}, net-demo is composed first ({@code anyk compose}) and booted from the composed kernel. */
    protected NetMatrix(String placement, boolean composed) {
        this.configuredPlacement = placement;
        this.composed = composed;
    }

    @Configuration
    public Option[] config() {
        String[] variables = {"console.echo=false", "net.placement=" + configuredPlacement};
        return options(composed ? KernelOptions.composed(List.of("net-demo"), variables) : KernelOptions.profile("net-demo", variables),
                junitBundles(), frameworkProperty(PlacementMatrix.PLACEMENT_PROPERTY).value(configuredPlacement));
    }

    @Before
    public void setUp() throws Exception {
        placement = context.getProperty(PlacementMatrix.PLACEMENT_PROPERTY);
        Await.until("kernel settled", 10_000, kernel::settled);
    }

    @After
    public void tearDown() throws Exception {
        libraries.forEach(LibraryKernel::close);
        if (pid >= 0) {
            kernel.exit(pid);
        }
        for (org.osgi.service.cm.Configuration c : configs) {
            c.delete();
        }
    }

    /** A NIC on the demo's switch that belongs to kernel {@code owner}, then a library kernel of that name on it. */
    protected LibraryKernel libraryKernel(String owner, String nic, String address) throws Exception {
        org.osgi.service.cm.Configuration c = cm.getFactoryConfiguration("hw.nic", nic, "?");
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("backend", "switch:sw0");
        p.put("kernel", owner);
        c.update(p);
        configs.add(c);
        String filter = "(hw.nic.name=" + nic + ")";
        Await.until("NIC " + nic, 10_000, () -> {
            try {
                return !context.getServiceReferences(NicController.class, filter).isEmpty();
            } catch (org.osgi.framework.InvalidSyntaxException e) {
                throw new IllegalArgumentException(filter, e);
            }
        });
        // nic-sim registers the interface a moment after the NIC appears: make the kernel once it has it
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            LibraryKernel k = factory.create(owner, List.of("nic-sim", "net-inet"), 256 << 20);
            try {
                k.posix().netctl("ifconfig " + nic + " " + address + " up");
                libraries.add(k);
                return k;
            } catch (KernelException e) {
                k.close();
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("kernel " + owner + " never got interface " + nic + ": " + e.getMessage());
                }
                Thread.sleep(50);
            }
        }
    }

    @Test
    public void theNetworkDriversArePlacedAsTheProfileSays() {
        List<ServiceInfo> net = kernel.services().stream().filter(s -> s.interfaces().contains(
                NetworkDriver.class.getName()) || s.interfaces().contains(Protocol.class.getName())).toList();
        assertFalse("nic-sim and net-inet are there", net.isEmpty());
        for (ServiceInfo s : net) {
            assertEquals(s.toString(), placement, s.placement().label());
            assertEquals(s.toString(), !placement.equals("library"), s.bound());
        }
    }

    @Test
    public void socketConformance() throws Exception {
        LibraryKernel peer = libraryKernel("b-" + placement, "tb", "10.0.0.4/24");
        Posix a;
        String addrA;
        java.util.function.BiFunction<String, Credentials, Posix> spawn;
        if (placement.equals("library")) {
            LibraryKernel k = libraryKernel("a-" + placement, "ta", "10.0.0.3/24");
            a = k.posix();
            addrA = "10.0.0.3";
            spawn = k::spawn;
        } else {
            pid = kernel.spawn("net-matrix", Credentials.ROOT);
            a = kernel.posix(pid);
            addrA = "10.0.0.1";
            spawn = (n, c) -> kernel.posix(kernel.spawn(n, c));
            assertTrue(a.netctl("ifconfig eth0"), a.netctl("ifconfig eth0").contains("inet 10.0.0.1/24"));
        }
        List<String> failed = new SocketConformance(a, addrA, peer.posix(), "10.0.0.4", spawn).runAll();
        assertTrue(failed.size() + " of " + SocketConformance.cases().size() + " cases failed in " + placement
                + " placement:\n" + String.join("\n", failed), failed.isEmpty());
    }
}
