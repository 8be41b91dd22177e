package org.anykernel.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.anykernel.launcher.MavenRepository;
import org.anykernel.launcher.Profile;
import org.anykernel.launcher.ProfileBundle;
import org.osgi.framework.AllServiceListener;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;

/**
 * A diagnostic, not a benchmark: where an anyk boot's time goes. Boots a profile the way the launcher's
 * {@code EmbeddedKernel.start} does (same framework properties, boot configuration file, install order
 * and start levels), without the command line (picocli) around it, and prints a timeline from the JVM's
 * start: profile read, framework init, bundles installed, each bundle started (the time since the
 * previous line is mostly that bundle's resolution, class loading and activator), framework started,
 * kernel service registered.
 *
 * <pre>
 * java --sun-misc-unsafe-memory-access=allow -cp launcher/target/anyk.jar:benchmarks/target/classes \
 *     org.anykernel.bench.BootPhases [PROFILE...]
 * </pre>
 *
 * Run it from anyk.jar's class path as shown (not from benchmarks.jar): the launcher classes are only
 * compiled against ({@code provided}), and the framework must not see the benchmark jar's copies of
 * the kernel classes.
 */
public final class BootPhases {
    private static final long START = ManagementFactory.getRuntimeMXBean().getStartTime();
    private static long last = START;

    private BootPhases() {
    }

    private static synchronized void mark(String what) {
        long now = System.currentTimeMillis();
        System.out.printf("%6d ms  (+%4d)  %s%n", now - START, now - last, what);
        last = now;
    }

    public static void main(String[] args) throws Exception {
        mark("main() entered (JVM start to here)");
        Profile profile = Profile.load(List.of(args)).withVariables(Map.of("console.echo", "false"));
        List<ProfileBundle> bundles = profile.bundles(MavenRepository.local());
        mark("profile " + profile.name() + " read (Feature JSON), " + bundles.size() + " bundles resolved in the repository");

        Path work = Files.createTempDirectory("anyk-phases-");
        Map<String, Object> config = new HashMap<>(profile.frameworkProperties());
        config.put(Constants.FRAMEWORK_STORAGE, work.resolve("felix-cache").toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.putIfAbsent("gosh.args", "--nointeractive");
        Map.Entry<String, String> boot = profile.writeBootConfigurations(work.resolve("boot-configurations.properties"));
        config.put(boot.getKey(), boot.getValue());
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class, BootPhases.class.getClassLoader())
                .findFirst().orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        @SuppressWarnings({"unchecked", "rawtypes"})
        Framework framework = factory.newFramework((Map) config);
        framework.init();
        mark("framework init");

        BundleContext ctx = framework.getBundleContext();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch kernel = new CountDownLatch(1);
        ctx.addFrameworkListener(e -> {
            if (e.getType() == FrameworkEvent.STARTED) {
                started.countDown();
            }
        });
        // all service events: anyk.jar has its own copy of the kernel API, so Felix would hold back the
        // event from a plain ServiceListener of the system bundle as not assignable
        ctx.addServiceListener((AllServiceListener) e -> {
            if (e.getType() == ServiceEvent.REGISTERED) {
                mark("service org.anykernel.base.api.Kernel registered");
                kernel.countDown();
            }
        }, "(" + Constants.OBJECTCLASS + "=org.anykernel.base.api.Kernel)");
        ctx.addBundleListener((SynchronousBundleListener) e -> {
            if (e.getType() == BundleEvent.STARTED) {
                Bundle b = e.getBundle();
                mark("started " + b.getSymbolicName() + " (start level " + b.adapt(BundleStartLevel.class).getStartLevel() + ")");
            }
        });
        for (ProfileBundle pb : bundles) {
            Bundle b = ctx.installBundle(pb.location());
            if (pb.startOrder() > 0) {
                b.adapt(BundleStartLevel.class).setStartLevel(pb.startOrder());
            }
            if (b.getHeaders("").get(Constants.FRAGMENT_HOST) == null) {
                b.start();
            }
        }
        mark("bundles installed (copied into the framework's storage)");
        framework.start();
        boolean ok = started.await(60, TimeUnit.SECONDS);
        mark(ok ? "framework STARTED (every start level reached)" : "framework did not start within 60 s");
        if (!kernel.await(10, TimeUnit.SECONDS)) {
            mark("no kernel service (a profile without kernel-base?)");
        }
        framework.stop();
        framework.waitForStop(30_000);
        BareFelix.delete(work);
    }
}
