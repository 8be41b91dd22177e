package org.anykernel.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * The boot-time baseline of {@link BootBenchmark}: the least an OSGi kernel with Declarative Services
 * can do. Starts an embedded Felix with Felix SCR (and the three OSGi API bundles SCR needs) plus one
 * bundle with one DS component, hw-sim's {@code SimConsolePort}; prints {@code ready} once a
 * {@code org.anykernel.hw.api.ConsolePort} service is registered, then stops and exits.
 *
 * <p>Bundles come from the local Maven repository ({@code -Dmaven.repo.local}, else {@code ~/.m2/repository}).
 * The framework storage is a fresh temporary directory each time ({@code onFirstInit} clean), deleted at
 * exit. Bundles are installed, marked started and the framework started in the same order as the
 * launcher's {@code EmbeddedKernel} does it.
 *
 * <pre>java -cp benchmarks.jar org.anykernel.bench.BareFelix</pre>
 *
 * The ready line is {@code ready in N ms}, N the time since the JVM started by the JVM's own clock (for
 * comparison with anyk's {@code anykernel ready: ... in N ms}).
 */
public final class BareFelix {
    /** group:artifact:version of the bundles, in install order. */
    static final List<String> BUNDLES = List.of(
            "org.osgi:org.osgi.util.function:1.2.0",
            "org.osgi:org.osgi.util.promise:1.3.0",
            "org.osgi:org.osgi.service.component:1.5.1",
            "org.apache.felix:org.apache.felix.scr:2.2.18",
            "org.anykernel:hw-sim:0.1.0-SNAPSHOT");
    /** The service whose registration means ready. */
    static final String READY_SERVICE = "org.anykernel.hw.api.ConsolePort";

    private BareFelix() {
    }

    public static void main(String[] args) throws Exception {
        Path repo = repository();
        List<Path> jars = new ArrayList<>();
        for (String gav : BUNDLES) {
            Path jar = jar(repo, gav);
            if (!Files.isRegularFile(jar)) {
                System.err.println("bare-felix: " + gav + " not in the local Maven repository (" + jar + ")");
                System.exit(1);
            }
            jars.add(jar);
        }
        Path work = Files.createTempDirectory("bare-felix-");
        int status = 1;
        try {
            Map<String, String> config = new HashMap<>();
            config.put(Constants.FRAMEWORK_STORAGE, work.resolve("felix-cache").toString());
            config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
            FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class, BareFelix.class.getClassLoader())
                    .findFirst().orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
            Framework framework = factory.newFramework(config);
            framework.init();
            BundleContext ctx = framework.getBundleContext();
            CountDownLatch ready = new CountDownLatch(1);
            // an AllServiceListener: this JVM's class path (the benchmarks jar) has its own copy of the hw-sim API, so a
            // plain listener of the system bundle would be told only of services of that copy's classes, never of this one
            ctx.addServiceListener((org.osgi.framework.AllServiceListener) e -> {
                if (e.getType() == ServiceEvent.REGISTERED) {
                    ready.countDown();
                }
            }, "(" + Constants.OBJECTCLASS + "=" + READY_SERVICE + ")");
            for (Path jar : jars) {
                Bundle b = ctx.installBundle(jar.toUri().toString());
                if (b.getHeaders("").get(Constants.FRAGMENT_HOST) == null) {
                    b.start(); // persistent: starts with the framework, as in EmbeddedKernel
                }
            }
            framework.start();
            if (ready.await(60, TimeUnit.SECONDS)) {
                System.out.println("ready in " + (System.currentTimeMillis()
                        - ManagementFactory.getRuntimeMXBean().getStartTime()) + " ms");
                System.out.flush();
                status = 0;
            } else {
                StringBuilder states = new StringBuilder();
                for (Bundle b : ctx.getBundles()) {
                    states.append(' ').append(b.getSymbolicName()).append('=').append(b.getState());
                }
                System.err.println("bare-felix: no " + READY_SERVICE + " service within 60 s; bundle states:" + states);
            }
            framework.stop();
            framework.waitForStop(10_000);
        } finally {
            delete(work);
        }
        System.exit(status);
    }

    static Path repository() {
        String dir = System.getProperty("maven.repo.local");
        if (dir == null || dir.isBlank()) {
            dir = System.getenv("ANYK_M2_REPO");
        }
        return dir == null || dir.isBlank() ? Path.of(System.getProperty("user.home"), ".m2", "repository") : Path.of(dir);
    }

    static Path jar(Path repo, String gav) {
        String[] p = gav.split(":");
        return repo.resolve(p[0].replace('.', '/')).resolve(p[1]).resolve(p[2]).resolve(p[1] + "-" + p[2] + ".jar");
    }

    static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException ignored) {
                    // best effort: a temp dir
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }
}
