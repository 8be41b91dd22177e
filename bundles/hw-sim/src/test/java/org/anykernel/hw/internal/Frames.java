package org.anykernel.hw.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.anykernel.hw.api.NicController;

/** Helpers of the NIC tests. */
final class Frames {
    static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};

    private Frames() {
    }

    /** A frame to {@code dst} from {@code src}, EtherType 0x88b5 (local experimental), {@code payload} bytes of {@code fill}. */
    static byte[] frame(byte[] dst, byte[] src, int payload, int fill) {
        byte[] f = new byte[14 + payload];
        System.arraycopy(dst, 0, f, 0, 6);
        System.arraycopy(src, 0, f, 6, 6);
        f[12] = (byte) 0x88;
        f[13] = (byte) 0xb5;
        for (int i = 14; i < f.length; i++) {
            f[i] = (byte) fill;
        }
        return f;
    }

    /** A frame whose payload starts with {@code n} (4 bytes, big-endian). */
    static byte[] numbered(byte[] dst, byte[] src, int n) {
        byte[] f = frame(dst, src, 46, 0);
        f[14] = (byte) (n >>> 24);
        f[15] = (byte) (n >>> 16);
        f[16] = (byte) (n >>> 8);
        f[17] = (byte) n;
        return f;
    }

    static int number(byte[] f) {
        return (f[14] & 0xff) << 24 | (f[15] & 0xff) << 16 | (f[16] & 0xff) << 8 | (f[17] & 0xff);
    }

    static boolean send(NicController nic, byte[] f) {
        return nic.transmit(f, 0, f.length);
    }

    /** The next frame within {@code millis}, failing the test if none comes. */
    static byte[] next(NicController nic, long millis) throws InterruptedException {
        assertTrue(nic.awaitReceive(TimeUnit.MILLISECONDS.toNanos(millis)), nic.name() + ": no frame within " + millis + " ms");
        byte[] f = nic.receive();
        assertTrue(f != null, nic.name() + ": awaitReceive said a frame was pending");
        return f;
    }

    /** Everything that arrives until nothing has for {@code quietMillis} (bounded by 10 s). */
    static List<byte[]> drain(NicController nic, long quietMillis) throws InterruptedException {
        List<byte[]> out = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end && nic.awaitReceive(TimeUnit.MILLISECONDS.toNanos(quietMillis))) {
            byte[] f;
            while ((f = nic.receive()) != null) {
                out.add(f);
            }
        }
        return out;
    }

    /** A switch name no other test uses. */
    static String uniqueSwitch() {
        return "test-" + UUID.randomUUID();
    }

    /**
     * The share of CPU time the machine spent idle over {@code millis} (from /proc/stat; 1 where that cannot be
     * read). Latency tests hold a strict bound only on a machine that is not busy with other work.
     */
    static double idleShare(long millis) throws InterruptedException {
        long[] a = cpuTimes();
        Thread.sleep(millis);
        long[] b = cpuTimes();
        if (a == null || b == null || b[0] == a[0]) {
            return 1;
        }
        return (double) (b[1] - a[1]) / (b[0] - a[0]);
    }

    /** {total, idle} jiffies of all CPUs, or null. */
    private static long[] cpuTimes() {
        try {
            String first = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0);
            String[] f = first.trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The bound a latency test asserts: {@code strictNanos} on a quiet machine (at least 60% idle just before),
     * else {@code loadedNanos} (on 2 cores shared with other builds, waking threads wait for scheduler ticks).
     */
    static long latencyBound(long strictNanos, long loadedNanos) throws InterruptedException {
        double idle = idleShare(200);
        boolean quiet = idle >= 0.6;
        System.out.printf("machine %.0f%% idle: asserting the %s latency bound%n", idle * 100, quiet ? "strict" : "loaded-machine");
        return quiet ? strictNanos : loadedNanos;
    }

    static SimNic onSwitch(String name, String sw) {
        return SimNic.open(NicConfig.onSwitch(name, sw));
    }
}
