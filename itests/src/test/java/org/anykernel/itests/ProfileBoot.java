package org.anykernel.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;


import javax.inject.Inject;

import org.anykernel.base.api.Kernel;
import org.anykernel.testing.exam.KernelOptions;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/** Every profile boots in Felix with every bundle active, and its shell commands answer. */
@RunWith(PaxExam.class)
public abstract class ProfileBoot {
    private final String profile;
    private final String configuredDomain;
    private final String configuredPlacement;
    private String domain;
    private String placement;

    @Inject
    private BundleContext context;
    @Inject
    private Kernel kernel;
    @Inject
    private CommandProcessor shell;

    private final boolean composed;

    protected ProfileBoot(String profile, String domain, String placement) {
        this(profile, domain, placement, false);
    }

    /** With {@code composed}, the profile is composed first ({@code anyk compose}) and booted from the composed kernel. */
    protected ProfileBoot(String profile, String domain, String placement, boolean composed) {
        this.composed = composed;
        this.profile = profile;
        this.configuredDomain = domain;
        this.configuredPlacement = placement;
    }

    @Before
    public void expectations() {
        domain = context.getProperty("anykernel.itest.domain");
        placement = context.getProperty(PlacementMatrix.PLACEMENT_PROPERTY);
    }

    @Configuration
    public Option[] config() {
        // the instance inside the container is not this one: expectations travel as framework properties
        return options(composed ? KernelOptions.composed(java.util.List.of(profile), "console.echo=false")
                : KernelOptions.profile(profile, "console.echo=false"), junitBundles(),
                frameworkProperty("anykernel.itest.domain").value(configuredDomain),
                frameworkProperty(PlacementMatrix.PLACEMENT_PROPERTY).value(configuredPlacement));
    }

    private String run(String command) {
        return Shell.run(shell, command);
    }

    @Test
    public void aComposedKernelRunsTheBundlesOfItsDirectory() {
        String dir = context.getProperty("anykernel.itest.composed");
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName().startsWith("org.anykernel.")) {
                // composed: from DIR/bundles, checked against the lock; not: from the local Maven repository
                assertEquals(b.getLocation(), dir != null, dir != null && b.getLocation().contains(dir + "/bundles/"));
            }
        }
    }

    @Test
    public void everyKernelBundleIsActive() {
        Await.until("kernel settled", 10_000, kernel::settled);
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName().startsWith("org.anykernel.")) {
                assertEquals(b.getSymbolicName(), Bundle.ACTIVE, b.getState());
            }
        }
    }

    @Test
    public void theDomainIsPlacedAsTheProfileSays() throws Exception {
        Await.until("kernel settled", 10_000, kernel::settled);
        String domains = run("kernel:domains");
        assertTrue(domains, domains.lines().anyMatch(l -> l.startsWith(domain + " ") && l.contains(" " + placement + " ")));
        assertTrue(run("kernel:syscalls"), run("kernel:syscalls").contains("ioctl"));
        assertTrue(run("kernel:ps").contains("init"));
    }

    @Test
    public void theDevicesAnswerOnTheShell() throws Exception {
        Await.until("kernel settled", 10_000, kernel::settled);
        if (placement.equals("library")) {
            String demo = run("library:demo");
            assertTrue(demo, demo.contains("private kernel 'library-demo'") && demo.contains("/dev/null took 100 bytes"));
            assertTrue(run("dev:ls"), run("dev:ls").contains("no devices"));
        } else {
            String ls = run("dev:ls");
            assertTrue(ls, ls.contains("/dev/zero") && ls.contains("/dev/console") && ls.contains(placement));
            // the disk's configuration reaches hw-sim, and its block device blk-sim, asynchronously
            Await.until("sd0 in dev:ls", 10_000, () -> run("dev:ls").contains("/dev/sd0"));
            String sd0 = run("dev:ls").lines().filter(l -> l.contains("/dev/sd0")).findFirst().orElseThrow();
            assertTrue(sd0, sd0.startsWith("b ") && sd0.contains("16M") && sd0.contains(placement));
            assertTrue(run("dev:cat zero 4"), run("dev:cat zero 4").contains("00 00 00 00"));
            String stats = run("kernel:stats");
            assertTrue(stats, stats.lines().anyMatch(l -> l.startsWith(domain + " ")));
        }
    }
}
