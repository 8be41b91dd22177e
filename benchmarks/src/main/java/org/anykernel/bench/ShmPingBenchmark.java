package org.anykernel.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.anykernel.base.api.Posix;
import org.anykernel.net.api.Net;
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
 * Ping round trip between two JVMs on one shared-memory bus file (hw-sim's shmif-like backend): kernel A here, kernel B
 * ({@link ShmPeer}) in a child JVM started from this jar; sampled, so the report has the median.
 */
@State(Scope.Benchmark)
public class ShmPingBenchmark {
    /** {@code SO_BUSY_POLL} of {@link #pingShmBusyPoll}, us: longer than a round trip, as Linux's guidance has it. */
    static final int BUSY_POLL_US = 200;

    private NetKernels kernels;
    private Process peer;
    private Path bus;
    private Posix a;
    private int fd;
    private int busyFd;
    private byte[] to;
    private final byte[] req = new byte[64];
    private final byte[] buf = new byte[2048];
    private int seq;

    @Setup(Level.Trial)
    public void up() throws Exception {
        bus = Files.createTempFile("anyk-bus", ".shm");
        Files.delete(bus);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        peer = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ShmPeer.class.getName(),
                bus.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        if (!"ready".equals(line)) {
            throw new IllegalStateException("the peer JVM said " + line);
        }
        kernels = new NetKernels();
        a = kernels.kernel("shm-a", List.of(Map.of("backend", "shm:" + bus))).posix();
        a.netctl("ifconfig eth0 10.8.0.1/24 up");
        fd = NetKernels.pingSocket(a, 64);
        busyFd = NetKernels.pingSocket(a, 64);
        a.setsockopt(busyFd, Net.SOL_SOCKET, Net.SO_BUSY_POLL, BUSY_POLL_US);
        to = NetKernels.to("10.8.0.2");
    }

    @TearDown(Level.Trial)
    public void down() throws Exception {
        a.close(fd);
        a.close(busyFd);
        kernels.close();
        peer.getOutputStream().close();
        if (!peer.waitFor(10, TimeUnit.SECONDS)) {
            peer.destroyForcibly();
        }
        Files.deleteIfExists(bus);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int pingShm() {
        return NetKernels.ping(a, fd, to, req, buf, ++seq & 0xFFFF);
    }

    /** The same with {@code SO_BUSY_POLL} on the pinging socket: the reply is taken off the bus by this thread. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int pingShmBusyPoll() {
        return NetKernels.ping(a, busyFd, to, req, buf, ++seq & 0xFFFF);
    }
}
