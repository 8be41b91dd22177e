package org.anykernel.hw.internal;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The other JVM of {@link ShmBusTest}: a NIC on a shared-memory bus that sends every frame it receives back to its
 * sender. Arguments: the bus file, the NIC's MAC, the most milliseconds to live. Prints {@code READY} once attached;
 * exits when its standard input ends or its time is up. With {@code hold-lock} for the MAC, it takes the bus's lock,
 * prints {@code LOCKED} and waits to be killed (a writer that dies holding the lock).
 */
public final class ShmEchoMain {
    private ShmEchoMain() {
    }

    public static void main(String[] args) throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[2]));
        Thread.ofPlatform().daemon().start(() -> {
            try {
                while (System.in.read() >= 0) {
                    // wait for the parent to close our input
                }
            } catch (IOException e) {
                System.err.println("echo: stdin: " + e);
            }
            System.exit(0);
        });
        if (args[1].equals("hold-lock")) {
            ShmBus bus = ShmBus.open(java.nio.file.Path.of(args[0]));
            bus.lock();
            System.out.println("LOCKED");
            System.out.flush();
            while (System.nanoTime() < end) {
                Thread.sleep(100);
            }
            System.exit(0);
        }
        try (SimNic nic = SimNic.open(NicConfig.parse("echo", Map.of("backend", "shm:" + args[0], "mac", args[1])))) {
            System.out.println("READY");
            System.out.flush();
            byte[] mac = nic.mac();
            while (System.nanoTime() < end) {
                if (!nic.awaitReceive(TimeUnit.MILLISECONDS.toNanos(100))) {
                    continue;
                }
                byte[] f;
                while ((f = nic.receive()) != null) {
                    System.arraycopy(f, 6, f, 0, 6);
                    System.arraycopy(mac, 0, f, 6, 6);
                    nic.transmit(f, 0, f.length);
                }
            }
        }
        System.exit(0);
    }
}
