package org.anykernel.itests;

import static org.anykernel.itests.CharDeviceConformance.errno;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.inject.Inject;

import org.anykernel.base.api.Credentials;
import org.anykernel.base.api.DomainInfo;
import org.anykernel.base.api.DomainState;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.FaultSpec;
import org.anykernel.base.api.Kernel;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Placement;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Sys;
import org.anykernel.dev.api.CharDevice;
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
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration.ConfigurationAttribute;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * What isolation buys, on the microkernel profile (char-std alone in the isolated domain {@code chr}):
 * contained faults, watched deadlines, restarts within an intensity limit, least-privilege registry views,
 * live re-placement, and descriptors validated before they change anything. A fresh kernel per test.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class IsolationIT {
    private static final String DOMAIN = "chr";

    @Inject
    private Kernel kernel;
    @Inject
    private ConfigurationAdmin cm;
    @Inject
    private BundleContext context;

    private Posix sys;
    private int zero;

    @Configuration
    public Option[] config() {
        return options(KernelOptions.profile("microkernel", "console.echo=false"), junitBundles());
    }

    @Before
    public void setUp() {
        Await.until("kernel settled", 10_000, kernel::settled);
        sys = kernel.posix(kernel.spawn("isolation", Credentials.ROOT));
        zero = sys.open("/dev/zero", Sys.O_RDONLY);
    }

    @After
    public void tearDown() {
        kernel.fault(DOMAIN, new FaultSpec(FaultSpec.Kind.CLEAR, 0, 0, ""));
    }

    private DomainInfo domain() {
        return kernel.domains().stream().filter(d -> d.name().equals(DOMAIN)).findFirst().orElseThrow();
    }

    private void reconfigure(Object... keyValues) throws Exception {
        org.osgi.service.cm.Configuration c = cm.getFactoryConfiguration("org.anykernel.domain", DOMAIN, "?");
        Dictionary<String, Object> p = c.getProperties() == null ? new Hashtable<>() : c.getProperties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put((String) keyValues[i], keyValues[i + 1]);
        }
        assertTrue(c.getAttributes().isEmpty() || !c.getAttributes().contains(ConfigurationAttribute.READ_ONLY));
        c.update(p);
    }

    private boolean eventSeen(String type, String text) {
        return kernel.events(1000).stream()
                .anyMatch(e -> e.topic().endsWith("/" + type) && e.domain().equals(DOMAIN) && e.message().contains(text));
    }

    @Test
    public void aDriverExceptionIsEIOAndTheDomainIsRestarted() throws Exception {
        java.util.concurrent.BlockingQueue<org.osgi.service.event.Event> seen = new java.util.concurrent.LinkedBlockingQueue<>();
        Hashtable<String, Object> topics = new Hashtable<>();
        topics.put(org.osgi.service.event.EventConstants.EVENT_TOPIC, "org/anykernel/domain/*");
        var handler = context.registerService(org.osgi.service.event.EventHandler.class, seen::add, topics);
        kernel.fault("ZeroDevice", FaultSpec.once(FaultSpec.Kind.CRASH));
        KernelException e = null;
        try {
            sys.read(zero, new byte[8]);
        } catch (KernelException x) {
            e = x;
        }
        assertNotNull("the crash reached the caller as an error", e);
        assertEquals(Errno.EIO, e.errno());
        assertTrue(e.getMessage(), e.getMessage().contains("injected crash"));
        Await.until("restart", 10_000, () -> eventSeen("RESTARTED", "injected crash"));
        Await.until("settled", 10_000, kernel::settled);
        assertEquals(8, sys.read(zero, new byte[8]));
        assertEquals(DomainState.ACTIVE, domain().state());
        assertEquals(1, domain().restarts());
        int other = sys.open("/dev/null", Sys.O_WRONLY);
        assertEquals(3, sys.write(other, new byte[3]));
        List<String> topicsSeen = new java.util.ArrayList<>();
        List<String> expected = List.of("org/anykernel/domain/FAULT", "org/anykernel/domain/RESTARTING",
                "org/anykernel/domain/RESTARTED");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        // EventAdmin keeps order per posting thread only: the fault comes from a domain thread, the restart
        // from the supervisor's
        while (!topicsSeen.containsAll(expected) && System.nanoTime() < deadline) {
            org.osgi.service.event.Event ev = seen.poll(100, TimeUnit.MILLISECONDS);
            if (ev != null && DOMAIN.equals(ev.getProperty("domain"))) {
                topicsSeen.add(ev.getTopic());
            }
        }
        handler.unregister();
        assertTrue("EventAdmin saw " + topicsSeen, topicsSeen.containsAll(expected));
    }

    @Test
    public void aHungDriverIsETIMEDOUTAndRestarted() throws Exception {
        reconfigure("watchdog.ms", 300);
        Await.until("new watchdog", 5000, () -> domain().descriptor().watchdogMillis() == 300);
        kernel.fault("ZeroDevice", FaultSpec.once(FaultSpec.Kind.HANG));
        long t0 = System.nanoTime();
        assertEquals(Errno.ETIMEDOUT, errno(() -> sys.read(zero, new byte[8])));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue("answered at the deadline, not later: " + ms + " ms", ms >= 290 && ms < 3000);
        Await.until("restart after the hang", 10_000, () -> eventSeen("RESTARTED", "hang"));
        Await.until("settled", 10_000, kernel::settled);
        assertEquals(8, sys.read(zero, new byte[8]));
    }

    @Test
    public void theIntensityLimitStopsACrashLoopingDomain() throws Exception {
        reconfigure("restart.intensity", 2, "restart.period", 60);
        Await.until("new intensity", 5000, () -> domain().descriptor().intensity() == 2);
        kernel.fault("ZeroDevice", new FaultSpec(FaultSpec.Kind.CRASH, 1, 0, ""));
        // a crash loop: every call crashes the driver, and calls keep coming until the supervisor gives up (a call
        // that a restart overtakes is not a new fault of the new driver, so count on calls, not on one per restart)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        int calls = 0;
        while (domain().state() != DomainState.FAILED) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still " + domain().state() + " after " + calls + " crashing calls; domain "
                        + domain() + "; events " + kernel.events(12));
            }
            Errno e = errno(() -> sys.read(zero, new byte[1]));
            calls++;
            assertTrue("a crashing call fails with EIO (ENXIO once the domain is stopped): " + e,
                    e == Errno.EIO || e == Errno.ENXIO);
            Await.until("the domain back or stopped", 20_000,
                    () -> domain().state() == DomainState.ACTIVE || domain().state() == DomainState.FAILED);
        }
        Await.until("domain failed", 10_000, () -> domain().state() == DomainState.FAILED);
        assertEquals(2, domain().restarts());
        assertEquals(Errno.ENXIO, errno(() -> sys.read(zero, new byte[1])));
        assertTrue(domain().lastFault(), domain().lastFault().contains("more than 2 restarts"));
        Await.until("the FAILED event", 5000, () -> eventSeen("FAILED", "more than 2 restarts"));

        kernel.fault(DOMAIN, new FaultSpec(FaultSpec.Kind.CLEAR, 0, 0, ""));
        kernel.restart(DOMAIN);
        Await.until("settled", 10_000, kernel::settled);
        assertEquals(DomainState.ACTIVE, domain().state());
        assertEquals(1, sys.read(zero, new byte[1]));
    }

    @Test
    public void anIsolatedDomainSeesOnlyWhatItIsGranted() throws Exception {
        Bundle driver = Arrays.stream(context.getBundles())
                .filter(b -> "char-std".equals(b.getHeaders().get("Anykernel-Driver"))).findFirst().orElseThrow();
        BundleContext inside = driver.getBundleContext();
        assertNotNull("granted: the console port", inside.getServiceReference("org.anykernel.hw.api.ConsolePort"));
        assertNotNull("the base's own services are always visible", inside.getServiceReference(Kernel.class.getName()));
        String notGranted = "(objectClass=org.anykernel.dev.internal.DevFaction)";
        assertNotNull("visible outside the domain", context.getServiceReferences((String) null, notGranted));
        assertNull("hidden inside it", inside.getServiceReferences((String) null, notGranted));
        for (ServiceReference<CharDevice> r : context.getServiceReferences(CharDevice.class, null)) {
            assertEquals("outside, only fronts are seen", Boolean.TRUE, r.getProperty("anykernel.front"));
        }
    }

    @Test
    public void livePlacementUnderConcurrentCallsLosesNone() throws Exception {
        ServiceReference<CharDevice> before = context.getServiceReferences(CharDevice.class, "(device.name=zero)")
                .iterator().next();
        long id = (Long) before.getProperty("service.id");
        ExecutorService pool = Executors.newFixedThreadPool(3);
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<long[]>> workers = new java.util.ArrayList<>();
        for (int t = 0; t < 3; t++) {
            workers.add(pool.submit(() -> {
                Posix p = kernel.posix(kernel.spawn("load", Credentials.ROOT));
                int fd = p.open("/dev/zero", Sys.O_RDONLY);
                long ok = 0;
                long failed = 0;
                byte[] buf = new byte[16];
                while (!stop.get()) {
                    try {
                        if (p.read(fd, buf) == 16) {
                            ok++;
                        }
                    } catch (KernelException e) {
                        failed++;
                    }
                }
                return new long[] {ok, failed};
            }));
        }
        for (int i = 0; i < 10; i++) {
            Placement p = i % 2 == 0 ? Placement.COLOCATED : Placement.ISOLATED;
            kernel.place(DOMAIN, p);
            assertEquals(p, domain().descriptor().placement());
            Thread.sleep(50);
        }
        stop.set(true);
        long ok = 0;
        for (Future<long[]> f : workers) {
            long[] r = f.get(10, TimeUnit.SECONDS);
            assertEquals("calls that failed during re-placement", 0, r[1]);
            ok += r[0];
        }
        pool.shutdown();
        assertTrue("calls were made: " + ok, ok > 100);
        ServiceReference<CharDevice> after = context.getServiceReferences(CharDevice.class, "(device.name=zero)")
                .iterator().next();
        assertEquals("consumers kept the same front", id, after.getProperty("service.id"));
        assertEquals("isolated", after.getProperty("anykernel.placement"));
    }

    @Test
    public void aChangedDescriptorMovesTheDomainWhileConsumersStayBound() throws Exception {
        ServiceReference<CharDevice> before = context.getServiceReferences(CharDevice.class, "(device.name=zero)")
                .iterator().next();
        CharDevice held = context.getService(before);
        reconfigure("placement", "colocated");
        Await.until("colocated", 5000, () -> "colocated".equals(before.getProperty("anykernel.placement")));
        byte[] buf = new byte[4];
        buf[0] = 1;
        assertEquals(4, held.read(buf, 0, 4));
        assertEquals("the same front, called directly now", 0, buf[0]);
        assertEquals(4, sys.read(zero, new byte[4]));
        reconfigure("placement", "isolated", "ipc", "migrate");
        Await.until("isolated, migrating", 5000, () -> "isolated".equals(before.getProperty("anykernel.placement"))
                && domain().descriptor().ipc() == org.anykernel.base.api.DomainDescriptor.Ipc.MIGRATE);
        assertEquals(4, held.read(buf, 0, 4));
        context.ungetService(before);
    }

    @Test
    public void badDescriptorsAreRefusedAndChangeNothing() throws Exception {
        org.osgi.service.cm.Configuration bad = cm.getFactoryConfiguration("org.anykernel.domain", "bad", "?");
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("placement", "orbital");
        bad.update(p);
        Await.until("rejection of bad", 5000, () -> kernel.events(1000).stream()
                .anyMatch(e -> e.topic().endsWith("/REJECTED") && e.message().contains("field 'placement'")));
        assertTrue(kernel.domains().stream().noneMatch(d -> d.name().equals("bad")));

        long quota = domain().descriptor().memoryQuota();
        reconfigure("memory.quota", -1);
        Await.until("rejection of a negative quota", 5000, () -> domain().rejected().contains("memory.quota"));
        assertEquals(quota, domain().descriptor().memoryQuota());

        reconfigure("memory.quota", "16M", "grants", new String[] {"org.example.NoSuchService"});
        Await.until("rejection of an unknown service", 5000, () -> domain().rejected().contains("unknown service"));
        assertEquals(List.of("org.anykernel.hw.api.ConsolePort"), domain().descriptor().grants());
        assertEquals(8, sys.read(zero, new byte[8]));
    }
}
