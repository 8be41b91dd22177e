package org.anykernel.launcher.chaos;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Sys;
import org.anykernel.launcher.MavenRepository;
import org.anykernel.launcher.Profile;
import org.anykernel.launcher.embed.BootOptions;
import org.anykernel.launcher.embed.DiskHandle;
import org.anykernel.launcher.embed.EmbeddedKernel;
import org.anykernel.launcher.embed.KernelHandle;

/**
 * {@code anyk chaos}: boots a profile, runs a verifying file workload on its tmpfs (and an ext2 image) while faults
 * are injected into its isolated domains, then clears the faults, checks every file once more and prints what
 * happened, ending with one {@code chaos: ops=... lost=N mismatches=N} line.
 */
public final class ChaosRun {
    /** The fault kinds {@code --faults} accepts: driver faults into a domain, then hardware faults of the disk. */
    public static final List<String> KINDS = List.of("crash", "error", "hang", "delay", "corrupt-io", "power-cut");
    /** The kinds that are faults of the disk sd0 rather than of a driver. */
    static final List<String> DISK_KINDS = List.of("corrupt-io", "power-cut");
    private static final String DISK = "sd0";
    private static final String TMP_ROOT = "/tmp/chaos";
    private static final String EXT2_ROOT = "/mnt/chaos";
    private static final Pattern IN_MS = Pattern.compile("^in (\\d+) ms");

    /** What to run. */
    public record Options(String profile, Duration duration, long seed, List<String> faults, Path image,
                          boolean debug, Map<String, String> variables) {
        public Options {
            variables = Map.copyOf(variables);
        }

        /** Options without profile variables. */
        public Options(String profile, Duration duration, long seed, List<String> faults, Path image, boolean debug) {
            this(profile, duration, seed, faults, image, debug, Map.of());
        }
    }

    private ChaosRun() {
    }

