package org.anykernel.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage errors and input errors: exit code, one error line, no stack trace, and no framework started. */
class AnykCliTest {
    @TempDir
    Path dir;

    private record Result(int code, String out, List<String> err) {
        String error() {
            return err.get(0);
        }
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Anyk.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8).lines().toList());
    }

    private static void assertUsage(Result r, String error) {
        assertEquals(2, r.code(), r.err()::toString);
        assertEquals(List.of(error, "try: anyk --help"), r.err());
    }

    private static void assertInputError(Result r, String error) {
        assertEquals(2, r.code(), r.err()::toString);
        assertEquals(List.of(error), r.err());
    }

    @Test
    void unknownOption() {
        assertUsage(run("--bogus"), "anyk: error: unknown option: '--bogus'");
        assertUsage(run("boot", "--bogus"), "anyk: error: unknown option: '--bogus'");
    }

    @Test
    void missingOptionValue() {
        assertUsage(run("boot", "--exec"), "anyk: error: missing required parameter for option '--exec' (CMDS)");
    }

    @Test
    void missingCommand() {
        assertUsage(run(), "anyk: error: missing command (anyk boot [PROFILE...])");
    }

    @Test
    void badTimeout() {
        assertUsage(run("boot", "--timeout", "0"), "anyk: error: --timeout must be a positive number of seconds, not 0");
        assertEquals(2, run("boot", "--timeout", "soon").code());
    }

    @Test
    void malformedVariable() {
        assertInputError(run("boot", "-V", "novalue"), "anyk: error: malformed variable 'novalue': expected NAME=VALUE");
    }

    @Test
    void unknownVariable() {
        assertInputError(run("boot", "-V", "x=1"), "anyk: error: unknown variable 'x' (profile defines: console.echo, disk, disk.size)");
    }

    @Test
    void unknownProfile() {
        Result r = run("boot", "nosuch");
        assertEquals(2, r.code());
        assertEquals(1, r.err().size());
        assertTrue(r.error().startsWith("anyk: error: unknown feature 'nosuch' (known: base, blk-sim, char-std"), r.error());
    }

    @Test
    void malformedFeatureFile() throws Exception {
        Path f = Files.writeString(dir.resolve("bad.json"), "{\"id\": \"g:a:1\", \"bundles\": [}");
        Result r = run("boot", f.toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().size(), r.err()::toString);
        assertTrue(r.error().startsWith("anyk: error: " + f + ":1:"), r.error());
    }

    @Test
    void missingBundleIsAFailureNotAUsageError() throws Exception {
        WithProperty.run("maven.repo.local", dir.toString(), () -> {
            Result r = run("boot", "monolithic");
            assertEquals(1, r.code());
            assertEquals(1, r.err().size(), r.err()::toString);
            assertTrue(r.error().startsWith("anyk: error: bundle org.osgi:org.osgi.util.function:"), r.error());
            assertTrue(r.error().endsWith("); run: mvn -q install -DskipTests"), r.error());
            assertEquals("", r.out());
        });
    }

    @Test
    void helpAndVersion() {
        Result help = run("--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("boot"), help.out());
        Result bootHelp = run("boot", "--help");
        assertEquals(0, bootHelp.code());
        assertTrue(bootHelp.out().contains("--exec"), bootHelp.out());
        Result version = run("--version");
        assertEquals(0, version.code());
        assertTrue(version.out().startsWith("anyk "), version.out());
    }
}
