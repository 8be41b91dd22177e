package org.anykernel.hw.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DiskConfigTest {

    private static Map<String, Object> props(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static String error(Object... kv) {
        return assertThrows(IllegalArgumentException.class, () -> DiskConfig.parse("sd0", props(kv))).getMessage();
    }

    @Test
    void sizesTakeSuffixes() {
        assertEquals(64L << 20, DiskConfig.parseSize("size", "64M"));
        assertEquals(64L << 20, DiskConfig.parseSize("size", "64MiB"));
        assertEquals(1L << 30, DiskConfig.parseSize("size", "1g"));
        assertEquals(4096, DiskConfig.parseSize("size", "4K"));
        assertEquals(2L << 40, DiskConfig.parseSize("size", "2T"));
        assertEquals(1024, DiskConfig.parseSize("size", "1024"));
        assertEquals(512, DiskConfig.parseSize("size", "512B"));
        assertEquals(8192, DiskConfig.parseSize("size", 8192L));
        assertEquals(8192, DiskConfig.parseSize("size", 8192));
    }

    @Test
    void defaultsAndValues() {
        DiskConfig c = DiskConfig.parse("sd0", props("size", "64M"));
        assertEquals("sd0", c.name());
        assertNull(c.file(), "memory by default");
        assertEquals(64L << 20, c.size());
        assertFalse(c.readOnly());
        assertEquals(0, c.latencyNanos());
        assertEquals(0, c.bytesPerSecond());
        assertEquals(64, c.queueDepth());
        assertTrue(c.writeCache());

        c = DiskConfig.parse("sd1", props("backing", "/tmp/x.img", "read.only", "true", "latency.us", 250,
                "bandwidth.mbps", "1.5", "queue.depth", "8", "write.cache", false, "cache.size", "1M", "seed", 7L));
        assertEquals(Path.of("/tmp/x.img"), c.file());
        assertEquals(-1, c.size(), "an image file's size comes from the file");
        assertTrue(c.readOnly());
        assertEquals(250_000, c.latencyNanos());
        assertEquals(1_500_000, c.bytesPerSecond());
        assertEquals(8, c.queueDepth());
        assertFalse(c.writeCache());
        assertEquals(1 << 20, c.cacheBytes());
        assertEquals(7, c.seed());
    }

    @Test
    void badValuesNameTheDiskAndTheField() {
        assertTrue(error().startsWith("hw.disk~sd0: size: required"), error());
        assertTrue(error("size", "64Q").startsWith("hw.disk~sd0: size: '64Q' is not a size"), error("size", "64Q"));
        assertTrue(error("size", "1000").startsWith("hw.disk~sd0: size: 1000 is not a positive multiple of 512"));
        assertTrue(error("size", 0).startsWith("hw.disk~sd0: size: "));
        assertTrue(error("size", "1M", "read.only", "maybe").startsWith("hw.disk~sd0: read.only: 'maybe'"));
        assertTrue(error("size", "1M", "queue.depth", 0).startsWith("hw.disk~sd0: queue.depth: 0 is out of range"));
        assertTrue(error("size", "1M", "queue.depth", "lots").startsWith("hw.disk~sd0: queue.depth: 'lots'"));
        assertTrue(error("size", "1M", "latency.us", -1).startsWith("hw.disk~sd0: latency.us: "));
        assertTrue(error("size", "1M", "bandwidth.mbps", "-3").startsWith("hw.disk~sd0: bandwidth.mbps: "));
        assertTrue(error("size", "1M", "backing", " ").startsWith("hw.disk~sd0: backing: "));
    }
}
