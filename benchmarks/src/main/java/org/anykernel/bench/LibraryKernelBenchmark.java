package org.anykernel.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A library kernel made and closed in a running kernel: the {@code library} profile booted in this JVM
 * (embedded Felix, real bundles, real DS), then {@code KernelFactory.create("bench", List.of("char-std"),
 * 1 MiB)} and {@code close()} on the result, through the OSGi service as an application calls it.
 * Unlike {@code PlacementBenchmark.libraryKernelCreateClose} (plain class path, no registry) this includes
 * finding char-std's raw services and getting a private instance of each of its prototype-scoped
 * components from SCR, and releasing them.
 *
 * <p>The factory is called by reflection (see {@link EmbeddedLibrary}); a {@code Method.invoke} costs tens
 * of nanoseconds, nothing against what is measured.
 */
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LibraryKernelBenchmark {
    static final List<String> COMPONENTS = List.of("char-std");
    static final long QUOTA = 1L << 20;

    @State(Scope.Benchmark)
    public static class Kernel {
        EmbeddedLibrary library;
        final byte[] buf = new byte[1];

        @Setup(Level.Trial)
        public void setUp() {
            library = new EmbeddedLibrary();
            // one round outside the time, so that a missing driver fails the setup, not the first iteration
            Object k = library.create("bench", COMPONENTS, QUOTA);
            library.close(k);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            library.close();
        }
    }

    /** create + close. */
    @Benchmark
    public Object felixLibraryCreateClose(Kernel s) {
        Object k = s.library.create("bench", COMPONENTS, QUOTA);
        s.library.close(k);
        return k;
    }

    /** create, then posix(), open("/dev/zero", O_RDONLY), read 1 byte; then close. */
    @Benchmark
    public int felixLibraryCreateReadClose(Kernel s) {
        Object k = s.library.create("bench", COMPONENTS, QUOTA);
        try {
            Object posix = s.library.posix(k);
            int fd = s.library.open(posix, "/dev/zero");
            return s.library.read(posix, fd, s.buf, 0, 1);
        } finally {
            s.library.close(k);
        }
    }
}
