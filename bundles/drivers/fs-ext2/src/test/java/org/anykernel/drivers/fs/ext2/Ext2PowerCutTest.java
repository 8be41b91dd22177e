package org.anykernel.drivers.fs.ext2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;

import org.anykernel.vfs.api.SetAttr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What was fsync'd is on the device: a copy of the image taken without unmounting reads it back. */
class Ext2PowerCutTest {
    @TempDir
    Path tmp;

    @Test
    void fsyncedDataSurvivesWithoutUnmount() throws Exception {
        Path img = Images.mkfs(tmp, "img", 16, "-t", "ext2", "-b", "1024");
        byte[] data = TestTrees.random(1, 300 * 1024 + 5);
        byte[] second = TestTrees.random(2, 70_000);
        try (Vol v = Vol.rw(img)) {
            v.mkdir("/d");
            v.mkdir("/d/e");
            long f = v.file("/d/e/f", data);
            long syncs = v.dev.syncs.get();
            v.fs.fsync(v.vol, f, false);
            assertEquals(syncs + 1, v.dev.syncs.get(), "fsync reaches the device");
            long g = v.file("/g", second);
            v.fs.setattr(v.vol, g, SetAttr.size(50_000));
            v.fs.sync(v.vol);
            v.file("/unsynced", TestTrees.random(3, 10_000));
            Path copy = tmp.resolve("cut.img");
            Files.copy(img, copy);
            try (Vol c = Vol.ro(copy)) {
                assertArrayEquals(data, c.read("/d/e/f"));
                byte[] g50 = new byte[50_000];
                System.arraycopy(second, 0, g50, 0, g50.length);
                assertArrayEquals(g50, c.read("/g"));
                assertEquals(0, c.dev.writeAttempts.get());
            }
            // a read-write mount of the cut copy works too, and its writes land
            try (Vol c = Vol.rw(copy)) {
                c.file("/after", "after".getBytes());
                assertArrayEquals(data, c.read("/d/e/f"));
            }
        }
        Images.fsckClean(img);
    }
}
