package org.anykernel.hw.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pcap capture: the file's layout, and what tshark reads of it (when tshark is installed). */
class PcapTest {

    @TempDir
    Path dir;

    @Test
    void headerAndOneRecordPerFrameSentOrReceived() throws Exception {
        String sw = Frames.uniqueSwitch();
        Path file = dir.resolve("a.pcap");
        try (SimNic a = Frames.onSwitch("a", sw); SimNic b = Frames.onSwitch("b", sw)) {
            long before = System.currentTimeMillis() / 1000;
            AutoCloseable cap = a.capture(file);
            byte[] out = Frames.frame(b.mac(), a.mac(), 100, 1);
            byte[] in = Frames.frame(a.mac(), b.mac(), 30, 2);
            byte[] other = Frames.frame(Frames.BROADCAST, b.mac(), 20, 3);
            Frames.send(a, out);
            Frames.send(b, in);
            // readable while the NIC runs: both records already in the file
            ByteBuffer live = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(24 + 16 + out.length + 16 + in.length, live.capacity());
            cap.close();
            Frames.send(b, other); // after the capture ended: not in the file
            long after = System.currentTimeMillis() / 1000 + 1;

            ByteBuffer p = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            assertArrayEquals(new byte[] {(byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1}, Arrays.copyOf(p.array(), 4),
                    "magic 0xa1b2c3d4, little-endian");
            assertEquals(0xa1b2c3d4, p.getInt(0));
            assertEquals(2, p.getShort(4));
            assertEquals(4, p.getShort(6));
            assertEquals(0, p.getInt(8));
            assertEquals(0, p.getInt(12));
            assertEquals(65535, p.getInt(16));
            assertEquals(1, p.getInt(20), "link type Ethernet");
            int pos = 24;
            for (byte[] f : new byte[][] {out, in}) {
                long sec = Integer.toUnsignedLong(p.getInt(pos));
                int usec = p.getInt(pos + 4);
                assertTrue(sec >= before && sec <= after, "seconds " + sec);
                assertTrue(usec >= 0 && usec < 1_000_000, "microseconds " + usec);
                assertEquals(f.length, p.getInt(pos + 8));
                assertEquals(f.length, p.getInt(pos + 12));
                assertArrayEquals(f, Arrays.copyOfRange(p.array(), pos + 16, pos + 16 + f.length));
                pos += 16 + f.length;
            }
            assertEquals(pos, p.capacity());

            // a new capture replaces the old one, truncating its own file
            Path second = dir.resolve("b.pcap");
            a.capture(dir.resolve("first.pcap"));
            try (AutoCloseable c2 = a.capture(second)) {
                Frames.send(a, out);
            }
            assertEquals(24, Files.size(dir.resolve("first.pcap")), "ended by the second capture");
            assertEquals(24 + 16 + out.length, Files.size(second));
        }
    }

    @Test
    void tsharkReadsTheCapture() throws Exception {
        Path tshark = Path.of("/usr/bin/tshark");
        if (!Files.isExecutable(tshark)) {
            System.out.println("PcapTest: /usr/bin/tshark not installed, the tshark check did not run");
            return;
        }
        String sw = Frames.uniqueSwitch();
        Path file = dir.resolve("t.pcap");
        try (SimNic a = Frames.onSwitch("a", sw); SimNic b = Frames.onSwitch("b", sw)) {
            a.capture(file); // left open: tshark reads it while the NIC runs
            for (int i = 0; i < 5; i++) {
                Frames.send(a, Frames.numbered(b.mac(), a.mac(), i));
            }
            Frames.send(b, Frames.frame(Frames.BROADCAST, b.mac(), 46, 0));
            String text = run(tshark.toString(), "-r", file.toString(), "-T", "fields", "-e", "eth.src", "-e", "eth.dst", "-e", "frame.len");
            String[] lines = text.strip().split("\n");
            assertEquals(6, lines.length, text);
            String am = NicConfig.macText(a.macBits());
            String bm = NicConfig.macText(b.macBits());
            assertEquals(am + "\t" + bm + "\t60", lines[0].strip());
            assertEquals(bm + "\tff:ff:ff:ff:ff:ff\t60", lines[5].strip());
        }
        String again = run(tshark.toString(), "-r", file.toString());
        assertEquals(6, again.strip().split("\n").length, "and after the NIC closed the capture: " + again);
    }

    private String run(String... cmd) throws Exception {
        Path err = Files.createTempFile(dir, "tshark", ".err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        try (InputStream in = p.getInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    in.transferTo(out);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "tshark finished within 60 s");
            reader.join(5000);
            assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out + Files.readString(err));
            return out.toString();
        } finally {
            p.destroyForcibly();
        }
    }
}
