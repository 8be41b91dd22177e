package org.anykernel.launcher.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.anykernel.launcher.KernelLock;
import org.anykernel.launcher.MavenRepository;
import org.anykernel.launcher.embed.BootOptions;
import org.anykernel.launcher.embed.EmbeddedKernel;

/**
 * A head start for {@code anyk boot DIR} of a composed kernel, on the second core while the first parses the command
 * line (picocli builds its model by reflection, from class files too old for the class-data archive: the longest part
 * of a boot before the framework starts). It reads the lock file, checks the bundles' checksums on a thread of its
 * own, makes, initialises and installs the kernel without starting it ({@link EmbeddedKernel#prepare}), then loads the
 * rest of the framework's classes (the list in {@code boot-classes.txt}). The command starts what was prepared, if it
 * is for the same directory as typed; when there is none, or preparing failed, it does all of it itself (so errors
 * come from its own path, worded as always). A prepared kernel nobody takes is closed ({@link #discard}).
 */
final class BootPrefetch {
    /** What was prefetched for one directory. */
    record Prefetched(String shown, CompletableFuture<KernelLock> lock,
                      CompletableFuture<EmbeddedKernel.Prepared> prepared) {
        /** The lock, waiting at most {@code millis} for it; null if reading it failed or took longer (read it again). */
        KernelLock lockWithin(long millis) {
            return within(lock, millis);
        }

        /** The prepared kernel, waiting at most {@code millis}; null if preparing failed or took longer. */
        EmbeddedKernel.Prepared preparedWithin(long millis) {
            EmbeddedKernel.Prepared p = within(prepared, millis);
            if (p == null) {
                // too late or failed: whatever it makes later is thrown away
                prepared.thenAccept(EmbeddedKernel.Prepared::close);
            }
            return p;
        }

        private static <T> T within(CompletableFuture<T> f, long millis) {
            try {
                return f.get(millis, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                return null; // the command does it itself, and reports its own error
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    private static volatile Prefetched prefetched;

    private BootPrefetch() {
    }

    /** Starts the prefetch if {@code args} look like {@code boot DIR ...} with a composed kernel in DIR. */
    static void start(String[] args, PrintStream log) {
        if (args.length < 2 || !args[0].equals("boot")) {
            return;
        }
        String shown = null;
        for (int i = 1; i < args.length && shown == null; i++) {
            try {
                if (!args[i].startsWith("-") && KernelLock.isComposed(Path.of(args[i]))) {
                    shown = args[i];
                }
            } catch (java.nio.file.InvalidPathException notAPath) {
                // an argument that names no file: the command line parser says what is wrong with it
            }
        }
        if (shown == null) {
            return;
        }
        Prefetched p = new Prefetched(shown, new CompletableFuture<>(), new CompletableFuture<>());
        prefetched = p;
        Path dir = Path.of(shown);
        Thread t = new Thread(() -> {
            try {
                KernelLock lock;
                try {
                    lock = KernelLock.read(dir);
                    p.lock().complete(lock);
                } catch (RuntimeException e) {
                    p.lock().completeExceptionally(e);
                    p.prepared().completeExceptionally(e);
                    return;
                }
                try {
                    p.prepared().complete(EmbeddedKernel.prepare(lock, EmbeddedKernel.verifying(lock, dir, p.shown()),
                            new BootOptions(Duration.ofSeconds(60), MavenRepository.local()), log,
                            Failures.debugFromEnvironment()));
                } catch (RuntimeException e) {
                    p.prepared().completeExceptionally(e);
                    return;
                }
                loadClasses();
            } finally {
                p.prepared().completeExceptionally(new IllegalStateException("the prefetch ended")); // no-op if done
            }
        }, "anyk-prefetch");
        t.setDaemon(true);
        t.start();
    }

    /** What was prefetched for {@code shown} (the directory as typed), or null. */
    static Prefetched take(String shown) {
        Prefetched p = prefetched;
        if (p == null || !p.shown().equals(shown)) {
            return null;
        }
        prefetched = null;
        return p;
    }

    /**
     * Closes a prepared kernel nobody took (the command line said something else, or was wrong).
     *
     * @return what was discarded, or null
     */
    static Prefetched discard() {
        Prefetched p = prefetched;
        prefetched = null;
        if (p != null) {
            // bounded: the process is exiting; one still being made is closed when it is done (preparedWithin)
            EmbeddedKernel.Prepared made = p.preparedWithin(2_000);
            if (made != null) {
                made.close();
            }
        }
        return p;
    }

    /** The names in {@code boot-classes.txt}, in order. */
    static List<String> classNames() {
        List<String> out = new ArrayList<>();
        try (InputStream in = BootPrefetch.class.getResourceAsStream("boot-classes.txt")) {
            if (in == null) {
                return out;
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                line = line.strip();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    out.add(line);
                }
            }
        } catch (IOException e) {
            // a head start only: the boot loads them itself
        }
        return out;
    }

    /** Loads (defines, neither links nor initialises) each listed class; a name that is gone is skipped. */
    private static void loadClasses() {
        ClassLoader cl = BootPrefetch.class.getClassLoader();
        for (String name : classNames()) {
            try {
                Class.forName(name, false, cl);
            } catch (ClassNotFoundException | LinkageError e) {
                // stale list entry: the boot loads what it needs itself (BootPrefetchTest keeps the list current)
            }
        }
    }
}
