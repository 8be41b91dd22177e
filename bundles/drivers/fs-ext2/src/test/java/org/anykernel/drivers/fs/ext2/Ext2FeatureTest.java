package org.anykernel.drivers.fs.ext2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Sys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Features the driver refuses, or allows read-only. */
class Ext2FeatureTest {
    @TempDir
    Path tmp;

    private static KernelException mountFails(Path img, boolean readOnly, Errno errno) throws Exception {
        String hash = Images.sha256(img);
        try (ImageFile dev = readOnly ? ImageFile.ro(img) : ImageFile.rw(img)) {
            Ext2FileSystem fs = new Ext2FileSystem();
            KernelException e = WriteFails.check(errno, () -> fs.mount(dev, "img", readOnly, null));
            assertEquals(0, dev.writes.get(), "a refused mount wrote");
            assertEquals(hash, Images.sha256(img));
            return e;
        }
    }

    @Test
    void ext4IsRefusedNamingFeatures() throws Exception {
        Path img = Images.mkfs(tmp, "img", 32, "-t", "ext4");
        for (boolean ro : new boolean[] {true, false}) {
            KernelException e = mountFails(img, ro, Errno.EOPNOTSUPP);
            assertTrue(e.getMessage().contains("extent") && e.getMessage().contains("64bit")
                    && e.getMessage().contains("flex_bg"), e.getMessage());
        }
    }

    @Test
    void ext3MountsReadOnlyOnly() throws Exception {
        Path tree = Files.createDirectories(tmp.resolve("tree/sub"));
        Files.writeString(tree.resolve("f"), "journalled\n");
        Path img = Images.mkfs(tmp, "img", 16, "-t", "ext3", "-d", tmp.resolve("tree").toString());
        KernelException e = mountFails(img, false, Errno.EOPNOTSUPP);
        assertTrue(e.getMessage().contains("has_journal"), e.getMessage());
        String hash = Images.sha256(img);
        try (Vol v = Vol.ro(img)) {
            assertEquals("journalled\n", new String(v.read("/sub/f")));
            assertEquals(Sys.MS_RDONLY, v.fs.statfs(v.vol).flags());
            WriteFails.check(Errno.EROFS, () -> v.mkdir("/x"));
        }
        assertEquals(hash, Images.sha256(img));
    }

    @ParameterizedTest
    @ValueSource(strings = {"huge_file,dir_nlink", "sparse_super2"})
    void unknownRoCompatOrCompatMakesTheVolumeReadOnly(String features) throws Exception {
        Path tree = Files.createDirectories(tmp.resolve("tree"));
        Files.write(tree.resolve("f"), TestTrees.random(1, 100_000));
        Path img = Images.mkfs(tmp, "img", 16, "-t", "ext2", "-O", features, "-d", tree.toString());
        String hash = Images.sha256(img);
        try (Vol v = new Vol(new Ext2FileSystem(), ImageFile.rw(img), false, null)) {
            assertEquals(Sys.MS_RDONLY, v.fs.statfs(v.vol).flags());
            KernelException e = WriteFails.check(Errno.EROFS, () -> v.mkdir("/x"));
            for (String f : features.split(",")) {
                assertTrue(e.getMessage().contains(f), e.getMessage());
            }
            assertArrayEquals(TestTrees.random(1, 100_000), v.read("/f"));
            v.fs.sync(v.vol);
            assertEquals(0, v.dev.writeAttempts.get());
        }
        assertEquals(hash, Images.sha256(img));
    }

    @Test
    void badMagicBlockSizeAndGeometry() throws Exception {
        Path img = Images.mkfs(tmp, "img", 8, "-t", "ext2", "-b", "1024");
        byte[] orig = Files.readAllBytes(img);
        patch(img, 1024 + 56, 0x12, 0x34);
        assertTrue(mountFails(img, true, Errno.EINVAL).getMessage().contains("not an ext2 file system"));
        Files.write(img, orig);
        patch(img, 1024 + 24, 3);
        assertTrue(mountFails(img, true, Errno.EOPNOTSUPP).getMessage().contains("block size"));
        Files.write(img, orig);
        patch(img, 1024 + 32, 0, 0, 0, 0);
        assertTrue(mountFails(img, true, Errno.EUCLEAN).getMessage().contains("s_blocks_per_group"));
        Files.write(img, orig);
        patch(img, 1024 + 20, 0);
        assertTrue(mountFails(img, true, Errno.EUCLEAN).getMessage().contains("s_first_data_block"));
        Files.write(img, orig);
        patch(img, 1024 + 4, 0xff, 0xff, 0xff, 0x0f);
        assertTrue(mountFails(img, true, Errno.EUCLEAN).getMessage().contains("s_blocks_count"));
        Files.write(img, orig);
        patch(img, 2048 + 8, 0xff, 0xff, 0, 0);
        assertTrue(mountFails(img, true, Errno.EUCLEAN).getMessage().contains("bg_inode_table"));
        Files.write(img, orig);
        patch(img, 1024 + 96, 0x42);
        assertTrue(mountFails(img, true, Errno.EOPNOTSUPP).getMessage().contains("extent"));
        Files.write(img, orig);
        try (Vol v = Vol.ro(img)) {
            assertTrue(v.names(v.root()).containsKey("lost+found"));
        }
    }

    private static void patch(Path img, long at, int... bytes) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.seek(at);
            for (int b : bytes) {
                f.write(b);
            }
        }
    }
}
