package org.anykernel.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
 * {@code anyk compose} of the full feature set, in a JVM that is up: every component feature (base, shell, logging,
 * hw-sim with its disk and NIC, the three factions, every driver, every app; 22 bundles) merged, checked, resolved by
 * the OSGi resolver against a fresh framework's system bundle, its configurations checked against the bundles'
 * components, and written (bundles copied and hashed, lock file) into a new directory. One compose per invocation,
 * through the command's own entry point ({@code Anyk.run}) loaded from {@code anyk.jar} in a class loader of its own,
 * as {@link EmbeddedLibrary} loads it. {@link #features} is {@code anyk features} (reading every packaged feature),
 * for reference.
 *
 * <p>The first invocation of a fork is cold (classes loaded, JIT cold): {@code -wi 0 -i 1 -f 10} gives what a user's
 * single {@code anyk compose} costs once the JVM is up.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(1)
public class ComposeBenchmark {
    /** The component features, needs before what needs them: the full feature set. */
    static final List<String> FULL = List.of("base", "events", "shell", "logging", "hw-sim", "hw-disk", "hw-nic", "faction-dev",
            "faction-vfs", "faction-net", "char-std", "blk-sim", "fs-tmpfs", "fs-ext2", "nic-sim", "net-inet", "httpd",
            "library-demo");

    @State(Scope.Benchmark)
    public static class Work {
        Path root;
        Path out;
        int n;
        AnykCommand anyk;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            root = Files.createTempDirectory("compose-bench-");
            anyk = new AnykCommand();
        }

        @Setup(Level.Invocation)
        public void next() {
            out = root.resolve("k" + n++);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            BareFelix.delete(root);
        }
    }

    @Benchmark
    public List<String> composeFullFeatureSet(Work w) throws Exception {
        List<String> args = new ArrayList<>(List.of("compose"));
        args.addAll(FULL);
        args.addAll(List.of("-o", w.out.toString()));
        return w.anyk.run(args);
    }

    @Benchmark
    public List<String> features(Work w) throws Exception {
        return w.anyk.run(List.of("features"));
    }
}
