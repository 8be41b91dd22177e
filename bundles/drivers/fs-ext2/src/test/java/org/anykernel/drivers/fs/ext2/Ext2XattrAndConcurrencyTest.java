package org.anykernel.drivers.fs.ext2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shared xattr blocks are reference-counted on free; one volume used from several threads stays consistent. */
class Ext2XattrAndConcurrencyTest {
    @TempDir
    Path tmp;

    private static int refcount(Path img, long block) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "r")) {
            f.seek(block * 1024 + 4);
            return Integer.reverseBytes(f.readInt());
        }
    }

    @Test
    void sharedXattrBlockIsFreedAtLastReference() throws Exception {
        Path tree = Files.createDirectories(tmp.resolve("tree"));
        Files.writeString(tree.resolve("f"), "f\n");
        Files.writeString(tree.resolve("g"), "g\n");
        Path img = Images.mkfs(tmp, "img", 8, "-t", "ext2", "-b", "1024", "-I", "128", "-d", tree.toString());
        Proc.ok(30, "/usr/sbin/debugfs", "-w", "-R", "ea_set /f user.test " + "v".repeat(100), img.toString());
        String stat = Images.debugfs(img, "stat /f");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("File ACL: (\\d+)").matcher(stat);
        assertTrue(m.find(), stat);
        long acl = Long.parseLong(m.group(1));
        assertTrue(acl > 0, stat);
        Proc.ok(30, "/usr/sbin/debugfs", "-w", "-R", "sif /g file_acl " + acl, img.toString());
        Proc.ok(30, "/usr/sbin/debugfs", "-w", "-R", "sif /g blocks 4", img.toString());
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.seek(acl * 1024 + 4);
            f.writeInt(Integer.reverseBytes(2));
        }
        Images.fsckClean(img);
        long free0;
        try (Vol v = Vol.rw(img)) {
            free0 = v.fs.statfs(v.vol).bfree();
            assertEquals(4, v.stat("/g").blocks());
            v.unlink("/f");
            assertEquals(free0 + 1, v.fs.statfs(v.vol).bfree(), "data block freed, xattr block kept");
        }
        assertEquals(1, refcount(img, acl));
        Images.fsckClean(img);
        try (Vol v = Vol.rw(img)) {
            v.unlink("/g");
            assertEquals(free0 + 3, v.fs.statfs(v.vol).bfree(), "last reference frees the xattr block");
        }
        Images.fsckClean(img);
    }

    @Test
    void threadsSharingAVolume() throws Exception {
        Path img = Images.mkfs(tmp, "img", 32, "-t", "ext2", "-b", "1024");
        Path expected = Files.createDirectories(tmp.resolve("expected"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (Vol v = Vol.rw(img)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = t;
                Files.createDirectories(expected.resolve("t" + id));
                v.mkdir("/t" + id);
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 150; i++) {
                        byte[] data = TestTrees.random(id * 1000 + i, (i * 1531) % 9000);
                        v.file("/t" + id + "/f" + i, data);
                        Files.write(expected.resolve("t" + id + "/f" + i), data);
                        if (i % 3 == 0) {
                            v.unlink("/t" + id + "/f" + i);
                            Files.delete(expected.resolve("t" + id + "/f" + i));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertArrayEquals(Files.readAllBytes(expected.resolve("t2/f5")), v.read("/t2/f5"));
        } finally {
            pool.shutdownNow();
        }
        Images.fsckClean(img);
        Images.assertSameTree(expected, Images.rdump(img, tmp.resolve("dump")));
    }
}
