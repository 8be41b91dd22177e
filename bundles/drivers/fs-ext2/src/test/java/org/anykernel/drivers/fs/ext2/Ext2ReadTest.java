package org.anykernel.drivers.fs.ext2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Stat;
import org.anykernel.base.api.StatFs;
import org.anykernel.base.api.Sys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Images made by mke2fs -d read back byte for byte, with the source tree's attributes. */
class Ext2ReadTest {
    @TempDir
    static Path shared;
    static Path tree;

    @TempDir
    Path tmp;

    @BeforeAll
    static void makeTree() throws Exception {
        tree = TestTrees.full(shared, 3000);
    }

    @ParameterizedTest(name = "block size {0}, inode size {1}")
    @CsvSource({"1024, 256", "2048, 128", "4096, 256"})
    void mkfsTreeReadsBack(int blockSize, int inodeSize) throws Exception {
        Path img = Images.mkfs(tmp, "img", 48, "-t", "ext2", "-b", Integer.toString(blockSize), "-I",
                Integer.toString(inodeSize), "-N", "8192", "-d", tree.toString());
        Images.indexDirectories(img);
        String many = Images.debugfs(img, "stat /many");
        assertTrue(many.contains("Flags: 0x1000"), "mke2fs indexed /many:\n" + many);
        String hash = Images.sha256(img);
        try (Vol v = Vol.ro(img)) {
            v.assertMatchesHost(v.root(), tree, true);
            StatFs sf = v.fs.statfs(v.vol);
            assertEquals(0xEF53, sf.type());
            assertEquals(blockSize, sf.bsize());
            assertEquals(Sys.MS_RDONLY, sf.flags() & Sys.MS_RDONLY);
            assertEquals(3002, v.list(v.ino("/many"), 1000).size());

            long sparse = v.ino("/sparse.bin");
            Stat st = v.fs.getattr(v.vol, sparse);
            assertTrue(st.blocks() * 512 < TestTrees.SPARSE_SIZE / 2, "sparse file allocated " + st.blocks());
            long firstHole = v.fs.seek(v.vol, sparse, 0, true);
            assertTrue(firstHole >= 100 && firstHole <= 100 + blockSize, "hole at " + firstHole);
            long data = v.fs.seek(v.vol, sparse, firstHole, false);
            assertTrue(data <= (1 << 20) + 123 && data > firstHole, "data at " + data);
            assertEquals((1 << 20) + 123, v.fs.seek(v.vol, sparse, (1 << 20) + 123, false));
            assertEquals(st.size() - 1, v.fs.seek(v.vol, sparse, st.size() - 1, false));
            KernelException e = org.junit.jupiter.api.Assertions.assertThrows(KernelException.class,
                    () -> v.fs.seek(v.vol, sparse, st.size(), false));
            assertEquals(Errno.ENXIO, e.errno());

            e = org.junit.jupiter.api.Assertions.assertThrows(KernelException.class,
                    () -> v.fs.create(v.vol, v.root(), "x", Sys.S_IFREG | 0644, 0, 0));
            assertEquals(Errno.EROFS, e.errno());
            e = org.junit.jupiter.api.Assertions.assertThrows(KernelException.class,
                    () -> v.fs.lookup(v.vol, v.root(), "missing"));
            assertEquals(Errno.ENOENT, e.errno());
            assertTrue(e.getMessage().contains("missing"), e.getMessage());
            e = org.junit.jupiter.api.Assertions.assertThrows(KernelException.class,
                    () -> v.fs.lookup(v.vol, v.ino("/big.bin"), "x"));
            assertEquals(Errno.ENOTDIR, e.errno());
            assertEquals(0, v.dev.writeAttempts.get(), "a read-only mount wrote");
        }
        assertEquals(hash, Images.sha256(img), "image changed by a read-only mount");
    }

    @Test
    void readWriteMountLeavesUntouchedTreeAndCleanFsck() throws Exception {
        Path img = Images.mkfs(tmp, "img", 40, "-t", "ext2", "-b", "1024", "-N", "8192", "-d", tree.toString());
        try (Vol v = Vol.rw(img)) {
            v.assertMatchesHost(v.root(), tree, true);
            String header = Images.dumpe2fsHeader(img);
            assertTrue(header.contains("Filesystem state:         not clean"), header);
        }
        String header = Images.dumpe2fsHeader(img);
        assertTrue(header.contains("Filesystem state:         clean"), header);
        assertTrue(header.contains("Mount count:              1"), header);
        Images.fsckClean(img);
        assertTrue(Files.size(img) > 0);
    }
}
