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
 * Turns the CSV of a benchmark run ({@code -rf csv -rff FILE}) into the Markdown tables of
 * docs/BENCHMARKS.md: each benchmark's score, its ratio to its baseline of the same run, its target and
 * whether the run met it. One table per family, printed when the CSV has at least one of its rows:
 * placements ({@code PlacementBenchmark}), boot ({@code BootBenchmark}), library kernel creation
 * ({@code LibraryKernelBenchmark}), retained heap ({@code MemoryBenchmark}), storage ({@code StorageBenchmark},
 * {@code FsPlacementBenchmark}, {@code FsToolBenchmark}); anything else
 * ({@code AnatomyBenchmark}) is listed as a diagnostic.
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
        /** SingleShotTime: mean over the iterations, and its error. */
        double ss = Double.NaN;
        double ssErr = Double.NaN;
        /** Auxiliary counters ({@code @AuxCounters(EVENTS)}), per iteration (JMH sums them over the iterations). */
        final Map<String, Double> counters = new LinkedHashMap<>();
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
            double samples = number(f.get(3));
            double score = number(f.get(4));
            double err = number(f.get(5));
            String unit = f.get(6);
            Row r = rows.computeIfAbsent(bench, k -> new Row());
            if (unit.equals("#")) {
                // an EVENTS counter: JMH reports the sum over the measurement iterations
                if (secondary != null) {
                    r.counters.put(secondary, score / samples);
                }
                continue;
            }
            double scale = toNanos(unit);
            r.unit = unit;
            if (mode.equals("ss") && secondary == null) {
                r.ss = score * scale;
                r.ssErr = err * scale;
            } else if (mode.equals("avgt") && secondary == null) {
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
        StringBuilder sb = new StringBuilder();
        List<String> known = new ArrayList<>();
        List<String> placements = targets().stream().map(Target::bench).toList();
        known.addAll(placements);
        if (placements.stream().anyMatch(rows::containsKey)) {
            sb.append(placementTable(rows));
        }
        known.addAll(BOOT);
        if (BOOT.stream().anyMatch(rows::containsKey)) {
            sb.append(sb.length() > 0 ? "\n" : "").append(bootTable(rows));
        }
        known.addAll(LIBRARY);
        if (LIBRARY.stream().anyMatch(rows::containsKey)) {
            sb.append(sb.length() > 0 ? "\n" : "").append(libraryTable(rows));
        }
        List<String> memory = MEMORY.stream().map(MemoryTarget::bench).toList();
        known.addAll(memory);
        if (memory.stream().anyMatch(rows::containsKey)) {
            sb.append(sb.length() > 0 ? "\n" : "").append(memoryTable(rows));
        }
        List<String> storage = STORAGE.stream().map(StorageTarget::bench).toList();
        known.addAll(storage);
        if (storage.stream().anyMatch(rows::containsKey)) {
            sb.append(sb.length() > 0 ? "\n" : "").append(storageTable(rows));
        }
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

    static String placementTable(Map<String, Row> rows) {
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
            sb.append("| ").append(t.bench())
                    .append(" | ").append(t.what())
                    .append(" | ").append(fmt(r.avg)).append(Double.isNaN(r.avgErr) ? "" : " ± " + fmt(r.avgErr))
                    .append(" | ").append(fmt(r.p50))
                    .append(" | ").append(fmt(r.p99))
                    .append(" | ").append(fmt(r.p999))
                    .append(" | ").append(base == null || Double.isNaN(r.avg) || !r.unit.equals("ns/op") ? "" : ratio(r.avg / base.avg))
                    .append(" | ").append(t.text())
                    .append(" | ").append(met(t.check(), rows)).append(" |\n");
        }
        return sb.toString();
    }

    private static String met(java.util.function.Function<Map<String, Row>, Boolean> check, Map<String, Row> rows) {
        if (check == null) {
            return "—";
        }
        try {
            return check.apply(rows) ? "yes" : "**no**";
        } catch (NullPointerException missing) {
            return "? (reference not run)";
        }
    }

    // ---- boot (BootBenchmark, SingleShotTime, ms)

    static final String BOOT_BASE = "bareFelixScr";
    static final List<String> BOOT = List.of(BOOT_BASE, "anyk", "anykWithArchive");
    /** The issue's target: an anyk monolithic boot takes at most this many times the bare Felix + SCR boot. */
    static final double BOOT_RATIO = 1.5;

    static String bootTable(Map<String, Row> rows) {
        Row base = rows.get(BOOT_BASE);
        StringBuilder sb = new StringBuilder();
        sb.append("| benchmark | what | spawn to ready, mean ms (±99.9% CI) | child's own \"in N ms\" (JVM start to ready) | mean / bareFelixScr | target | met? |\n");
        sb.append("|---|---|---:|---:|---:|---|---|\n");
        for (String b : BOOT) {
            Row r = rows.get(b);
            boolean isBase = b.equals(BOOT_BASE);
            String what = isBase ? "JVM with Felix 7.0.5 + SCR 2.2.18 + one DS component (hw-sim), to `ready`"
                    : b.equals("anyk") ? "`java -jar anyk.jar boot monolithic -V console.echo=false`, to `anykernel ready:`"
                    : "the same as `./anyk` runs it: with the class-data archive the script makes once per build";
            String target = isBase ? "reference" : "<= " + BOOT_RATIO + " x bareFelixScr";
            if (r == null || Double.isNaN(r.ss)) {
                sb.append("| ").append(b).append(" | ").append(what).append(" | not run | | | ").append(target).append(" | — |\n");
                continue;
            }
            double ms = r.ss / 1e6;
            Double self = r.counters.get("selfReportedMs");
            boolean haveBase = base != null && !Double.isNaN(base.ss);
            double ratio = haveBase ? r.ss / base.ss : Double.NaN;
            sb.append("| ").append(b).append(" | ").append(what)
                    .append(" | ").append(fmt(ms)).append(Double.isNaN(r.ssErr) ? "" : " ± " + fmt(r.ssErr / 1e6))
                    .append(" | ").append(self == null ? "" : fmt(self))
                    .append(" | ").append(haveBase ? String.format(Locale.ROOT, "%.2fx", ratio) : "")
                    .append(" | ").append(target)
                    .append(" | ").append(isBase ? "—" : !haveBase ? "? (reference not run)" : ratio <= BOOT_RATIO ? "yes" : "**no**")
                    .append(" |\n");
        }
        return sb.toString();
    }

    // ---- library kernels in a running kernel (LibraryKernelBenchmark, us)

    static final List<String> LIBRARY = List.of("felixLibraryCreateClose", "felixLibraryCreateReadClose");
    /** The issue's target for making a library kernel: 5 ms. */
    static final double LIBRARY_CREATE_NS = 5e6;

    static String libraryTable(Map<String, Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| benchmark | what | avg us/op (±99.9% CI) | p50 us | p99 us | p99.9 us | target | met? |\n");
        sb.append("|---|---|---:|---:|---:|---:|---|---|\n");
        for (String b : LIBRARY) {
            Row r = rows.get(b);
            boolean checked = b.equals("felixLibraryCreateClose");
            String what = checked ? "`KernelFactory.create(\"bench\", [char-std], 1 MiB)` + `close()`, library profile in an embedded Felix"
                    : "the same, plus `posix().open(\"/dev/zero\")` and a 1-byte `read`";
            String target = checked ? "avg and p99 < 5 ms" : "none (informational)";
            if (r == null) {
                sb.append("| ").append(b).append(" | ").append(what).append(" | not run | | | | ").append(target).append(" | — |\n");
                continue;
            }
            String met = !checked ? "—"
                    : Double.isNaN(r.avg) || Double.isNaN(r.p99) ? "? (a mode not run)"
                    : r.avg < LIBRARY_CREATE_NS && r.p99 < LIBRARY_CREATE_NS ? "yes" : "**no**";
            sb.append("| ").append(b).append(" | ").append(what)
                    .append(" | ").append(fmt(r.avg / 1e3)).append(Double.isNaN(r.avgErr) ? "" : " ± " + fmt(r.avgErr / 1e3))
                    .append(" | ").append(fmt(r.p50 / 1e3))
                    .append(" | ").append(fmt(r.p99 / 1e3))
                    .append(" | ").append(fmt(r.p999 / 1e3))
                    .append(" | ").append(target)
                    .append(" | ").append(met).append(" |\n");
        }
        return sb.toString();
    }

    // ---- retained heap (MemoryBenchmark, counters in bytes per object)

    record MemoryTarget(String bench, String what, double maxBytes, String text) {
    }

    static final List<MemoryTarget> MEMORY = List.of(
            new MemoryTarget("idleDomainIsolated", "idle domain, isolated, hand-off, 1 vCPU (outside OSGi)", 100 * 1024,
                    "< 100 KiB per domain"),
            new MemoryTarget("idleDomainColocated", "idle domain, colocated (outside OSGi)", 100 * 1024,
                    "< 100 KiB per domain"),
            new MemoryTarget("libraryKernelRetained", "library kernel with char-std (null, zero, random, console), "
                    + "1 MiB quota, in an embedded Felix", 1024 * 1024, "< 1 MiB per kernel"));

    static String memoryTable(Map<String, Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| benchmark | what | heap retained per object | threads per object | heap left per object after close | target | met? |\n");
        sb.append("|---|---|---:|---:|---:|---|---|\n");
        for (MemoryTarget t : MEMORY) {
            Row r = rows.get(t.bench());
            Double bytes = r == null ? null : r.counters.get("bytesPerObject");
            if (bytes == null) {
                sb.append("| ").append(t.bench()).append(" | ").append(t.what()).append(" | not run | | | ")
                        .append(t.text()).append(" | — |\n");
                continue;
            }
            Double threads = r.counters.get("threadsPerObject");
            Double left = r.counters.get("leakedBytesPerObject");
            sb.append("| ").append(t.bench()).append(" | ").append(t.what())
                    .append(" | ").append(bytes(bytes))
                    .append(" | ").append(threads == null ? "" : String.format(Locale.ROOT, "%.2f", threads))
                    .append(" | ").append(left == null ? "" : bytes(left))
                    .append(" | ").append(t.text())
                    .append(" | ").append(bytes < t.maxBytes() ? "yes" : "**no**").append(" |\n");
        }
        return sb.toString();
    }

    // ---- storage (StorageBenchmark, FsPlacementBenchmark, FsToolBenchmark)

    /**
     * A storage benchmark against its baseline of the same run: speedup is the baseline's time over this one's (2x:
     * twice as fast), met when it is at least {@code minSpeedup} and the time under {@code maxNs} (each NaN: not
     * checked). A null baseline is a reference row.
     */
    record StorageTarget(String bench, String what, String baseline, double minSpeedup, double maxNs, String text) {
    }

    static final double NONE = Double.NaN;

    static final List<StorageTarget> STORAGE = List.of(
            new StorageTarget("shmNioCreateCloseUnlink", "host: `Files.newByteChannel(CREATE_NEW, WRITE)` + close + "
                    + "`Files.delete`, Linux tmpfs (/dev/shm)", null, NONE, NONE, "reference"),
            new StorageTarget("tmpfsCreateCloseUnlink", "tmpfs: `open(O_CREAT|O_WRONLY)` + `close` + `unlink`, "
                    + "Standalone kernel's Posix", "shmNioCreateCloseUnlink", 3, NONE, ">= 3x host"),
            new StorageTarget("shmNioStat", "host: `Files.readAttributes(BasicFileAttributes)`, /dev/shm", null, NONE,
                    NONE, "reference"),
            new StorageTarget("tmpfsStat", "tmpfs: `stat` of an existing file", "shmNioStat", 3, NONE, ">= 3x host"),
            new StorageTarget("shmNioPread4k", "host: `FileChannel.read(heap 4 KiB, pos)`, random page of 64 MiB, "
                    + "/dev/shm", null, NONE, NONE, "reference"),
            new StorageTarget("tmpfsPread4k", "tmpfs: `pread` 4 KiB, random page of a 64 MiB file", "shmNioPread4k", 1,
                    NONE, ">= 1x host"),
            new StorageTarget("shmNioPwrite4k", "host: `FileChannel.write(heap 4 KiB, pos)`, random page, /dev/shm",
                    null, NONE, NONE, "reference"),
            new StorageTarget("tmpfsPwrite4k", "tmpfs: `pwrite` 4 KiB, random page of a 64 MiB file", "shmNioPwrite4k",
                    1, NONE, ">= 1x host"),
            new StorageTarget("shmNioSeqRead1m", "host: `FileChannel.read(heap 1 MiB, pos)`, sequential, /dev/shm",
                    null, NONE, NONE, "reference"),
            new StorageTarget("tmpfsSeqRead1m", "tmpfs: `pread` 1 MiB, sequential in a 64 MiB file", "shmNioSeqRead1m",
                    1, NONE, ">= 1x host"),
            new StorageTarget("shmNioSeqWrite1m", "host: `FileChannel.write(heap 1 MiB, pos)`, sequential, /dev/shm",
                    null, NONE, NONE, "reference"),
            new StorageTarget("tmpfsSeqWrite1m", "tmpfs: `pwrite` 1 MiB, sequential in a 64 MiB file",
                    "shmNioSeqWrite1m", 1, NONE, ">= 1x host"),
            new StorageTarget("hostNioCopy1m", "host: 1 MiB read from one file and written to another (FileChannel, "
                    + "heap buffer), disk-backed temp dir", null, NONE, NONE, "reference"),
            new StorageTarget("ext2SeqRead1m", "ext2 on an image file (blk-sim): `pread` 1 MiB, sequential in a "
                    + "64 MiB file", "hostNioCopy1m", 0.8, NONE, ">= 0.8x host copy"),
            new StorageTarget("ext2SeqWrite1m", "ext2 on an image file (blk-sim): `pwrite` 1 MiB, sequential in a "
                    + "64 MiB file", "hostNioCopy1m", 0.8, NONE, ">= 0.8x host copy"),
            new StorageTarget("ext2SeqRead1mDirect", "ext2, the same reads with `O_DIRECT` (no page cache: every "
                    + "read goes through blk-sim to the disk)", "hostNioCopy1m", NONE, NONE, "none (informational)"),
            new StorageTarget("ext2SeqWrite1mDirect", "ext2, the same writes with `O_DIRECT` (no page cache)",
                    "hostNioCopy1m", NONE, NONE, "none (informational)"),
            new StorageTarget("fsPread64kRaw", "`pread` 64 KiB, tmpfs driver bound raw (no front), global kernel",
                    null, NONE, NONE, "reference"),
            new StorageTarget("fsPread64kColocated", "`pread` 64 KiB, tmpfs driver behind a colocated front",
                    "fsPread64kRaw", NONE, NONE, "none (informational)"),
            new StorageTarget("fsPread64kIsolatedHandoff", "`pread` 64 KiB, tmpfs driver isolated, hand-off",
                    "fsPread64kColocated", 0.7, NONE, ">= 0.7x colocated"),
            new StorageTarget("fsPread64kIsolatedMigrate", "`pread` 64 KiB, tmpfs driver isolated, ipc=migrate",
                    "fsPread64kColocated", NONE, NONE, "none (informational)"),
            new StorageTarget("jvmHello", "bare JVM: `java -cp benchmarks.jar` a trivial main, spawn to exit", null,
                    NONE, NONE, "reference"),
            new StorageTarget("anykFsLs", "`java -XX:+AutoCreateSharedArchive ... -jar anyk.jar fs IMAGE ls /`, "
                    + "spawn to exit", "jvmHello", NONE, 3e8, "< 0.3 s"),
            new StorageTarget("debugfsDump", "`debugfs -R \"dump /big OUT\" IMAGE`, 256 MiB file", null, NONE, NONE,
                    "reference"),
            new StorageTarget("anykFsGet", "`anyk fs IMAGE get /big OUT`, 256 MiB file", "debugfsDump", 1, NONE,
                    ">= 1x debugfs"));

    static String storageTable(Map<String, Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| benchmark | what | time per op (±99.9% CI) | baseline | speedup (baseline time / this) | target | met? |\n");
        sb.append("|---|---|---:|---|---:|---|---|\n");
        for (StorageTarget t : STORAGE) {
            Row r = rows.get(t.bench());
            double ns = r == null ? Double.NaN : Double.isNaN(r.avg) ? r.ss : r.avg;
            if (r == null || Double.isNaN(ns)) {
                sb.append("| ").append(t.bench()).append(" | ").append(t.what()).append(" | not run | ")
                        .append(t.baseline() == null ? "" : t.baseline()).append(" | | ").append(t.text()).append(" | — |\n");
                continue;
            }
            double err = Double.isNaN(r.avg) ? r.ssErr : r.avgErr;
            Row b = t.baseline() == null ? null : rows.get(t.baseline());
            double bns = b == null ? Double.NaN : Double.isNaN(b.avg) ? b.ss : b.avg;
            double speedup = bns / ns;
            boolean checked = !Double.isNaN(t.minSpeedup()) || !Double.isNaN(t.maxNs());
            String met;
            if (!checked) {
                met = "—";
            } else if (!Double.isNaN(t.minSpeedup()) && Double.isNaN(speedup)) {
                met = "? (reference not run)";
            } else {
                boolean ok = (Double.isNaN(t.minSpeedup()) || speedup >= t.minSpeedup())
                        && (Double.isNaN(t.maxNs()) || ns < t.maxNs());
                met = ok ? "yes" : "**no**";
            }
            sb.append("| ").append(t.bench()).append(" | ").append(t.what())
                    .append(" | ").append(time(ns)).append(Double.isNaN(err) ? "" : " ± " + time(err))
                    .append(" | ").append(t.baseline() == null ? "" : t.baseline())
                    .append(" | ").append(Double.isNaN(speedup) ? "" : String.format(Locale.ROOT, "%.2fx", speedup))
                    .append(" | ").append(t.text())
                    .append(" | ").append(met).append(" |\n");
        }
        return sb.toString();
    }

    /** A time in ns, in the unit that suits it. */
    private static String time(double ns) {
        if (Double.isNaN(ns)) {
            return "";
        }
        if (ns >= 1e6) {
            return fmt(ns / 1e6) + " ms";
        }
        if (ns >= 1e3) {
            return fmt(ns / 1e3) + " us";
        }
        return fmt(ns) + " ns";
    }

    private static String bytes(double b) {
        return Math.abs(b) >= 1024 ? String.format(Locale.ROOT, "%.1f KiB (%,.0f B)", b / 1024, b)
                : String.format(Locale.ROOT, "%,.0f B", b);
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
