package org.anykernel.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The README's embedding example runs as it says: a plain JVM with only kernel-base, faction-vfs and fs-tmpfs on the
 * class path (no OSGi framework, no other jar) runs {@code docs/examples/EmbedTmpfs.java}.
 */
class EmbeddingExampleTest {
    private static Path jar(String module) throws Exception {
        Path target = BuiltBundles.root().resolve(module).resolve("target");
        try (Stream<Path> s = Files.list(target)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jar")
                    && !p.getFileName().toString().endsWith("-sources.jar")).findFirst().orElseThrow();
        }
    }

    @Test
    void aPlainJavaProgramLinksAKernelFromThreeJars() throws Exception {
        String cp = String.join(File.pathSeparator, jar("bundles/kernel-base").toString(),
                jar("bundles/faction-vfs").toString(), jar("bundles/drivers/fs-tmpfs").toString());
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", cp,
                BuiltBundles.root().resolve("docs/examples/EmbedTmpfs.java").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the example did not end");
        assertEquals(0, p.exitValue(), out);
        List<String> lines = out.lines().toList();
        assertEquals("hello from a library kernel", lines.get(0), out);
        assertTrue(lines.get(1).startsWith("28 bytes, kernel memory in use: "), out);
    }
}
