package org.anykernel.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the CSV of a {@code PlacementBenchmark} run ({@code -rf csv -rff FILE}) into the Markdown table of
 * docs/BENCHMARKS.md: each benchmark's score, its ratio to the baseline of the same run, its target and
 * whether the run met it.
 *
 * <pre>java -cp benchmarks.jar org.anykernel.bench.Report results.csv</pre>
 */
public final class Report {
    private Report() {
    }

    /** Scores of one benchmark, in ns. */
    static final class Row {
        double avg = Double.NaN;
        double avgErr = Double.NaN;
        double sampleMean = Double.NaN;
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        double p999 = Double.NaN;
        String unit = "";
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: Report results.csv");
            System.exit(2);
        }
        Map<String, Row> rows = read(Path.of(args[0]));
        System.out.print(table(rows));
    }

    static Map<String, Row> read(Path csv) throws IOException {
        Map<String, Row> rows = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(csv);
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = split(line);
            if (f.size() < 7) {
                continue;
            }
            String bench = f.get(0);
            bench = bench.substring(bench.lastIndexOf('.', bench.contains(":") ? bench.indexOf(':') : bench.length()) + 1);
            String secondary = null;
            int colon = bench.indexOf(':');
            if (colon >= 0) {
                secondary = bench.substring(colon + 1);
                // older JMH spells secondary results "bench:bench·p0.50"
                secondary = secondary.substring(secondary.indexOf('\u00b7') + 1);
                bench = bench.substring(0, colon);
            }
            String mode = f.get(1);
            double score = number(f.get(4));
            double err = number(f.get(5));
            String unit = f.get(6);
            double scale = toNanos(unit);
            Row r = rows.computeIfAbsent(bench, k -> new Row());
            r.unit = unit;
            if (mode.equals("avgt") && secondary == null) {
                r.avg = score * scale;
                r.avgErr = err * scale;
            } else if (mode.equals("sample")) {
                if (secondary == null) {
                    r.sampleMean = score * scale;
                } else if (secondary.equals("p0.50")) {
                    r.p50 = score * scale;
                } else if (secondary.equals("p0.99")) {
                    r.p99 = score * scale;
                } else if (secondary.equals("p0.999")) {
                    r.p999 = score * scale;
                }
            }
        }
        return rows;
    }

    private static double toNanos(String unit) {
        return switch (unit) {
            case "ns/op" -> 1;
            case "us/op" -> 1e3;
            case "ms/op" -> 1e6;
            case "s/op" -> 1e9;
            default -> throw new IllegalArgumentException("unit " + unit + " (run in a time mode)");
        };
    }

    private static double number(String s) {
        s = s.trim();
        if (s.isEmpty() || s.equalsIgnoreCase("NaN")) {
            return Double.NaN;
        }
        return Double.parseDouble(s.replace(',', '.'));
    }

    private static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    /** One benchmark's target: its text and the check, given the rows; null check: informational. */
    record Target(String bench, String what, String text, java.util.function.Function<Map<String, Row>, Boolean> check) {
    }

    static final String BASE = "baseline";

    static List<Target> targets() {
        return List.of(
                new Target(BASE, "plain interface call to ZeroDevice.read (1 byte)", "reference", null),
                new Target("frontColocated", "front, colocated domain",
                        "avg <= 1.5 x baseline + 20 ns", m -> within(m, "frontColocated", BASE)),
                new Target("frontIsolatedMigrate", "front, isolated, ipc=migrate",
                        "p50 < 200 ns", m -> m.get("frontIsolatedMigrate").p50 < 200),
                new Target("frontIsolatedHandoff", "front, isolated, hand-off (default ipc)",
                        "p50 < 1 us and p99 < 100 us", m -> handoff(m.get("frontIsolatedHandoff"))),
                new Target("syscallGetpid", "null syscall: Posix.getpid() in a library kernel", "none (informational)", null),
                new Target("devZeroLibrary", "read(2) 1 byte of /dev/zero, library kernel (device called directly)",
                        "avg <= 1.5 x baseline + 20 ns", m -> within(m, "devZeroLibrary", BASE)),
                new Target("devZeroGlobalRaw", "read(2) 1 byte of /dev/zero, global kernel, raw device (no front; reference for the fronts below)",
                        "none (reference)", null),
                new Target("devZeroColocated", "read(2) 1 byte of /dev/zero, device front colocated",
                        "avg <= 1.5 x devZeroGlobalRaw + 20 ns", m -> within(m, "devZeroColocated", "devZeroGlobalRaw")),
                new Target("devZeroIsolatedMigrate", "read(2) 1 byte of /dev/zero, device front isolated, ipc=migrate",
                        "p50 < 200 ns", m -> m.get("devZeroIsolatedMigrate").p50 < 200),
                new Target("devZeroIsolatedHandoff", "read(2) 1 byte of /dev/zero, device front isolated, hand-off",
                        "p50 < 1 us and p99 < 100 us", m -> handoff(m.get("devZeroIsolatedHandoff"))),
                new Target("libraryKernelCreateClose", "library kernel made and closed (no OSGi lookup; approximation)",
                        "none (informational)", null));
    }

    private static boolean within(Map<String, Row> m, String bench, String ref) {
        return m.get(bench).avg <= 1.5 * m.get(ref).avg + 20;
    }

    private static boolean handoff(Row r) {
        return r.p50 < 1_000 && r.p99 < 100_000;
    }

    static String table(Map<String, Row> rows) {
        Row base = rows.get(BASE);
        StringBuilder sb = new StringBuilder();
        sb.append("| benchmark | what | avg ns/op (±99.9% CI) | p50 ns | p99 ns | p99.9 ns | avg / baseline | target | met? |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---|---|\n");
        for (Target t : targets()) {
            Row r = rows.get(t.bench());
            if (r == null) {
                sb.append("| ").append(t.bench()).append(" | ").append(t.what()).append(" | not run | | | | | ")
                        .append(t.text()).append(" | — |\n");
                continue;
            }
            String met;
            if (t.check() == null) {
                met = "—";
            } else {
                try {
                    met = t.check().apply(rows) ? "yes" : "**no**";
                } catch (NullPointerException missing) {
                    met = "? (reference not run)";
                }
            }
            sb.append("| ").append(t.bench())
                    .append(" | ").append(t.what())
                    .append(" | ").append(fmt(r.avg)).append(Double.isNaN(r.avgErr) ? "" : " ± " + fmt(r.avgErr))
                    .append(" | ").append(fmt(r.p50))
                    .append(" | ").append(fmt(r.p99))
                    .append(" | ").append(fmt(r.p999))
                    .append(" | ").append(base == null || Double.isNaN(r.avg) || !r.unit.equals("ns/op") ? "" : ratio(r.avg / base.avg))
                    .append(" | ").append(t.text())
                    .append(" | ").append(met).append(" |\n");
        }
        List<String> known = targets().stream().map(Target::bench).toList();
        List<String> others = rows.keySet().stream().filter(k -> !known.contains(k)).toList();
        if (!others.isEmpty()) {
            sb.append("\n| diagnostic step (AnatomyBenchmark) | avg ns/op (±99.9% CI) |\n|---|---:|\n");
            for (String k : others) {
                Row r = rows.get(k);
                sb.append("| ").append(k).append(" | ").append(fmt(r.avg))
                        .append(Double.isNaN(r.avgErr) ? "" : " ± " + fmt(r.avgErr)).append(" |\n");
            }
        }
        return sb.toString();
    }

    private static String ratio(double x) {
        return x >= 100 ? String.format(Locale.ROOT, "%,.0fx", x) : String.format(Locale.ROOT, "%.2fx", x);
    }

    private static String fmt(double ns) {
        if (Double.isNaN(ns)) {
            return "";
        }
        if (ns >= 100) {
            return String.format(Locale.ROOT, "%,.0f", ns);
        }
        return String.format(Locale.ROOT, "%.1f", ns);
    }
}
