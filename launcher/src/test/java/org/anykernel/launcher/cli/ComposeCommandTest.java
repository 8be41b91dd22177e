package org.anykernel.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.anykernel.launcher.Features;
import org.anykernel.launcher.KernelLock;
import org.anykernel.launcher.MavenRepository;
import org.anykernel.launcher.embed.BootOptions;
import org.anykernel.launcher.embed.EmbeddedKernel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code anyk features}, {@code anyk compose} and {@code anyk boot DIR}, against the local Maven repository. */
class ComposeCommandTest {
    @TempDir
    Path dir;

    private record Result(int code, String out, List<String> err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Anyk.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8).lines().toList());
    }

    private List<String> entries() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void featuresListsEveryPackagedFeatureWithItsDescription() {
        Result r = run("features");
        assertEquals(0, r.code(), r.err()::toString);
        List<String> lines = r.out().lines().toList();
        assertEquals(23, lines.size(), r.out());
        assertTrue(lines.get(0).startsWith("base          The kernel base: kernel-base with Declarative Services"), lines.get(0));
        assertTrue(r.out().contains("\nevents        OSGi Event Admin (Felix)"), r.out());
        assertTrue(r.out().contains("\nfs-ext2       Driver: ext2, read-write, on any block device. (needs faction-vfs, faction-dev)\n"), r.out());
        assertTrue(r.out().contains("\nmonolithic    [profile] Every driver colocated: one address space, direct calls (the default profile).\n"), r.out());
        assertEquals(lines.stream().sorted().toList(), lines);
    }

    private void assertInvalid(String firstLine, String... args) throws Exception {
        Path k = dir.resolve("invalid");
        List<String> argv = new java.util.ArrayList<>(List.of("compose"));
        argv.addAll(List.of(args));
        argv.addAll(List.of("-o", k.toString()));
        Result r = run(argv.toArray(String[]::new));
        assertEquals(1, r.code(), r.err()::toString);
        assertEquals("anyk: error: " + firstLine, r.err().get(0));
        assertEquals("", r.out());
        assertFalse(Files.exists(k));
        try (Stream<Path> s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".invalid")), "no half-written DIR");
        }
    }

    @Test
    void invalidCompositionsSayTheRootCauseAndTheFixOnTheFirstLineAndWriteNothing() throws Exception {
        // a driver without its faction: the resolver's root cause, and the feature that would supply it
        assertInvalid("missing package org.anykernel.net.api required by org.anykernel.drivers.net-inet: add the feature faction-net",
                "base", "shell", "hw-sim", "net-inet");
        Result chain = run("compose", "base", "shell", "hw-sim", "net-inet", "--dry-run");
        assertTrue(chain.err().get(1).startsWith("  org.anykernel.drivers.net-inet (org.anykernel:net-inet:"), chain.err()::toString);
        assertTrue(chain.err().get(1).contains("requires (&(osgi.wiring.package=org.anykernel.net.api)"), chain.err()::toString);
        // two versions of one driver
        Path other = Features.write(dir, "ext2-old.json", "{'id': 'x:ext2-old:1', 'bundles': [{'id': 'org.anykernel:fs-ext2:0.0.1'}]}");
        assertInvalid("bundle conflict: org.anykernel:fs-ext2:" + projectVersion() + " (in fs-ext2) and org.anykernel:fs-ext2:0.0.1 (in ext2-old)",
                "base", "faction-dev", "faction-vfs", "fs-ext2", other.toString());
        // a configuration that no component in the kernel takes
        Path nic = Features.write(dir, "nic.json", "{'id': 'x:nic:1', 'configurations': {'hw.nic~eth1': {'backend': 'switch:sw9'}}}");
        assertInvalid("configuration hw.nic~eth1 is for no component in this kernel: add the feature hw-sim",
                "base", "faction-vfs", "fs-tmpfs", nic.toString());
        // a key the component does not know, a value of the wrong type
        Path key = Features.write(dir, "key.json", "{'id': 'x:key:1', 'configurations': {'hw.disk~sd1': {'size': '1M', 'sise': '2M'}}}");
        assertInvalid("configuration hw.disk~sd1: unknown key 'sise' (known: backing, bandwidth.mbps, cache.size, flush.sync, "
                + "latency.us, queue.depth, read.only, seed, size, write.cache)", "base", "hw-sim", key.toString());
        Path type = Features.write(dir, "type.json", "{'id': 'x:type:1', 'configurations': {'hw.disk~sd1': {'size': '1M', 'read.only': 'maybe'}}}");
        assertInvalid("configuration hw.disk~sd1: key 'read.only': 'maybe' is not true or false", "base", "hw-sim", type.toString());
        // a malformed JSON file
        Path bad = Features.write(dir, "bad.json", "{'id': 'g:a:1', 'bundles': [}");
        Result malformed = run("compose", "base", bad.toString(), "-o", dir.resolve("invalid").toString());
        assertEquals(1, malformed.code());
        assertTrue(malformed.err().get(0).startsWith("anyk: error: " + bad + ":1:") && malformed.err().get(0).contains(": malformed JSON: "),
                malformed.err()::toString);
        // an unknown placement, a domain naming a driver the kernel does not have
        Path placement = Features.write(dir, "my-placement.json", "{'id': 'x:p:1', 'configurations': {'org.anykernel.domain~fs': "
                + "{'placement': 'isolatd', 'components': ['fs-tmpfs']}}}");
        assertInvalid("profile base+faction-vfs+fs-tmpfs+my-placement: domain fs: field 'placement': unknown placement 'isolatd' "
                + "(expected one of colocated, isolated, library)", "base", "faction-vfs", "fs-tmpfs", placement.toString());
        Path absent = Features.write(dir, "absent.json", "{'id': 'x:p:1', 'configurations': {'org.anykernel.domain~fs': "
                + "{'placement': 'isolated', 'components': ['fs-ext2']}}}");
        assertInvalid("domain fs: component 'fs-ext2' is no driver in this kernel (drivers: fs-tmpfs)",
                "base", "faction-vfs", "fs-tmpfs", absent.toString());
    }

    private static String projectVersion() {
        return KernelLock.class.getPackage().getImplementationVersion() != null
                ? KernelLock.class.getPackage().getImplementationVersion() : "0.1.0-SNAPSHOT";
    }

    @Test
    void componentsAndAPlacementComposeAndBootWiredExactlyAsTheLockSays() throws Exception {
        Path placement = Features.write(dir, "my-placement.json", "{'id': 'x:p:1', 'configurations': {'org.anykernel.domain~fs': "
                + "{'placement': 'isolated', 'components': ['fs-tmpfs'], 'restart': 'on-failure'}}}");
        Path k = dir.resolve("k1");
        Result r = run("compose", "base", "shell", "hw-sim", "faction-vfs", "fs-tmpfs", placement.toString(), "-o", k.toString(),
                "-V", "console.echo=false");
        assertEquals(0, r.code(), r.err()::toString);
        KernelLock lock = KernelLock.read(k);
        assertEquals(Set.of("fs"), lock.domainNames());
        PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        try (EmbeddedKernel kernel = EmbeddedKernel.start(lock, k, k.toString(),
                new BootOptions(Duration.ofSeconds(30), MavenRepository.at(dir.resolve("unused"))), log, false)) {
            assertTrue(kernel.awaitReady().domains().contains("fs"));
            // every wire Felix made is one the lock lists, and every one the lock lists is made
            Map<String, List<String>> actual = new java.util.TreeMap<>();
            Map<String, String> ids = new java.util.HashMap<>();
            for (KernelLock.Bundle b : lock.bundles()) {
                ids.put("reference:" + k.resolve(KernelLock.BUNDLES).resolve(b.file()).toAbsolutePath().toUri(), b.id());
            }
            for (org.osgi.framework.Bundle b : kernel.context().getBundles()) {
                org.osgi.framework.wiring.BundleWiring w = b.adapt(org.osgi.framework.wiring.BundleWiring.class);
                if (b.getBundleId() == 0 || w == null) {
                    continue;
                }
                for (org.osgi.framework.wiring.BundleWire wire : w.getRequiredWires(null)) {
                    if (wire.getRequirement().getDirectives().containsKey("resolution")
                            && "dynamic".equals(wire.getRequirement().getDirectives().get("resolution"))) {
                        continue;
                    }
                    String provider = wire.getProvider().getBundle().getBundleId() == 0 ? "system"
                            : ids.get(wire.getProvider().getBundle().getLocation());
                    actual.computeIfAbsent(ids.get(b.getLocation()), x -> new java.util.ArrayList<>()).add(
                            wire.getCapability().getNamespace() + " " + org.anykernel.launcher.Resolution.nameOf(wire.getCapability(), provider)
                                    + " -> " + provider);
                }
            }
            actual.values().forEach(java.util.Collections::sort);
            assertEquals(lock.wires(), actual);
        }
    }

    @Test
    void dryRunPrintsThePlanAndWritesNothing() throws Exception {
        Result r = run("compose", "microkernel", "-o", dir.resolve("k").toString(), "--dry-run", "-V", "console.echo=false");
        assertEquals(0, r.code(), r.err()::toString);
        assertTrue(r.out().startsWith("plan: microkernel (nothing written)\n"), r.out());
        assertTrue(r.out().contains("\n  2  org.anykernel:kernel-base:"), r.out());
        assertTrue(r.out().contains("\n  chr  isolated  [char-std]\n"), r.out());
        assertTrue(r.out().contains("\n  blk  isolated  [blk-sim]\n"), r.out());
        assertTrue(r.out().contains("\n  hw.console\n    echo = false\n"), r.out());
        assertTrue(r.out().contains("\nvariables:\n  console.echo = false\n"), r.out());
        assertTrue(r.out().contains("\n  anykernel.profile = microkernel\n"), r.out());
        assertEquals(List.of(), entries());
    }

    @Test
    void composeWritesBundlesAndAByteIdenticalLock() throws Exception {
        Path k1 = dir.resolve("k1");
        Path k2 = dir.resolve("k2");
        assertEquals(0, run("compose", "microkernel", "-o", k1.toString(), "-V", "console.echo=false").code());
        assertEquals(0, run("compose", "microkernel", "-o", k2.toString(), "-V", "console.echo=false").code());
        byte[] lock1 = Files.readAllBytes(k1.resolve(KernelLock.FILE));
        assertArrayEquals(lock1, Files.readAllBytes(k2.resolve(KernelLock.FILE)));
        String text = new String(lock1, StandardCharsets.UTF_8);
        assertFalse(text.contains("\r"));
        assertTrue(text.endsWith("}\n"));

        // it parses back to the same document
        KernelLock lock = KernelLock.read(k1);
        assertEquals(text, lock.toJson());
        assertEquals("microkernel", lock.profile());
        assertEquals(Set.of("chr", "blk", "fs"), lock.domainNames());
        assertEquals(Boolean.FALSE, lock.configurations().get("hw.console").get("echo"));
        assertEquals(List.of("char-std"), lock.configurations().get("org.anykernel.domain~chr").get("components"));
        assertEquals(Map.of("console.echo", false, "disk", "memory", "disk.size", "16M"), lock.variables());
        assertEquals("microkernel", lock.frameworkProperties().get("anykernel.profile"));
        assertEquals(18, lock.bundles().size());
        try (Stream<Path> jars = Files.list(k1.resolve(KernelLock.BUNDLES))) {
            assertEquals(18, jars.count());
        }
        KernelLock.Bundle base = lock.bundles().stream().filter(b -> b.id().startsWith("org.anykernel:kernel-base:")).findFirst().orElseThrow();
        assertEquals(2, base.startOrder());
        assertTrue(base.file().startsWith("kernel-base-") && base.file().endsWith(".jar"), base.file());
        assertTrue(base.sha256().matches("[0-9a-f]{64}"), base.sha256());
        lock.verify(k1, k1.toString()); // no exception

        // composing again into the same DIR replaces it, with the same bytes and nothing left beside it
        assertEquals(0, run("compose", "microkernel", "-o", k1.toString(), "-V", "console.echo=false").code());
        assertArrayEquals(lock1, Files.readAllBytes(k1.resolve(KernelLock.FILE)));
        assertEquals(List.of("k1", "k2"), entries());
    }

    @Test
    void tamperedBundleIsAChecksumError() throws Exception {
        Path k = dir.resolve("k");
        assertEquals(0, run("compose", "monolithic", "-o", k.toString()).code());
        KernelLock lock = KernelLock.read(k);
        KernelLock.Bundle b = lock.bundles().get(0);
        Path jar = k.resolve(KernelLock.BUNDLES).resolve(b.file());
        Files.write(jar, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        Result r = run("boot", k.toString(), "--exec", "kernel:domains");
        assertEquals(1, r.code(), r.err()::toString);
        assertEquals(1, r.err().size(), r.err()::toString);
        assertTrue(r.err().get(0).startsWith("anyk: error: " + k + "/bundles/" + b.file() + ": checksum mismatch (lock says "
                + b.sha256() + ", file is "), r.err().get(0));
        assertEquals("", r.out());
    }

    @Test
    void nonEmptyOutputWithoutALockIsRefused() throws Exception {
        Path other = Files.createDirectory(dir.resolve("other"));
        Files.writeString(other.resolve("keep.txt"), "mine");
        Result r = run("compose", "microkernel", "-o", other.toString());
        assertEquals(1, r.code());
        assertEquals(List.of("anyk: error: -o " + other + " is not empty and holds no kernel.lock.json from an earlier compose: "
                + "refusing to replace it"), r.err());
        assertEquals("mine", Files.readString(other.resolve("keep.txt")));
        Path file = Files.writeString(dir.resolve("file"), "x");
        Result f = run("compose", "microkernel", "-o", file.toString());
        assertEquals(1, f.code());
        assertEquals(List.of("anyk: error: -o " + file + " exists and is not a directory"), f.err());
        assertEquals(List.of("file", "other"), entries());
    }

    @Test
    void badInputLeavesNoDirectory() throws Exception {
        Path k = dir.resolve("k");
        Result unknown = run("compose", "nosuch", "-o", k.toString());
        assertEquals(1, unknown.code());
        assertEquals(1, unknown.err().size());
        assertTrue(unknown.err().get(0).startsWith("anyk: error: unknown feature 'nosuch'"), unknown.err().get(0));
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"id\": \"g:a:1\", \"bundles\": [}");
        Result malformed = run("compose", "microkernel", bad.toString(), "-o", k.toString());
        assertEquals(1, malformed.code());
        assertEquals(1, malformed.err().size());
        assertEquals(List.of("bad.json"), entries());
        Result noOutput = run("compose", "microkernel");
        assertEquals(2, noOutput.code());
        assertEquals(List.of("anyk: error: missing -o DIR (or --dry-run)", "try: anyk --help"), noOutput.err());
    }

    @Test
    void missingBundleIsAFailureAndLeavesNothing() throws Exception {
        WithProperty.run("maven.repo.local", dir.resolve("empty-repo").toString(), () -> {
            Result r = run("compose", "microkernel", "-o", dir.resolve("k").toString());
            assertEquals(1, r.code());
            assertEquals(1, r.err().size(), r.err()::toString);
            assertTrue(r.err().get(0).startsWith("anyk: error: bundle org.osgi:org.osgi.util.function:"), r.err().get(0));
            assertEquals(List.of(), entries());
        });
    }

    @Test
    void composedKernelBoots() {
        Path k = dir.resolve("k");
        assertEquals(0, run("compose", "microkernel", "-o", k.toString(), "-V", "console.echo=false").code());
        KernelLock lock = KernelLock.read(k);
        PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        try (EmbeddedKernel kernel = EmbeddedKernel.start(lock, k, k.toString(),
                new BootOptions(Duration.ofSeconds(30), MavenRepository.at(dir.resolve("unused"))), log, false)) {
            assertTrue(kernel.awaitReady().domains().containsAll(Set.of("blk", "chr")));
            assertEquals(lock.bundles().size() + 1, kernel.context().getBundles().length);
            for (org.osgi.framework.Bundle b : kernel.context().getBundles()) {
                if (b.getBundleId() != 0) {
                    assertTrue(b.getLocation().startsWith("reference:" + k.resolve(KernelLock.BUNDLES).toUri()), b.getLocation());
                }
            }
        }
    }
}
