package org.anykernel.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Boot time: from spawning a JVM to its ready line, one boot per measured invocation.
 *
 * <ul>
 *   <li>{@link #anyk}: {@code java -jar launcher/target/anyk.jar boot monolithic -V console.echo=false} until
 *       {@code anykernel ready: ...};</li>
 *   <li>{@link #bareFelixScr}, the baseline: {@link BareFelix} (Felix, SCR and one DS component) until
 *       {@code ready}.</li>
 * </ul>
 *
 * Both JVMs are the one running this benchmark ({@code java.home}), with {@code
 * --sun-misc-unsafe-memory-access=allow} and stdin from {@code /dev/null} (no terminal, so anyk opens no
 * shell and serves until signalled). The timed part ends when the ready line has been read; stopping
 * the process (SIGTERM, wait) is in the per-invocation tear-down, outside the time.
 *
 * <p>The auxiliary counter {@code selfReportedMs} is the ready line's own "in N ms": the time from the
 * child JVM's start (its {@code RuntimeMXBean} start time) to ready, by the child's clock. The difference
 * to the measured time is the JVM's launch until it records its start time, plus reading the line.
 *
 * <p>The anyk jar is {@code launcher/target/anyk.jar} of this checkout, or {@code -Danyk.jar=PATH} (pass
 * it with {@code -jvmArgsAppend}); see {@link EmbeddedLibrary#anykJar()}. A {@code -Dmaven.repo.local} of
 * this JVM is passed on to the children ({@code ANYK_M2_REPO} is inherited with the environment).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 5)
@Fork(1)
public class BootBenchmark {
    /** The JVM option both children get (Felix and friends otherwise warn about sun.misc.Unsafe). */
    static final String UNSAFE = "--sun-misc-unsafe-memory-access=allow";
    static final Pattern SELF_REPORTED = Pattern.compile(" in (\\d+) ms");

    /** The child of one invocation, stopped after it by {@link #stop}. */
    @State(Scope.Benchmark)
    public static class Child {
        String java;
        Path anykJar;
        Path benchJar;
        Process process;
        /** The child ends by itself after its ready line (BareFelix stops its framework and deletes its storage). */
        boolean exitsByItself;
        Path stderr;
        /** The class-data archive the {@code anyk} script makes once per build (one training boot). */
        Path archive;
        /** {@code anyk compose monolithic}, and the smallest kernel with one driver (see {@link #MINIMAL}). */
        Path composed;
        Path composedMinimal;
        Path composedBase;
        /** A class-data archive of {@link BareFelix}'s classes, made the same way (one training run). */
        Path bareArchive;

        @Setup(Level.Trial)
        public void setUp() throws IOException, InterruptedException {
            java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            benchJar = EmbeddedLibrary.ownJar();
            anykJar = EmbeddedLibrary.anykJar();
            stderr = Files.createTempFile("boot-bench-", ".err");
            archive = Files.createTempDirectory("boot-bench-cds-").resolve("anyk.jsa");
            List<String> train = new ArrayList<>(List.of(java, UNSAFE, "-XX:ArchiveClassesAtExit=" + archive,
                    "-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-jar", anykJar.toString(), "boot", "monolithic",
                    "-V", "console.echo=false", "--exec", "kernel:ps"));
            Process p = new ProcessBuilder(train).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || !Files.isRegularFile(archive)) {
                p.destroyForcibly();
                throw new IOException("the training boot made no class-data archive");
            }
            Path dir = archive.getParent();
            bareArchive = dir.resolve("bare.jsa");
            Process b = new ProcessBuilder(java, UNSAFE, "-XX:ArchiveClassesAtExit=" + bareArchive, "-Xlog:cds=off",
                    "-Xlog:cds+dynamic=off", "-cp", benchJar.toString(), BareFelix.class.getName())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!b.waitFor(60, TimeUnit.SECONDS) || !Files.isRegularFile(bareArchive)) {
                b.destroyForcibly();
                throw new IOException("the bare Felix training run made no class-data archive");
            }
            composed = compose(dir.resolve("k-monolithic"), List.of("monolithic"));
            composedMinimal = compose(dir.resolve("k-minimal"), MINIMAL);
            composedBase = compose(dir.resolve("k-base"), BASE);
        }

        private Path compose(Path out, List<String> features) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>(List.of(java, UNSAFE, "-jar", anykJar.toString(), "compose"));
            cmd.addAll(features);
            cmd.addAll(List.of("-V", "console.echo=false", "-o", out.toString()));
            Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.to(stderr.toFile())).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("anyk compose " + features + " failed: " + Files.readString(stderr).strip());
            }
            return out;
        }

        @TearDown(Level.Invocation)
        public void stop() throws InterruptedException {
            Process p = process;
            process = null;
            if (p == null) {
                return;
            }
            // BareFelix: let it finish (a signal would skip deleting its storage); anyk serves until SIGTERM,
            // on which its shutdown hook stops the kernel and deletes the storage
            if (!exitsByItself || !p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroy();
            }
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            Files.deleteIfExists(stderr);
            BareFelix.delete(archive.getParent());
        }
    }

    /** The child's own "in N ms" of the last invocation (see the class comment). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class SelfReported {
        public double selfReportedMs;

        @Setup(Level.Iteration)
        public void reset() {
            selfReportedMs = 0;
        }
    }

    @Benchmark
    public String anyk(Child c, SelfReported r) throws IOException {
        c.exitsByItself = false;
        return spawnUntil(c, r, List.of("-jar", c.anykJar.toString(), "boot", "monolithic", "-V", "console.echo=false"),
                "anykernel ready: ");
    }

    /** As {@code ./anyk} boots: with the class-data archive of the launcher's classes. */
    @Benchmark
    public String anykWithArchive(Child c, SelfReported r) throws IOException {
        return bootWithArchive(c, r, "monolithic", "-V", "console.echo=false");
    }

    /** {@code anyk boot ARGS} with the launcher's class-data archive, as the {@code ./anyk} script runs it. */
    private static String bootWithArchive(Child c, SelfReported r, String... bootArgs) throws IOException {
        c.exitsByItself = false;
        List<String> args = new ArrayList<>(List.of("-XX:SharedArchiveFile=" + c.archive, "-Xlog:cds=off",
                "-Xlog:cds+dynamic=off", "-jar", c.anykJar.toString(), "boot"));
        args.addAll(List.of(bootArgs));
        return spawnUntil(c, r, args, "anykernel ready: ");
    }

    /**
     * The smallest composed kernel with a driver: the kernel base (kernel-base, SCR, ConfigAdmin, EventAdmin), hw-sim,
     * and the faction and the driver of the console.
     */
    static final List<String> MINIMAL = List.of("base", "hw-sim", "faction-dev", "char-std");

    /** A composed kernel ({@code anyk compose monolithic -o DIR}; {@code anyk boot DIR}): checksums, lock, wires. */
    @Benchmark
    public String anykComposed(Child c, SelfReported r) throws IOException {
        return bootWithArchive(c, r, c.composed.toString());
    }

    /** The composed {@link #MINIMAL} kernel, as {@code ./anyk boot DIR} boots it (with the class-data archive). */
    @Benchmark
    public String anykComposedMinimal(Child c, SelfReported r) throws IOException {
        return bootWithArchive(c, r, c.composedMinimal.toString());
    }

    /**
     * A composed kernel with the one component of {@link #bareFelixScr} (hw-sim's console) on the kernel base: what
     * composition, the launcher and kernel-base add to a bare Felix+SCR boot.
     */
    static final List<String> BASE = List.of("base", "hw-sim");

    /** The composed {@link #BASE} kernel, as {@code ./anyk boot DIR} boots it (with the class-data archive). */
    @Benchmark
    public String anykComposedBase(Child c, SelfReported r) throws IOException {
        return bootWithArchive(c, r, c.composedBase.toString());
    }

    /** The composed {@link #BASE} kernel with a plain {@code java -jar} (no class-data archive). */
    @Benchmark
    public String anykComposedBasePlain(Child c, SelfReported r) throws IOException {
        c.exitsByItself = false;
        return spawnUntil(c, r, List.of("-jar", c.anykJar.toString(), "boot", c.composedBase.toString()), "anykernel ready: ");
    }

    /** The baseline with a class-data archive of its own, like for like with the {@code anyk...} rows that have one. */
    @Benchmark
    public String bareFelixScrWithArchive(Child c, SelfReported r) throws IOException {
        c.exitsByItself = true;
        return spawnUntil(c, r, List.of("-XX:SharedArchiveFile=" + c.bareArchive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
                "-cp", c.benchJar.toString(), BareFelix.class.getName()), "ready");
    }

    @Benchmark
    public String bareFelixScr(Child c, SelfReported r) throws IOException {
        c.exitsByItself = true;
        return spawnUntil(c, r, List.of("-cp", c.benchJar.toString(), BareFelix.class.getName()), "ready");
    }

    /** Starts {@code java UNSAFE args...} and reads its stdout until a line starting with {@code ready}. */
    static String spawnUntil(Child c, SelfReported r, List<String> args, String ready) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(c.java);
        cmd.add(UNSAFE);
        String repo = System.getProperty("maven.repo.local");
        if (repo != null) {
            cmd.add("-Dmaven.repo.local=" + repo); // both children take their bundles from it, as this JVM does
        }
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.to(c.stderr.toFile()));
        Process p = pb.start();
        c.process = p;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(ready)) {
                    Matcher m = SELF_REPORTED.matcher(line);
                    if (m.find()) {
                        r.selfReportedMs = Double.parseDouble(m.group(1));
                    }
                    return line;
                }
            }
        }
        String err;
        try {
            p.waitFor(10, TimeUnit.SECONDS);
            err = Files.readString(c.stderr);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err = "";
        }
        throw new IllegalStateException("no '" + ready + "' line from " + String.join(" ", cmd) + "; stderr: " + err.strip());
    }
}
