package org.anykernel.bench;

import java.nio.charset.StandardCharsets;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of the chaos workload with faults every second against the same workload without faults: one
 * {@code anyk chaos --profile microkernel-chaos.json --duration 10s --seed 7} per invocation, through the command's
 * entry point ({@link AnykCommand}), with {@code --faults crash} (a crash about
 * every second, 0.7-1.3 s apart, into one of the three isolated domains) or {@code --faults none}. The profile is the
 * packaged microkernel with each domain's restart budget raised from 3 to 30 in 10 s: with 3 the injector must skip
 * most ticks to keep the domains alive (4 faults in 10 s), which is not "every second".
 *
 * <p>The primary score is the whole run (boot, 10 s of workload, the final check, stop). The figure that counts is
 * the auxiliary counter {@code opsPerSecond}: the verified file operations per second of the workload phase, from the
 * run's own summary ({@code chaos: operations N in T ms (R ops/s)}). JMH sums auxiliary counters of single shots over
 * the measured iterations: divide by the count. Every run must also have lost nothing.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
public class ChaosBenchmark {
    private static final Pattern RATE = Pattern.compile("chaos: operations \\d+ in \\d+ ms \\((\\d+) ops/s\\).*");
    private static final Pattern LAST = Pattern.compile("chaos: ops=\\d+ faults=(\\d+) restarts=(\\d+) .* lost=(\\d+) mismatches=(\\d+)");

    @State(Scope.Benchmark)
    public static class Anyk {
        AnykCommand anyk;
        /** The microkernel profile with a restart budget of 30 in 10 s per domain, so that no tick is skipped. */
        String profile;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            // as anyk's main does: the kernel's log lines (a restart is a warning) stay out of the results
            java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.SEVERE);
            anyk = new AnykCommand();
            String json;
            try (java.io.InputStream in = anyk.loader().getResourceAsStream("features/microkernel.json")) {
                json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String budget = json.replace("\"restart.intensity\": 3,", "\"restart.intensity\": 30,");
            if (budget.equals(json)) {
                throw new IllegalStateException("microkernel.json has no \"restart.intensity\": 3 to raise");
            }
            java.nio.file.Path file = java.nio.file.Files.createTempDirectory("chaos-bench-").resolve("microkernel-chaos.json");
            java.nio.file.Files.writeString(file, budget);
            file.toFile().deleteOnExit();
            file.getParent().toFile().deleteOnExit();
            profile = file.toString();
        }
    }

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Rate {
        public double opsPerSecond;
        public double faults;
        public double restarts;
    }

    @Benchmark
    public String faultFree(Anyk a, Rate r) throws Exception {
        return chaos(a, r, "none");
    }

    @Benchmark
    public String crashEverySecond(Anyk a, Rate r) throws Exception {
        return chaos(a, r, "crash");
    }

    private static String chaos(Anyk a, Rate r, String faults) throws Exception {
        List<String> lines = a.anyk.run(List.of("chaos", "--profile", a.profile, "--duration", "10s", "--seed", "7",
                "--faults", faults, "-V", "console.echo=false"));
        for (String line : lines) {
            Matcher m = RATE.matcher(line);
            if (m.matches()) {
                r.opsPerSecond = Double.parseDouble(m.group(1));
            }
            Matcher l = LAST.matcher(line);
            if (l.matches()) {
                r.faults = Double.parseDouble(l.group(1));
                r.restarts = Double.parseDouble(l.group(2));
                if (!l.group(3).equals("0") || !l.group(4).equals("0")) {
                    throw new IllegalStateException("chaos lost data: " + line);
                }
            }
        }
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
}
