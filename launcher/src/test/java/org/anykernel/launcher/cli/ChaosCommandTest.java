package org.anykernel.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code anyk chaos}: a short run under crash and hang faults on the microkernel profile's tmpfs, and one on an ext2
 * image (which e2fsck finds clean afterwards), lose nothing acknowledged; a bad fault kind is a usage error.
 */
class ChaosCommandTest {
    private static final Pattern LAST = Pattern.compile("chaos: ops=(\\d+) faults=(\\d+) restarts=(\\d+) "
            + "recovery_p50=(\\d+)ms recovery_p99=(\\d+)ms lost=(\\d+) mismatches=(\\d+)");

    @TempDir
    Path dir;

    private record Result(int code, List<String> out, List<String> err) {
        Matcher last() {
            String line = out.isEmpty() ? "" : out.get(out.size() - 1);
            Matcher m = LAST.matcher(line);
            assertTrue(m.matches(), () -> "last line: " + line + "\nstdout: " + out + "\nstderr: " + err);
            return m;
        }
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = assertTimeoutPreemptively(Duration.ofSeconds(90), () -> Anyk.run(args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        return new Result(code, out.toString(StandardCharsets.UTF_8).lines().toList(),
                err.toString(StandardCharsets.UTF_8).lines().toList());
    }

    private static void host(String... cmd) throws Exception {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(cmd))).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " did not end");
        assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + ":\n" + new String(out, StandardCharsets.UTF_8));
    }

    private static void assertNothingLost(Result r) {
        Matcher m = r.last();
        assertEquals(0, r.code(), () -> "exit code; stdout: " + r.out() + "\nstderr: " + r.err());
        assertTrue(Long.parseLong(m.group(2)) >= 1, () -> "no fault injected: " + r.out());
        assertTrue(Long.parseLong(m.group(3)) >= 1, () -> "no restart: " + r.out());
        assertEquals("0", m.group(6), () -> "lost: " + r.out() + "\n" + r.err());
        assertEquals("0", m.group(7), () -> "mismatches: " + r.out() + "\n" + r.err());
    }

    @Test
    void crashesAndHangsLoseNothingOnTmpfs() {
        assertNothingLost(run("chaos", "--profile", "microkernel", "--duration", "8s", "--seed", "7",
                "--faults", "crash,hang"));
    }

    @Test
    void crashesAndHangsLoseNothingOnExt2AndLeaveItClean() throws Exception {
        Path img = dir.resolve("chaos.img");
        host("/usr/sbin/mke2fs", "-q", "-F", "-t", "ext2", img.toString(), "32M");
        Result r = run("chaos", "--profile", "microkernel", "--duration", "8s", "--seed", "7",
                "--faults", "crash,hang", "--image", img.toString());
        r.last();
        host("/usr/sbin/e2fsck", "-fn", img.toString());
        assertNothingLost(r);
    }

    @Test
    void powerCutsAndDamagedTransfersLoseNothingFsyncedAndLeaveTheImageClean() throws Exception {
        Path img = dir.resolve("cut.img");
        host("/usr/sbin/mke2fs", "-q", "-F", "-t", "ext2", img.toString(), "32M");
        Result r = run("chaos", "--profile", "microkernel", "--duration", "10s", "--seed", "11",
                "--faults", "crash,corrupt-io,power-cut", "--image", img.toString());
        Matcher m = r.last();
        host("/usr/sbin/e2fsck", "-fn", img.toString());
        assertEquals(0, r.code(), () -> "exit code; stdout: " + r.out() + "\nstderr: " + r.err());
        assertEquals("0", m.group(6), () -> "lost: " + r.out() + "\n" + r.err());
        assertEquals("0", m.group(7), () -> "mismatches: " + r.out() + "\n" + r.err());
        String faults = line(r, "chaos: faults injected ");
        Matcher cut = Pattern.compile(".*power-cut (\\d+).*").matcher(faults);
        assertTrue(cut.matches() && Long.parseLong(cut.group(1)) >= 1, () -> "no power cut: " + faults);
        assertTrue(faults.contains("corrupt-io "), () -> "no damaged transfer: " + faults);
        String cuts = line(r, "chaos: power cuts ");
        assertTrue(cuts.startsWith("chaos: power cuts " + cut.group(1) + ", reboot"), cuts);
        assertTrue(!cuts.contains("reboots failed"), cuts);
    }

    @Test
    void withoutAnImagePowerCutsAreTriedOnATemporaryOne() {
        Result r = run("chaos", "--faults", "power-cut", "--duration", "4s", "--seed", "3");
        Matcher m = r.last();
        assertEquals(0, r.code(), () -> "exit code; stdout: " + r.out() + "\nstderr: " + r.err());
        assertTrue(r.err().contains("anyk chaos: power-cut: on a temporary 32 MiB ext2 image (no --image given)"),
                () -> "stderr: " + r.err());
        assertTrue(r.out().get(0).contains(" image="), () -> "the run names its image: " + r.out());
        String cuts = line(r, "chaos: power cuts ");
        assertTrue(!cuts.startsWith("chaos: power cuts 0,"), cuts);
        assertEquals("0", m.group(6), () -> "lost: " + r.out() + "\n" + r.err());
        assertEquals("0", m.group(7), () -> "mismatches: " + r.out() + "\n" + r.err());
    }

    private static String line(Result r, String prefix) {
        return r.out().stream().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line " + prefix + "...: " + r.out()));
    }

    @Test
    void socketEchoTrafficSurvivesCrashesOfTheIsolatedNetworkDrivers() {
        Result r = run("chaos", "--profile", "net-demo", "-V", "net.placement=isolated", "--duration", "6s", "--seed",
                "3", "--faults", "crash");
        assertNothingLost(r);
        String echo = r.out().stream().filter(l -> l.startsWith("chaos: echo ")).findFirst()
                .orElseThrow(() -> new AssertionError("no echo line: " + r.out()));
        Matcher m = Pattern.compile("chaos: echo (\\d+) messages \\((\\d+) bytes\\) echoed to 10\\.0\\.0\\.1:7007.*")
                .matcher(echo);
        assertTrue(m.matches(), echo);
        assertTrue(Long.parseLong(m.group(1)) > 10, () -> "echo traffic moved: " + echo);
    }

    @Test
    void aFaultFreeRunInjectsNothingAndSaysItsRate() {
        Result r = run("chaos", "--profile", "microkernel", "--duration", "3s", "--seed", "7", "--faults", "none");
        Matcher m = r.last();
        assertEquals(0, r.code(), () -> "stdout: " + r.out() + "\nstderr: " + r.err());
        assertEquals("0", m.group(2), () -> "faults: " + r.out());
        assertEquals("0", m.group(3), () -> "restarts: " + r.out());
        assertEquals("0", m.group(6), () -> "lost: " + r.out());
        String ops = r.out().stream().filter(l -> l.startsWith("chaos: operations ")).findFirst()
                .orElseThrow(() -> new AssertionError("no operations line: " + r.out()));
        Matcher rate = Pattern.compile("chaos: operations (\\d+) in (\\d+) ms \\((\\d+) ops/s\\), failed 0,.*").matcher(ops);
        assertTrue(rate.matches(), ops);
        assertTrue(Long.parseLong(rate.group(2)) >= 3000, ops);
        assertEquals(Long.parseLong(rate.group(1)) * 1000 / Long.parseLong(rate.group(2)), Long.parseLong(rate.group(3)), ops);
        assertTrue(Long.parseLong(rate.group(1)) > 100, ops);
    }

    @Test
    void anUnknownFaultKindIsAUsageError() {
        Result r = run("chaos", "--faults", "crash,bogus", "--duration", "1s");
        assertEquals(2, r.code());
        assertEquals(List.of(), r.out());
        assertEquals(1, r.err().size(), () -> "stderr: " + r.err());
        assertTrue(r.err().get(0).contains("bogus"), r.err().get(0));
    }
}