    /**
     * Parses {@code 60s}, {@code 2m}, {@code 500ms} (also {@code h}).
     *
     * @throws IllegalArgumentException for anything else, or a duration that is not positive
     */
    public static Duration parseDuration(String s) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)").matcher(s.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("--duration " + s + ": expected a number and a unit: 500ms, 60s, 2m");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
        if (d.isZero()) {
            throw new IllegalArgumentException("--duration " + s + ": must be positive");
        }
        return d;
    }

    /**
     * Runs it.
     *
     * @return 0 if no acknowledged write was lost or changed, else 1
     */
    public static int run(Options o, PrintStream out, PrintStream err) {
        Map<String, String> vars = new LinkedHashMap<>(o.variables());
        vars.put("console.echo", "false");
        if (o.image() != null) {
            vars.put("disk", o.image().toAbsolutePath().toString());
        }
        Profile profile = Profile.load(List.of(o.profile())).withVariables(vars).checkDescriptors();
        BootOptions boot = new BootOptions(Duration.ofSeconds(60), MavenRepository.local());
        EmbeddedKernel k = EmbeddedKernel.start(profile, boot, err, o.debug());
        try {
            k.awaitReady();
            DiskHandle disk = null;
            if (o.faults().stream().anyMatch(DISK_KINDS::contains)) {
                try {
                    disk = DiskHandle.of(k.context(), DISK);
                } catch (IllegalStateException e) {
                    err.println("anyk chaos: profile " + o.profile() + " has no disk " + DISK + " for "
                            + String.join(", ", o.faults().stream().filter(DISK_KINDS::contains).toList()));
                    return 2;
                }
            }
            return run(o, KernelHandle.of(k.context()), disk, out, err);
        } finally {
            if (!k.stop()) {
                err.println("anyk chaos: warning: the framework did not stop in time");
            }
        }
    }

    private static int run(Options o, KernelHandle kernel, DiskHandle disk, PrintStream out, PrintStream err) {
        List<KernelHandle.Domain> before = kernel.domains();
        List<String> isolated = before.stream().filter(d -> d.placement().equals("ISOLATED"))
                .map(KernelHandle.Domain::name).toList();
        if (isolated.isEmpty() && o.faults().stream().anyMatch(f -> !DISK_KINDS.contains(f))) {
            err.println("anyk chaos: profile " + o.profile() + " has no isolated domain to inject faults into");
            return 2;
        }
        long maxWatchdog = before.stream().mapToLong(KernelHandle.Domain::watchdogMillis).max().orElse(5000);
        Map<String, Integer> restartsBefore = restarts(before);
        long startMillis = System.currentTimeMillis();

        Posix px = kernel.posix();
        List<String> roots = new ArrayList<>(List.of(TMP_ROOT));
        if (o.image() != null) {
            px.mkdir(EXT2_ROOT, 0755);
            px.mount("/dev/sd0", EXT2_ROOT, "ext2", 0, null);
            roots.add(EXT2_ROOT);
        }
        Stats stats = new Stats();
        Workload work = new Workload(px, roots, o.image() == null, o.seed(), stats, err);
        work.setUp();
        java.util.function.BooleanSupplier powerCut = null;
        if (o.faults().contains("power-cut")) {
            Path e2fsck = tool("e2fsck");
            if (o.image() == null || e2fsck == null) {
                err.println("anyk chaos: power-cut needs --image and e2fsck (e2fsprogs)");
                return 2;
            }
            DiskHandle d = disk;
            work.powerCuts(EXT2_ROOT, () -> reboot(px, d, e2fsck, o.image()));
            powerCut = work::requestPowerCut;
        }
        // a kernel with a network stack also moves socket echo traffic, checked byte for byte
        EchoWorkload echo = EchoWorkload.start(kernel, o.seed(), stats, err);

        long deadline = System.nanoTime() + o.duration().toNanos();
        Thread injector = new Thread(new FaultInjector(kernel, disk, powerCut, o.faults(), isolated, o.seed(), stats,
                err, deadline), "anyk-chaos-faults");
        injector.setDaemon(true);
        boolean bounded = true;
        if (!o.faults().isEmpty()) {
            injector.start(); // none: the fault-free run a faulty one is compared with
        }
        long workStart = System.nanoTime();
        try {
            long margin = 2 * maxWatchdog + 10_000;
            bounded &= bounded("the workload", () -> work.run(deadline), o.duration().toMillis() + margin, err);
        } finally {
            if (echo != null) {
                echo.stop();
            }
            injector.interrupt();
            join(injector, 5000);
        }

        long workMillis = Math.max(1, (System.nanoTime() - workStart) / 1_000_000);
        // the end: no more faults, every domain back, every file once more
        for (String p : FaultInjector.clear(kernel, isolated)) {
            err.println("anyk chaos: warning: clearing faults: " + p);
        }
        if (disk != null) {
            disk.clear();
        }
        List<String> failedDomains = settle(kernel, maxWatchdog + 15_000, err);
        AtomicReference<List<String>> unreadable = new AtomicReference<>(List.of());
        bounded &= bounded("the final check", () -> {
            unreadable.set(work.finalCheck(5));
        }, 60_000 + 5 * maxWatchdog, err);
        List<String> gone = unreadable.get();
        for (int i = 0; i < gone.size(); i++) {
            stats.lost.incrementAndGet();
            if (i < 20) {
                err.println("anyk chaos: lost: " + gone.get(i) + ": unreadable at the end");
            } else if (i == 20) {
                err.println("anyk chaos: lost: ... and " + (gone.size() - 20) + " more unreadable at the end");
            }
        }
        if (o.image() != null && bounded) {
            unmount(px, err);
        }

        List<KernelHandle.Domain> after = kernel.domains();
        Map<String, Integer> restartsAfter = restarts(after);
        Map<String, Integer> restarted = new LinkedHashMap<>();
        int restarts = 0;
        for (Map.Entry<String, Integer> e : restartsAfter.entrySet()) {
            int n = e.getValue() - restartsBefore.getOrDefault(e.getKey(), 0);
            if (n > 0) {
                restarted.put(e.getKey(), n);
                restarts += n;
            }
        }
        List<Long> recovery = recoveryTimes(kernel.events(1000), startMillis);

        // the summary
        long p50 = percentile(recovery, 50);
        long p99 = percentile(recovery, 99);
        out.println("chaos: profile=" + o.profile() + " seed=" + o.seed() + " duration=" + o.duration().toMillis()
                + "ms faults=" + String.join(",", o.faults()) + " roots=" + String.join(",", roots)
                + (o.image() != null ? " image=" + o.image() : ""));
        out.println("chaos: operations " + stats.ops.get() + " in " + workMillis + " ms (" + stats.ops.get() * 1000 / workMillis
                + " ops/s), failed " + stats.failedOps.get()
                + ", reads back " + stats.reads.get() + " (failed " + stats.failedReads.get() + ")"
                + ", errnos " + format(stats.errnos()) + ", files acknowledged at the end " + work.acknowledgedFiles());
        if (echo != null) {
            out.println("chaos: echo " + echo.summary());
        }
        out.println("chaos: faults injected " + stats.faultCount() + " " + format(stats.faults())
                + (stats.skippedTicks.get() > 0 ? ", ticks skipped (no domain active within its restart budget) "
                + stats.skippedTicks.get() : ""));
        out.println("chaos: restarts " + restarts + " " + format(restarted) + ", recovery p50 " + p50 + " ms, p99 "
                + p99 + " ms, max " + (recovery.isEmpty() ? 0 : recovery.get(recovery.size() - 1)) + " ms ("
                + recovery.size() + " measured)");
        List<Long> reboots = stats.reboots();
        if (o.faults().contains("power-cut")) {
            out.println("chaos: power cuts " + reboots.size() + ", reboot (unmount, e2fsck -fy, mount) p50 "
                    + percentile(reboots, 50) + " ms, max " + (reboots.isEmpty() ? 0 : reboots.get(reboots.size() - 1))
                    + " ms; files not fsync'd that came back older, changed or gone (allowed) "
                    + stats.unsyncedChanged.get() + (stats.failedReboots.get() > 0 ? "; reboots failed "
                    + stats.failedReboots.get() : ""));
        }
        if (!failedDomains.isEmpty()) {
            out.println("chaos: domains stopped by their supervisor (restarted for the check): "
                    + String.join(", ", failedDomains));
        }
        if (!bounded) {
            out.println("chaos: gave up waiting (see the warnings)");
        }
        out.println("chaos: lost " + stats.lost.get() + ", mismatches " + stats.mismatches.get());
        out.println("chaos: ops=" + stats.ops.get() + " faults=" + stats.faultCount() + " restarts=" + restarts
                + " recovery_p50=" + p50 + "ms recovery_p99=" + p99 + "ms lost=" + stats.lost.get()
                + " mismatches=" + stats.mismatches.get());
        out.flush();
        return stats.lost.get() == 0 && stats.mismatches.get() == 0 && stats.failedReboots.get() == 0 && bounded ? 0 : 1;
    }

    /**
     * A power cut and what a reboot does about it: the disk loses its write cache and stays off while the volume is
     * dropped unwritten (a forced unmount: nothing of the page cache or the driver's memory reaches it), then it is
     * powered again, checked and repaired by {@code e2fsck -fy} as at boot, and mounted again.
     *
     * @throws IllegalStateException (one line) if the volume cannot be checked or mounted again
     */
    private static void reboot(Posix px, DiskHandle disk, Path e2fsck, Path image) {
        disk.powerCutAndHold();
        try {
            retry(() -> px.umount2(EXT2_ROOT, Sys.MNT_FORCE), "unmount " + EXT2_ROOT, 5, 200);
        } finally {
            disk.clear();
        }
        // 0: clean, 1: repaired, 2: repaired (reboot advised); 4 and more: not repaired
        runHost(List.of(e2fsck.toString(), "-fy", image.toString()), 2);
        retry(() -> px.mount("/dev/" + DISK, EXT2_ROOT, "ext2", 0, null), "mount " + EXT2_ROOT, 5, 200);
    }

    /**
     * Runs {@code r}, up to {@code attempts} times {@code pauseMillis} apart while it fails with an errno (a driver
     * restarting meanwhile).
     *
     * @throws IllegalStateException {@code what: } the last errno's message
     */
    private static void retry(Runnable r, String what, int attempts, long pauseMillis) {
        KernelException last = null;
        for (int i = 0; i < attempts; i++) {
            try {
                r.run();
                return;
            } catch (KernelException e) {
                last = e;
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new IllegalStateException(what + ": " + (last == null ? "interrupted" : last.getMessage()), last);
    }

    /** A program of e2fsprogs ({@code e2fsck}, {@code mke2fs}), where Debian puts it or on the PATH; null if none. */
    public static Path tool(String name) {
        List<Path> candidates = new ArrayList<>(List.of(Path.of("/usr/sbin", name), Path.of("/sbin", name)));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, name));
            }
        }
        return candidates.stream().filter(java.nio.file.Files::isExecutable).findFirst().orElse(null);
    }

    /**
     * {@code mke2fs -q -F -t ext2 FILE 32M}: a fresh image for the power cuts when none was given.
     *
     * @throws IllegalStateException (one line) if mke2fs is missing or fails
     */
    public static void mkfs(Path image) {
        Path mke2fs = tool("mke2fs");
        if (mke2fs == null) {
            throw new IllegalStateException("no mke2fs (e2fsprogs) to make " + image);
        }
        runHost(List.of(mke2fs.toString(), "-q", "-F", "-t", "ext2", image.toString(), "32M"), 0);
    }

    /**
     * Runs a host program (bounded: 60 s) and checks its exit code.
     *
     * @throws IllegalStateException (one line: the command, its exit code and the first line it printed) if it exits
     *         above {@code maxOk}, does not end in time or cannot be run
     */
    private static void runHost(List<String> command, int maxOk) {
        String shown = Path.of(command.get(0)).getFileName() + " " + String.join(" ", command.subList(1, command.size()));
        Path log = null;
        try {
            // the output goes to a file, not a pipe read before the wait: reading a pipe to its end would wait for
            // the program to end, and the bound below would never apply
            log = java.nio.file.Files.createTempFile("anyk-chaos-", ".log");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(shown + " did not end within 60 s");
            }
            if (p.exitValue() > maxOk) {
                String first = java.nio.file.Files.readString(log).lines()
                        .filter(l -> !l.isBlank()).findFirst().orElse("");
                throw new IllegalStateException(shown + " exited " + p.exitValue() + ": " + first);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(shown + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + shown, e);
        } finally {
            if (log != null) {
                try {
                    java.nio.file.Files.deleteIfExists(log);
                } catch (java.io.IOException e) {
                    // a temporary file left behind: nothing the run depends on
                    log.toFile().deleteOnExit();
                }
            }
        }
    }

    private static Map<String, Integer> restarts(List<KernelHandle.Domain> domains) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (KernelHandle.Domain d : domains) {
            m.put(d.name(), d.restarts());
        }
        return m;
    }

    /**
     * Waits (bounded) until the kernel is settled; a domain its supervisor stopped (FAILED) is restarted so its files
     * can be checked, and named in the result.
     */
    private static List<String> settle(KernelHandle kernel, long millis, PrintStream err) {
        List<String> failed = new ArrayList<>();
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            try {
                for (KernelHandle.Domain d : kernel.domains()) {
                    if (d.state().equals("FAILED") && !failed.contains(d.name())) {
                        failed.add(d.name());
                        err.println("anyk chaos: warning: domain " + d.name() + " FAILED; restarting it for the check");
                        kernel.restart(d.name());
                    }
                }
                if (kernel.settled()) {
                    return failed;
                }
            } catch (KernelException e) {
                err.println("anyk chaos: warning: " + e.getMessage());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        err.println("anyk chaos: warning: the kernel did not settle within " + millis + " ms");
        return failed;
    }

    /**
     * Recovery times of the restarts since {@code sinceMillis}: each RESTARTED's "in N ms", or else the time since its
     * RESTARTING; sorted.
     */
    static List<Long> recoveryTimes(List<KernelHandle.Event> events, long sinceMillis) {
        Map<String, Long> restarting = new HashMap<>();
        List<Long> out = new ArrayList<>();
        for (KernelHandle.Event e : events) {
            if (e.timeMillis() < sinceMillis) {
                continue;
            }
            if (e.type().equals("RESTARTING")) {
                restarting.put(e.domain(), e.timeMillis());
            } else if (e.type().equals("RESTARTED")) {
                Long t0 = restarting.remove(e.domain());
                Matcher m = IN_MS.matcher(e.message() == null ? "" : e.message());
                if (m.find()) {
                    out.add(Long.parseLong(m.group(1)));
                } else if (t0 != null) {
                    out.add(e.timeMillis() - t0);
                }
            }
        }
        out.sort(null);
        return out;
    }

    /** Nearest-rank percentile of a sorted list; 0 when empty. */
    static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size(), rank) - 1));
    }

    private static void unmount(Posix px, PrintStream err) {
        try {
            retry(() -> {
                px.sync();
                px.umount(EXT2_ROOT);
            }, "unmount " + EXT2_ROOT, 10, 300);
        } catch (IllegalStateException e) {
            err.println("anyk chaos: warning: " + e.getMessage());
        }
    }

    /** Runs {@code r} on its own thread for at most {@code millis}; false (and a warning) if it had to give up. */
    private static boolean bounded(String what, Runnable r, long millis, PrintStream err) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                r.run();
            } catch (Throwable x) {
                failure.set(x);
            }
        }, "anyk-chaos-" + what.replace(' ', '-'));
        t.setDaemon(true);
        t.start();
        if (!join(t, millis)) {
            t.interrupt();
            err.println("anyk chaos: warning: " + what + " did not end within " + millis + " ms; gave up on it");
            join(t, 2000);
            return false;
        }
        if (failure.get() instanceof RuntimeException e) {
            throw e;
        }
        if (failure.get() instanceof Error e) {
            throw e;
        }
        return true;
    }

    private static boolean join(Thread t, long millis) {
        try {
            t.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !t.isAlive();
    }

    private static String format(Map<String, ? extends Number> m) {
        return m.isEmpty() ? "(none)" : m.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ", "(", ")"));
    }
}
