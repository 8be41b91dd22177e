package org.anykernel.drivers.fs.ext2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.Stat;
import org.anykernel.vfs.api.SetAttr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file past 4 GiB on a small sparse image: i_size_high, triple indirect blocks, the large_file feature. */
class Ext2LargeFileTest {
    @TempDir
    Path tmp;

    @Test
    void fileBeyondFourGiB() throws Exception {
        Path img = Images.mkfs(tmp, "img", 64, "-t", "ext2", "-b", "4096");
        Proc.ok(30, "/usr/sbin/tune2fs", "-O", "^large_file", img.toString());
        assertFalse(Images.dumpe2fsHeader(img).contains("large_file"));
        long at = 4_608L << 20;
        byte[] data = TestTrees.random(42, 3 * 4096 + 17);
        try (Vol v = Vol.rw(img)) {
            long ino = v.create("/huge");
            v.write(ino, 100, "head".getBytes());
            v.write(ino, at, data);
            Stat st = v.fs.getattr(v.vol, ino);
            assertEquals(at + data.length, st.size());
            assertTrue(st.blocks() < 100, "allocated " + st.blocks() + " sectors");
            byte[] back = new byte[data.length];
            assertEquals(data.length, v.fs.read(v.vol, ino, at, back, 0, back.length));
            assertArrayEquals(data, back);
            assertEquals(at, v.fs.seek(v.vol, ino, 4096, false));
            assertEquals(4096, v.fs.seek(v.vol, ino, 0, true));
            byte[] hole = new byte[4096];
            assertEquals(4096, v.fs.read(v.vol, ino, 3L << 30, hole, 0, hole.length));
            assertArrayEquals(new byte[4096], hole);
            long other = v.create("/other");
            v.fs.setattr(v.vol, other, SetAttr.size(5L << 30));
            v.fs.setattr(v.vol, other, SetAttr.size(1L << 20));
            WriteFails.check(Errno.EFBIG, () -> v.fs.write(v.vol, ino, 1L << 50, data, 0, 1));
        }
        assertTrue(Images.dumpe2fsHeader(img).contains("large_file"), "large_file set");
        Images.fsckClean(img);
        long allocated = Long.parseLong(Proc.ok(10, "stat", "-c", "%b", img.toString()).trim()) * 512;
        assertTrue(allocated < 32L << 20, "image allocated " + allocated + " bytes");
        String cat = Images.debugfs(img, "stat /huge");
        assertTrue(cat.contains("Size: " + (at + data.length)), cat);
        try (Vol v = Vol.ro(img)) {
            byte[] back = new byte[data.length];
            assertEquals(data.length, v.fs.read(v.vol, v.ino("/huge"), at, back, 0, back.length));
            assertArrayEquals(data, back);
        }
    }
}
