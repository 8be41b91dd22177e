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
        assertEquals(5, lines.size(), r.out());
        assertTrue(lines.get(0).startsWith("library      Drivers placed as libraries"), lines.get(0));
        assertTrue(lines.get(1).startsWith("microkernel  Every driver isolated"), lines.get(1));
        assertEquals("monolithic   Every driver colocated: one address space, direct calls (the default profile).", lines.get(2));
        assertTrue(lines.get(3).startsWith("net-demo     Two kernels on one simulated Ethernet switch"), lines.get(3));
        assertTrue(lines.get(4).startsWith("net-udp      One kernel whose NIC is a UDP tunnel"), lines.get(4));
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
        assertEquals(2, r.code());
        assertEquals(List.of("anyk: error: -o " + other + " is not empty and holds no kernel.lock.json from an earlier compose: "
                + "refusing to replace it"), r.err());
        assertEquals("mine", Files.readString(other.resolve("keep.txt")));
        Path file = Files.writeString(dir.resolve("file"), "x");
        Result f = run("compose", "microkernel", "-o", file.toString());
        assertEquals(2, f.code());
        assertEquals(List.of("anyk: error: -o " + file + " exists and is not a directory"), f.err());
        assertEquals(List.of("file", "other"), entries());
    }

    @Test
    void badInputLeavesNoDirectory() throws Exception {
        Path k = dir.resolve("k");
        Result unknown = run("compose", "nosuch", "-o", k.toString());
        assertEquals(2, unknown.code());
        assertEquals(1, unknown.err().size());
        assertTrue(unknown.err().get(0).startsWith("anyk: error: unknown profile 'nosuch'"), unknown.err().get(0));
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"id\": \"g:a:1\", \"bundles\": [}");
        Result malformed = run("compose", "microkernel", bad.toString(), "-o", k.toString());
        assertEquals(2, malformed.code());
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
