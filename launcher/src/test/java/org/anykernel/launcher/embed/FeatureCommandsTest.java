package org.anykernel.launcher.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Sys;
import org.anykernel.launcher.Composition;
import org.anykernel.launcher.FeatureCatalog;
import org.anykernel.launcher.KernelLock;
import org.anykernel.launcher.MavenRepository;
import org.anykernel.launcher.Profile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;

/**
 * {@code kernel:feature} on a running composed kernel: a driver feature is installed and uninstalled while another
 * driver, in an isolated domain, serves a verifying file workload; the loaded driver sees no restart and no refresh.
 */
class FeatureCommandsTest {
    @TempDir
    Path dir;

    private static final String TMPFS = "org.anykernel.drivers.fs-tmpfs";

    @Test
    void installAndUninstallADriverWhileAnotherIsUnderLoad() throws Exception {
        String placement = "{\"id\": \"x:p:1\", \"configurations\": {\"org.anykernel.domain~fs\": "
                + "{\"placement\": \"isolated\", \"components\": [\"fs-tmpfs\"]}}}";
        Path placementFile = java.nio.file.Files.writeString(dir.resolve("fs-isolated.json"), placement);
        MavenRepository repo = MavenRepository.local();
        Profile profile = Profile.load(List.of("base", "shell", "hw-sim", "hw-disk", "faction-dev", "faction-vfs", "blk-sim",
                "fs-tmpfs", placementFile.toString())).withVariables(java.util.Map.of("console.echo", "false"));
        Path k = dir.resolve("k");
        KernelLock lock = KernelLock.compose(Composition.plan(profile, repo, FeatureCatalog.packaged(), p -> { }), k);
        PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        try (EmbeddedKernel kernel = EmbeddedKernel.start(lock, k, k.toString(), new BootOptions(Duration.ofSeconds(30), repo), log, false)) {
            kernel.awaitReady();
            KernelHandle handle = KernelHandle.of(kernel.context());
            Bundle tmpfs = Arrays.stream(kernel.context().getBundles()).filter(b -> b.getSymbolicName().equals(TMPFS)).findFirst().orElseThrow();
            List<String> tmpfsEvents = new CopyOnWriteArrayList<>();
            kernel.context().addBundleListener(e -> {
                if (e.getBundle().equals(tmpfs) && e.getType() != BundleEvent.STARTED) {
                    tmpfsEvents.add(String.valueOf(e.getType()));
                }
            });
            int restartsBefore = restarts(handle, "fs");
            FeatureCommands commands = new FeatureCommands(kernel.context(), repo, lock.frameworkProperties(),
                    List.of(lock.profile().split("\\+")));

            // the load: write, read back and compare files on the isolated tmpfs, without pause
            Posix px = handle.posix();
            px.mkdir("/load", 0755);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong ops = new AtomicLong();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            Thread load = new Thread(() -> {
                byte[] data = new byte[8192];
                for (int i = 0; !stop.get(); i++) {
                    try {
                        Arrays.fill(data, (byte) i);
                        String f = "/load/f" + (i % 8);
                        int fd = px.open(f, Sys.O_CREAT | Sys.O_WRONLY | Sys.O_TRUNC, 0644);
                        px.write(fd, data, 0, data.length);
                        px.close(fd);
                        byte[] back = new byte[data.length];
                        fd = px.open(f, Sys.O_RDONLY, 0);
                        int n = px.read(fd, back, 0, back.length);
                        px.close(fd);
                        if (n != data.length || !Arrays.equals(data, back)) {
                            throw new AssertionError("read back differs at op " + i);
                        }
                        ops.incrementAndGet();
                    } catch (Throwable t) {
                        failures.add(t);
                        return;
                    }
                }
            }, "load");
            load.start();
            try {
                awaitOps(ops, 50);
                String plan = commands.feature("install", "fs-ext2");
                assertTrue(plan.startsWith("plan: install fs-ext2\n  install    org.anykernel:fs-ext2:"), plan);
                assertTrue(plan.contains("\n  refresh    none\n"), plan);
                assertTrue(plan.endsWith("done: 1 bundle(s) installed and started, 0 configuration(s) applied, no bundle refreshed"), plan);
                Bundle ext2 = Arrays.stream(kernel.context().getBundles())
                        .filter(b -> b.getSymbolicName().equals("org.anykernel.drivers.fs-ext2")).findFirst().orElseThrow();
                assertEquals(Bundle.ACTIVE, ext2.getState());
                String list = commands.feature("list");
                assertTrue(list.lines().anyMatch(l -> l.matches("fs-ext2 +installed +1/1")), list);
                long mid = ops.get();
                awaitOps(ops, mid + 50);

                // an install that does not resolve changes nothing and says why
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> commands.feature("install", "net-inet"));
                assertEquals("missing package org.anykernel.net.api required by org.anykernel.drivers.net-inet: add the feature faction-net",
                        e.getMessage());
                assertFalse(Arrays.stream(kernel.context().getBundles()).anyMatch(b -> b.getSymbolicName().contains("net-inet")));
                // a feature others are wired to is not uninstalled
                IllegalArgumentException busy = assertThrows(IllegalArgumentException.class, () -> commands.feature("uninstall", "faction-vfs"));
                assertTrue(busy.getMessage().startsWith("feature faction-vfs is in use: "), busy.getMessage());

                String gone = commands.feature("uninstall", "fs-ext2");
                assertEquals("plan: uninstall fs-ext2\n  uninstall  org.anykernel.drivers.fs-ext2 " + ext2.getVersion() + "\n"
                        + "  refresh    org.anykernel.drivers.fs-ext2 (uninstalled)\n"
                        + "done: 1 bundle(s) uninstalled, 0 configuration(s) deleted, 1 bundle(s) refreshed", gone);
                assertEquals(Bundle.UNINSTALLED, ext2.getState());
                long after = ops.get();
                awaitOps(ops, after + 50);
            } finally {
                stop.set(true);
                load.join(10_000);
            }
            assertEquals(List.of(), failures);
            assertTrue(ops.get() >= 150, "ops " + ops.get());
            // the loaded driver saw nothing: no bundle event, same state, no domain restart
            assertEquals(List.of(), tmpfsEvents);
            assertEquals(Bundle.ACTIVE, tmpfs.getState());
            assertEquals(restartsBefore, restarts(handle, "fs"));
            assertNull(handle.events(100).stream().filter(ev -> "fs".equals(ev.domain()) && ev.type().startsWith("RESTART"))
                    .findFirst().orElse(null));
        }
    }

    @Test
    void aFeatureOfConfigurationsIsAppliedAndTakenBack() throws Exception {
        MavenRepository repo = MavenRepository.local();
        Profile profile = Profile.load(List.of("base", "shell", "hw-sim")).withVariables(java.util.Map.of("console.echo", "false"));
        Path k = dir.resolve("k");
        KernelLock lock = KernelLock.compose(Composition.plan(profile, repo, FeatureCatalog.packaged(), p -> { }), k);
        PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        try (EmbeddedKernel kernel = EmbeddedKernel.start(lock, k, k.toString(), new BootOptions(Duration.ofSeconds(30), repo), log, false)) {
            kernel.awaitReady();
            FeatureCommands commands = new FeatureCommands(kernel.context(), repo, lock.frameworkProperties(), List.of("base", "shell", "hw-sim"));
            String filter = "(hw.nic.name=eth0)";
            assertNull(kernel.context().getAllServiceReferences("org.anykernel.hw.api.NicController", filter));
            String plan = commands.feature("install", "hw-nic");
            assertEquals("plan: install hw-nic\n  (every bundle is there already)\n  configure  hw.nic~eth0 (new)\n  refresh    none\n"
                    + "done: 0 bundle(s) installed and started, 1 configuration(s) applied, no bundle refreshed", plan);
            awaitService(kernel, filter, true);
            // the same again changes nothing
            assertTrue(commands.feature("install", "hw-nic").contains("done: 0 bundle(s) installed and started, 0 configuration(s) applied"));
            String gone = commands.feature("uninstall", "hw-nic");
            assertEquals("plan: uninstall hw-nic\n  delete     hw.nic~eth0\n"
                    + "done: 0 bundle(s) uninstalled, 1 configuration(s) deleted, 0 bundle(s) refreshed", gone);
            awaitService(kernel, filter, false);
            // a feature name that is not packaged, and a bad action, change nothing and say so in one line
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> commands.feature("install", "nosuch"));
            assertTrue(unknown.getMessage().startsWith("unknown feature 'nosuch' (known: base,"), unknown.getMessage());
            IllegalArgumentException usage = assertThrows(IllegalArgumentException.class, () -> commands.feature("remove", "hw-nic"));
            assertEquals("usage: kernel:feature list | install NAME | uninstall NAME", usage.getMessage());
        }
    }

    private static void awaitService(EmbeddedKernel kernel, String filter, boolean present) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while ((kernel.context().getAllServiceReferences("org.anykernel.hw.api.NicController", filter) != null) != present) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("NicController " + filter + (present ? " never registered" : " still registered"));
            }
            Thread.sleep(10);
        }
    }

    private static int restarts(KernelHandle handle, String domain) {
        return handle.domains().stream().filter(d -> d.name().equals(domain)).findFirst().orElseThrow().restarts();
    }

    private static void awaitOps(AtomicLong ops, long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (ops.get() < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the load did only " + ops.get() + " ops");
            }
            Thread.sleep(5);
        }
    }

}
