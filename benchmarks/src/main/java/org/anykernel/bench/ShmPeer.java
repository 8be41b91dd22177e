package org.anykernel.bench;

import java.util.List;
import java.util.Map;

/**
 * The far end of {@link ShmPingBenchmark}: a standalone kernel in a JVM of its own, its NIC on the shared-memory
 * bus file given as the argument, at 10.8.0.2/24; prints {@code ready} and runs until its standard input closes.
 */
public final class ShmPeer {
    private ShmPeer() {
    }

    public static void main(String[] args) throws Exception {
        try (NetKernels ks = new NetKernels()) {
            ks.kernel("shm-peer", List.of(Map.of("backend", "shm:" + args[0])))
                    .posix().netctl("ifconfig eth0 10.8.0.2/24 up");
            System.out.println("ready");
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the benchmark closes our input
            }
        }
    }
}
