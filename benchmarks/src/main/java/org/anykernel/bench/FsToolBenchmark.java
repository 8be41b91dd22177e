package org.anykernel.bench;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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
 * {@code anyk fs}, the image tool, as a process: wall time from spawning the command to its exit, one command per
 * measured invocation (like {@link BootBenchmark}).
 *
 * <ul>
 *   <li>{@link #anykFsLs}: {@code java -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=TMP.jsa -jar anyk.jar fs
 *       IMAGE ls /}, the options the {@code ./anyk} script gives {@code fs} (its archive is made by the first run,
 *       a warm-up iteration here); against {@link #jvmHello}, a bare JVM running a trivial {@code main};</li>
 *   <li>{@link #anykFsGet}: {@code anyk fs IMAGE get /big OUT}, copying a 256 MiB file of random bytes out of the
 *       image, against {@link #debugfsDump}: {@code /usr/sbin/debugfs -R "dump /big OUT2" IMAGE}.</li>
 * </ul>
 *
 * The image is made once per trial in a temporary directory under {@code java.io.tmpdir}: {@code mke2fs -q -F -t
 * ext2 -b 4096 -d tree IMAGE 512M}, {@code tree} holding {@code big}. Outputs are deleted after every invocation,
 * outside the time; the image stays in the host's page cache for both sides. The JVMs are the one running this
 * benchmark ({@code java.home}), with {@code --sun-misc-unsafe-memory-access=allow} as {@code ./anyk} passes it on
 * Java 24+.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 10)
@Fork(1)
public class FsToolBenchmark {
    static final long BIG = 256L << 20;

    /** A trivial main: the bare JVM start of {@link #jvmHello}. */
    public static final class Hello {
        private Hello() {
        }

        public static void main(String[] args) {
            System.out.println("hello");
        }
    }

    @State(Scope.Benchmark)
    public static class Image {
        String java;
        Path anykJar;
        Path benchJar;
        Path dir;
        Path image;
        Path archive;
        Path out;
        Path log;

        @Setup(Level.Trial)
        public void setUp() throws IOException, InterruptedException {
            java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            anykJar = EmbeddedLibrary.anykJar();
            benchJar = EmbeddedLibrary.ownJar();
            dir = Files.createTempDirectory("fs-tool-bench-");
            Path tree = Files.createDirectory(dir.resolve("tree"));
            SplittableRandom r = new SplittableRandom(7);
            byte[] chunk = new byte[1 << 20];
            try (OutputStream o = Files.newOutputStream(tree.resolve("big"))) {
                for (long n = 0; n < BIG; n += chunk.length) {
                    r.nextBytes(chunk);
                    o.write(chunk);
                }
            }
            image = dir.resolve("ext2.img");
            StorageBenchmark.run(List.of("/usr/sbin/mke2fs", "-q", "-F", "-t", "ext2", "-b", "4096", "-d",
                    tree.toString(), image.toString(), "512M"), dir);
            Files.delete(tree.resolve("big"));
            archive = dir.resolve("anyk-fs.jsa");
            out = dir.resolve("out");
            log = dir.resolve("child.log");
        }

        @TearDown(Level.Invocation)
        public void clean() throws IOException {
            Files.deleteIfExists(out);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            BareFelix.delete(dir);
        }

        List<String> anyk(String... args) {
            List<String> cmd = new ArrayList<>(List.of(java, BootBenchmark.UNSAFE, "-XX:+AutoCreateSharedArchive",
                    "-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-jar",
                    anykJar.toString(), "fs", image.toString()));
            cmd.addAll(List.of(args));
            return cmd;
        }
    }

    /** Runs {@code cmd} to its end; its output is discarded, its errors kept for the message of a failure. */
    static int run(Image s, List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.to(s.log.toFile())).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + String.join(" ", cmd));
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("exit " + p.exitValue() + ": " + String.join(" ", cmd) + ": "
                    + Files.readString(s.log).strip());
        }
        return p.exitValue();
    }

    static long checkOut(Image s) throws IOException {
        long n = Files.size(s.out);
        if (n != BIG) {
            throw new IllegalStateException("copied " + n + " bytes, not " + BIG);
        }
        return n;
    }

    @Benchmark
    public int jvmHello(Image s) throws IOException, InterruptedException {
        return run(s, List.of(s.java, BootBenchmark.UNSAFE, "-cp", s.benchJar.toString(), Hello.class.getName()));
    }

    @Benchmark
    public int anykFsLs(Image s) throws IOException, InterruptedException {
        return run(s, s.anyk("ls", "/"));
    }

    @Benchmark
    public long anykFsGet(Image s) throws IOException, InterruptedException {
        run(s, s.anyk("get", "/big", s.out.toString()));
        return checkOut(s);
    }

    @Benchmark
    public long debugfsDump(Image s) throws IOException, InterruptedException {
        run(s, List.of("/usr/sbin/debugfs", "-R", "dump /big " + s.out, s.image.toString()));
        return checkOut(s);
    }
}
