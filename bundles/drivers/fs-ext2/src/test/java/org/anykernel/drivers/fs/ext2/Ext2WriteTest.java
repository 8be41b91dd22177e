package org.anykernel.drivers.fs.ext2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.anykernel.base.api.DirEntry;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Stat;
import org.anykernel.base.api.StatFs;
import org.anykernel.base.api.Sys;
import org.anykernel.vfs.api.SetAttr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Changes through the driver; after unmount e2fsck -fn is clean and debugfs rdump gives exactly what was written. */
class Ext2WriteTest {
    private static final int K = 1024;
    /** With 1 KiB blocks: single indirect from block 12, double from 268, triple from 65804. */
    private static final long DOUBLE = 268L * K;
    private static final long TRIPLE = 65804L * K;

    @TempDir
    Path tmp;

    private Path image(long mib, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("-t", "ext2", "-b", "1024"));
        args.addAll(List.of(extra));
        return Images.mkfs(tmp, "img", mib, args.toArray(String[]::new));
    }

    private void verify(Path img, Path expected) throws Exception {
        Images.fsckClean(img);
        Path dump = tmp.resolve("dump-" + System.nanoTime());
        Images.rdump(img, dump);
        Images.assertSameTree(expected, dump);
    }

    static KernelException fails(Errno errno, Executable call) {
        KernelException e = assertThrows(KernelException.class, call);
        assertEquals(errno, e.errno(), e.getMessage());
        return e;
    }

    @Test
    void writesAcrossIndirectBoundaries() throws Exception {
        Path img = image(32);
        Random r = new Random(7);
        try (Vol v = Vol.rw(img)) {
            Mirror m = new Mirror(v, tmp.resolve("expected"));
            m.mkdir("/d");
            m.file("/d/grow", new byte[0]);
            long pos = 0;
            while (pos < 300 * K + 17) {
                byte[] chunk = TestTrees.random(r.nextLong(), 1 + r.nextInt(9000));
                m.write("/d/grow", pos, chunk);
                pos += chunk.length;
            }
            m.write("/d/grow", 11 * K - 100, TestTrees.random(11, 3 * K));
            m.write("/d/grow", DOUBLE - 500, TestTrees.random(12, 1000));
            m.file("/jump", new byte[0]);
            m.write("/jump", 11 * K - 5, TestTrees.random(20, 10));
            m.write("/jump", DOUBLE - 5, TestTrees.random(21, 10));
            m.write("/jump", TRIPLE - 5, TestTrees.random(22, 10));
            m.write("/jump", 70L << 20, TestTrees.random(23, 5000));
            assertArrayEquals(Files.readAllBytes(m.host.resolve("d/grow")), v.read("/d/grow"));
            assertArrayEquals(Files.readAllBytes(m.host.resolve("jump")), v.read("/jump"));
            Stat jump = v.stat("/jump");
            assertEquals((70L << 20) + 5000, jump.size());
            // data: 2+2+2+5 (+1: 70 MiB + 5000 spans 5 or 6 blocks); indirect: 1 + 2 + 3 + 2 (shared top) ...
            assertTrue(jump.blocks() < 40, "a sparse file allocated " + jump.blocks() + " sectors");
            long hole = v.fs.seek(v.vol, jump.ino(), 0, true);
            assertEquals(0, hole);
            assertEquals(10 * K, v.fs.seek(v.vol, jump.ino(), 0, false), "data starts at its block");
            assertEquals(TRIPLE - K, v.fs.seek(v.vol, jump.ino(), DOUBLE + 10 * K, false));
            assertEquals(70L << 20, v.fs.seek(v.vol, jump.ino(), TRIPLE + K, false));
        }
        verify(img, tmp.resolve("expected"));
    }

    @Test
    void truncateDownAndUp() throws Exception {
        Path img = image(32);
        try (Vol v = Vol.rw(img)) {
            Mirror m = new Mirror(v, tmp.resolve("expected"));
            long free0 = v.fs.statfs(v.vol).bfree();
            m.file("/t", TestTrees.random(1, 300 * K));
            m.truncate("/t", 100 * K + 3);
            m.truncate("/t", 200 * K);
            byte[] t = v.read("/t");
            for (int i = 100 * K + 3; i < t.length; i++) {
                assertEquals(0, t[i], "byte " + i + " after extending");
            }
            m.file("/u", TestTrees.random(2, 280 * K));
            m.truncate("/u", 269 * K + 1);
            m.truncate("/u", 270 * K);
            m.file("/w", new byte[0]);
            m.write("/w", TRIPLE + 300 * K, TestTrees.random(3, 5 * K));
            m.write("/w", TRIPLE - 2 * K, TestTrees.random(4, 5 * K));
            m.write("/w", 5 * K, TestTrees.random(5, 5 * K));
            m.truncate("/w", TRIPLE + 100);
            m.truncate("/w", DOUBLE + 3);
            assertArrayEquals(Files.readAllBytes(m.host.resolve("w")), v.read("/w"));
            m.file("/z", TestTrees.random(6, 40 * K));
            m.truncate("/z", 0);
            assertEquals(0, v.stat("/z").blocks());
            m.write("/z", 3, "again".getBytes());
            m.unlink("/t");
            m.unlink("/u");
            m.unlink("/w");
            m.unlink("/z");
            assertEquals(free0, v.fs.statfs(v.vol).bfree(), "free blocks after deleting everything");
            m.file("/last", TestTrees.random(7, 1234));
        }
        verify(img, tmp.resolve("expected"));
    }

    @Test
    void directoriesAndErrors() throws Exception {
        Path img = image(16);
        try (Vol v = Vol.rw(img)) {
            Mirror m = new Mirror(v, tmp.resolve("expected"));
            long root = v.root();
            long rootLinks = v.fs.getattr(v.vol, root).nlink();
            m.mkdir("/d1");
            m.mkdir("/d1/d2");
            m.mkdir("/d1/d2/d3");
            m.file("/d1/d2/d3/f", "x".getBytes());
            assertEquals(rootLinks + 1, v.fs.getattr(v.vol, root).nlink());
            assertEquals(3, v.stat("/d1").nlink());
            assertEquals(2, v.stat("/d1/d2/d3").nlink());
            assertTrue(fails(Errno.ENOTEMPTY, () -> v.rmdir("/d1")).getMessage().contains("d1"));
            fails(Errno.EISDIR, () -> v.unlink("/d1"));
            fails(Errno.ENOTDIR, () -> v.rmdir("/d1/d2/d3/f"));
            fails(Errno.EEXIST, () -> v.create("/d1/d2/d3/f"));
            fails(Errno.EEXIST, () -> v.mkdir("/d1"));
            fails(Errno.ENOTDIR, () -> v.fs.lookup(v.vol, v.ino("/d1/d2/d3/f"), "x"));
            fails(Errno.ENOENT, () -> v.unlink("/d1/nothing"));
            fails(Errno.ENAMETOOLONG, () -> v.create("/" + "n".repeat(256)));
            fails(Errno.EINVAL, () -> v.fs.readlink(v.vol, v.ino("/d1")));
            fails(Errno.EISDIR, () -> v.fs.read(v.vol, v.ino("/d1"), 0, new byte[10], 0, 10));
            m.file("/" + "n".repeat(255), "long name".getBytes());
            m.unlink("/d1/d2/d3/f");
            m.rmdir("/d1/d2/d3");
            assertEquals(2, v.stat("/d1/d2").nlink());
            long fifo = v.fs.create(v.vol, root, "fifo", Sys.S_IFIFO | 0600, 0, 0).ino();
            long chr = v.fs.create(v.vol, root, "chr", Sys.S_IFCHR | 0600, 0, 0).ino();
            assertEquals(Sys.S_IFIFO, v.fs.getattr(v.vol, fifo).type());
            assertEquals(Sys.S_IFCHR, v.fs.getattr(v.vol, chr).type());
            Map<String, Long> names = v.names(root);
            assertEquals(fifo, names.get("fifo"));
            for (DirEntry e : v.list(root, 1)) {
                if (e.name().equals("fifo")) {
                    assertEquals(Sys.DT_FIFO, e.type());
                } else if (e.name().equals("d1")) {
                    assertEquals(Sys.DT_DIR, e.type());
                }
            }
            v.unmount();
            Images.fsckClean(img);
        }
        try (Vol v = Vol.rw(img)) {
            v.unlink("/fifo");
            v.unlink("/chr");
            fails(Errno.ESTALE, () -> v.fs.getattr(v.vol, 999_999));
        }
        verify(img, tmp.resolve("expected"));
    }

    @Test
    void symlinksAndHardLinks() throws Exception {
        Path img = image(16);
        try (Vol v = Vol.rw(img)) {
            Mirror m = new Mirror(v, tmp.resolve("expected"));
            m.mkdir("/a");
            m.file("/a/f", "contents\n".getBytes());
            m.symlink("/fast", "a/f");
            String longTarget = "/very/" + "long/".repeat(60) + "target";
            m.symlink("/slow", longTarget);
            m.symlink("/a/exactly59", "x".repeat(59));
            m.symlink("/a/exactly60", "y".repeat(60));
            assertEquals("a/f", v.fs.readlink(v.vol, v.ino("/fast")));
            assertEquals(longTarget, v.fs.readlink(v.vol, v.ino("/slow")));
            assertEquals(0, v.stat("/fast").blocks());
            assertEquals(2, v.stat("/slow").blocks());
            assertEquals(longTarget.length(), v.stat("/slow").size());
            fails(Errno.ENAMETOOLONG, () -> v.symlink("/toolong", "z".repeat(1024)));
            m.link("/a/f", "/hard");
            m.link("/a/f", "/a/hard2");
            assertEquals(3, v.stat("/a/f").nlink());
            assertEquals(v.ino("/a/f"), v.ino("/hard"));
            m.unlink("/a/f");
            assertEquals(2, v.stat("/hard").nlink());
            m.link("/slow", "/slow2");
            m.unlink("/slow");
            assertEquals(longTarget, v.fs.readlink(v.vol, v.ino("/slow2")));
            fails(Errno.EPERM, () -> v.link("/a", "/a-link"));
        }
        verify(img, tmp.resolve("expected"));
    }

    @Test
    void renames() throws Exception {
        Path img = image(16);
        try (Vol v = Vol.rw(img)) {
            Mirror m = new Mirror(v, tmp.resolve("expected"));
            long ffree0 = v.fs.statfs(v.vol).ffree();
            m.mkdir("/p1");
            m.mkdir("/p2");
            m.file("/p1/a", "a".getBytes());
            m.file("/p1/b", "bbb".getBytes());
            m.rename("/p1/a", "/p1/a2");
            long b = v.ino("/p1/b");
            m.rename("/p1/a2", "/p1/b");
            assertArrayEquals("a".getBytes(), v.read("/p1/b"));
            fails(Errno.ESTALE, () -> v.fs.getattr(v.vol, b));
            assertEquals(ffree0 - 3, v.fs.statfs(v.vol).ffree());
            m.mkdir("/p1/sub");
            m.mkdir("/p1/sub/inner");
            m.file("/p1/sub/inner/f", "deep".getBytes());
            m.rename("/p1/sub", "/p2/sub");
            long sub = v.ino("/p2/sub");
            long dotdot = v.list(sub, 10).stream().filter(e -> e.name().equals("..")).findFirst().orElseThrow()
                    .ino();
            assertEquals(v.ino("/p2"), dotdot);
            assertEquals(2, v.stat("/p1").nlink());
            assertEquals(3, v.stat("/p2").nlink());
            m.mkdir("/p1/empty");
            m.mkdir("/p2/moved");
            m.rename("/p2/moved", "/p1/empty");
            assertEquals(3, v.stat("/p1").nlink());
            assertEquals(3, v.stat("/p2").nlink());
            fails(Errno.ENOTEMPTY, () -> v.rename("/p1/empty", "/p2/sub"));
            m.file("/p1/file", "f".getBytes());
            fails(Errno.ENOTDIR, () -> v.rename("/p1/empty", "/p1/file"));
            fails(Errno.EISDIR, () -> v.rename("/p1/file", "/p1/empty"));
            fails(Errno.ENOENT, () -> v.rename("/p1/none", "/p1/x"));
            v.rename("/p1/file", "/p1/file");
            m.link("/p1/file", "/p2/file-link");
            v.rename("/p1/file", "/p2/file-link");
            assertEquals(2, v.stat("/p1/file").nlink());
            m.mkdir("/p2/sub2");
            m.rename("/p2/sub2", "/p2/sub3");
            assertEquals(4, v.stat("/p2").nlink());
            m.mkdir("/p2/victim");
            m.rename("/p2/sub3", "/p2/victim");
            assertEquals(4, v.stat("/p2").nlink());
        }
        verify(img, tmp.resolve("expected"));
    }

    @Test
    void twoThousandFilesThenHalfDeleted() throws Exception {
        Path img = image(16);
        try (Vol v = Vol.rw(img)) {
            Mirror m = new Mirror(v, tmp.resolve("expected"));
            m.mkdir("/big");
            for (int i = 0; i < 2000; i++) {
                m.file("/big/file-" + i, i % 50 == 0 ? ("n" + i).getBytes() : new byte[0]);
            }
            assertEquals(2000, v.names(v.ino("/big")).size());
            for (int i = 0; i < 2000; i += 2) {
                m.unlink("/big/file-" + i);
            }
            Map<String, Long> names = v.names(v.ino("/big"));
            assertEquals(1000, names.size());
            for (int i = 1; i < 2000; i += 2) {
                assertTrue(names.containsKey("file-" + i));
            }
            long size = v.stat("/big").size();
            for (int i = 0; i < 300; i++) {
                m.file("/big/again-" + i, new byte[0]);
            }
            assertEquals(size, v.stat("/big").size(), "new entries reuse freed space");
        }
        verify(img, tmp.resolve("expected"));
    }

    @Test
    void fillTheDiskThenFree() throws Exception {
        Path img = image(8, "-g", "2048");
        assertTrue(Images.dumpe2fsHeader(img).contains("Blocks per group:         2048"));
        StatFs before;
        try (Vol v = Vol.rw(img)) {
            before = v.fs.statfs(v.vol);
            int n = 0;
            byte[] chunk = TestTrees.random(9, 256 * K);
            boolean full = false;
            while (!full) {
                long ino = v.create("/fill-" + n++);
                try {
                    int w = v.fs.write(v.vol, ino, 0, chunk, 0, chunk.length);
                    full = w < chunk.length;
                } catch (KernelException e) {
                    assertEquals(Errno.ENOSPC, e.errno(), e.getMessage());
                    full = true;
                }
            }
            assertEquals(0, v.fs.statfs(v.vol).bfree());
            fails(Errno.ENOSPC, () -> v.write(v.ino("/fill-0"), 256 * K, new byte[K]));
            long ffree = v.fs.statfs(v.vol).ffree();
            fails(Errno.ENOSPC, () -> v.mkdir("/no-room-for-me"));
            fails(Errno.ENOSPC, () -> v.symlink("/slow-link", "t".repeat(100)));
            fails(Errno.ENOENT, () -> v.ino("/no-room-for-me"));
            assertEquals(ffree, v.fs.statfs(v.vol).ffree(), "a failed create keeps no inode");
            int small = 0;
            try {
                while (true) {
                    v.create("/small-" + small++);
                }
            } catch (KernelException e) {
                assertEquals(Errno.ENOSPC, e.errno(), e.getMessage());
            }
            assertTrue(small > 1, "created " + small + " empty files in a full directory block");
            v.unmount();
            Images.fsckClean(img);
        }
        try (Vol v = Vol.rw(img)) {
            for (String name : v.names(v.root()).keySet()) {
                if (name.startsWith("fill-") || name.startsWith("small-")) {
                    v.unlink("/" + name);
                }
            }
            StatFs after = v.fs.statfs(v.vol);
            assertEquals(before.ffree(), after.ffree());
            long rootBlocksGrown = v.stat("/").size() / K - 1;
            assertEquals(before.bfree() - rootBlocksGrown, after.bfree());
        }
        Images.fsckClean(img);
    }

    @Test
    void unlinkedWhileOpenLivesUntilClose() throws Exception {
        Path img = image(16);
        try (Vol v = Vol.rw(img)) {
            long free0 = v.fs.statfs(v.vol).bfree();
            long ino = v.file("/f", TestTrees.random(1, 50 * K));
            v.mkdir("/d");
            long d = v.ino("/d");
            v.fs.open(v.vol, ino);
            v.fs.open(v.vol, d);
            v.unlink("/f");
            v.rmdir("/d");
            assertEquals(0, v.fs.getattr(v.vol, ino).nlink());
            assertArrayEquals(TestTrees.random(1, 50 * K), v.read(ino));
            v.write(ino, 50 * K, new byte[K]);
            assertTrue(v.list(d, 10).isEmpty(), "a removed directory lists nothing");
            fails(Errno.ENOENT, () -> v.fs.create(v.vol, d, "x", Sys.S_IFREG | 0644, 0, 0));
            v.fs.close(v.vol, ino);
            v.fs.close(v.vol, d);
            fails(Errno.ESTALE, () -> v.fs.getattr(v.vol, ino));
            fails(Errno.ESTALE, () -> v.fs.getattr(v.vol, d));
            assertEquals(free0, v.fs.statfs(v.vol).bfree());
            long g = v.file("/g", TestTrees.random(2, 10 * K));
            v.fs.open(v.vol, g);
            v.unlink("/g");
        }
        Images.fsckClean(img);
    }

    @Test
    void hashedDirectoryChangedStaysConsistent() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src/many"));
        for (int i = 0; i < 3000; i++) {
            Files.writeString(src.resolve("name-" + i), i % 100 == 0 ? "x" + i : "");
        }
        Path img = Images.mkfs(tmp, "img", 16, "-t", "ext2", "-b", "1024", "-N", "4096", "-d",
                tmp.resolve("src").toString());
        Images.indexDirectories(img);
        assertTrue(Images.debugfs(img, "stat /many").contains("Flags: 0x1000"));
        try (Vol v = Vol.rw(img)) {
            Mirror m = new Mirror(v, tmp.resolve("src"));
            assertEquals(3000, v.names(v.ino("/many")).size());
            for (int i = 0; i < 3000; i += 3) {
                m.unlink("/many/name-" + i);
            }
            for (int i = 0; i < 500; i++) {
                m.file("/many/new-" + i, ("new" + i).getBytes());
            }
            m.rename("/many/name-1", "/many/renamed");
            m.mkdir("/many/subdir");
            assertEquals(2000 + 500 + 1, v.names(v.ino("/many")).size());
        }
        assertFalse(Images.debugfs(img, "stat /many").contains("Flags: 0x1000"), "index flag cleared");
        verify(img, tmp.resolve("src"));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "block size {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1024, 2048, 4096})
    void mixedWorkload(int blockSize) throws Exception {
        Path img = Images.mkfs(tmp, "img", 32, "-t", "ext2", "-b", Integer.toString(blockSize), "-g",
                Integer.toString(blockSize * 2));
        Random r = new Random(blockSize);
        try (Vol v = Vol.rw(img)) {
            Mirror m = new Mirror(v, tmp.resolve("expected"));
            for (int d = 0; d < 6; d++) {
                m.mkdir("/d" + d);
                m.mkdir("/d" + d + "/sub");
                for (int f = 0; f < 20; f++) {
                    int size = r.nextInt(4) == 0 ? r.nextInt(600_000) : r.nextInt(5000);
                    m.file("/d" + d + "/f" + f, TestTrees.random(r.nextLong(), size));
                }
            }
            for (int i = 0; i < 40; i++) {
                String p = "/d" + r.nextInt(6) + "/f" + r.nextInt(20);
                if (!java.nio.file.Files.exists(m.host.resolve(p.substring(1)))) {
                    continue;
                }
                switch (r.nextInt(4)) {
                    case 0 -> m.unlink(p);
                    case 1 -> m.truncate(p, r.nextInt(300_000));
                    case 2 -> m.write(p, r.nextInt(700_000), TestTrees.random(r.nextLong(), r.nextInt(20_000)));
                    default -> m.rename(p, "/d" + r.nextInt(6) + "/sub/moved" + i);
                }
            }
            m.rename("/d1/sub", "/d2/sub-from-1");
            m.mkdir("/d3/gone");
            m.file("/d3/gone/f", new byte[100]);
            m.unlink("/d3/gone/f");
            m.rmdir("/d3/gone");
        }
        verify(img, tmp.resolve("expected"));
    }

    @Test
    void readdirWhileChanging() throws Exception {
        Path img = image(16);
        try (Vol v = Vol.rw(img)) {
            long d = v.mkdir("/d");
            for (int i = 0; i < 500; i++) {
                v.create("/d/orig-" + i);
            }
            java.util.Set<String> seen = new java.util.HashSet<>();
            java.util.Set<String> removed = new java.util.HashSet<>();
            long cookie = 0;
            int added = 0;
            while (true) {
                List<DirEntry> part = v.fs.readdir(v.vol, d, cookie, 7);
                if (part.isEmpty()) {
                    break;
                }
                for (DirEntry e : part) {
                    assertTrue(seen.add(e.name()), "returned twice: " + e.name());
                }
                cookie = part.get(part.size() - 1).next();
                int victim = (seen.size() * 7919) % 500;
                if (!seen.contains("orig-" + victim) && removed.add("orig-" + victim)) {
                    v.unlink("/d/orig-" + victim);
                }
                v.create("/d/new-" + added++);
            }
            for (int i = 0; i < 500; i++) {
                String n = "orig-" + i;
                assertEquals(!removed.contains(n), seen.contains(n), n);
            }
            assertTrue(removed.size() > 10, removed.size() + " removed during the listing");
        }
        Images.fsckClean(img);
    }

    @Test
    void attributesAndTimes() throws Exception {
        Path img = image(16);
        long t = 1_700_000_000_123_456_789L;
        try (Vol v = Vol.rw(img)) {
            long before = System.currentTimeMillis() * 1_000_000L - 2_000_000_000L;
            long ino = v.file("/f", "x".getBytes());
            Stat st = v.fs.getattr(v.vol, ino);
            assertTrue(st.mtimeNs() >= before && st.ctimeNs() >= before && st.atimeNs() >= before);
            v.fs.setattr(v.vol, ino, new SetAttr(0640, 100_000, 70_000, null, t - 5, t));
            v.fs.setattr(v.vol, ino, SetAttr.mode(Sys.S_IFDIR | 0600));
            fails(Errno.EISDIR, () -> v.fs.setattr(v.vol, v.root(), SetAttr.size(0)));
        }
        try (Vol v = Vol.rw(img)) {
            Stat st = v.stat("/f");
            assertEquals(Sys.S_IFREG | 0600, st.mode());
            assertEquals(100_000, st.uid());
            assertEquals(70_000, st.gid());
            assertEquals(t, st.mtimeNs());
            assertEquals(t - 5, st.atimeNs());
        }
        Images.fsckClean(img);
        Path small = Images.mkfs(tmp, "img128", 8, "-t", "ext2", "-b", "1024", "-I", "128");
        try (Vol v = Vol.rw(small)) {
            long ino = v.file("/f", "x".getBytes());
            v.fs.setattr(v.vol, ino, SetAttr.times(null, t));
            assertEquals(t / 1_000_000_000L * 1_000_000_000L, v.fs.getattr(v.vol, ino).mtimeNs());
        }
        Images.fsckClean(small);
    }

    @Test
    void smallCacheAndOptions() throws Exception {
        Path img = image(16);
        Ext2FileSystem fs = new Ext2FileSystem();
        try (ImageFile dev = ImageFile.rw(img)) {
            KernelException e = fails(Errno.EINVAL, () -> fs.mount(dev, "img", false, "cache=64,bogus=1"));
            assertTrue(e.getMessage().contains("bogus"), e.getMessage());
            fails(Errno.EINVAL, () -> fs.mount(dev, "img", false, "cache=lots"));
        }
        try (Vol v = new Vol(fs, ImageFile.rw(img), false, "cache=16")) {
            Mirror m = new Mirror(v, tmp.resolve("expected"));
            for (int d = 0; d < 10; d++) {
                m.mkdir("/dir" + d);
                for (int f = 0; f < 60; f++) {
                    m.file("/dir" + d + "/f" + f, TestTrees.random(d * 100 + f, (f * 977) % 20000));
                }
            }
            m.file("/large", TestTrees.random(5, 400 * K));
            for (int d = 0; d < 10; d += 2) {
                for (int f = 0; f < 60; f++) {
                    m.unlink("/dir" + d + "/f" + f);
                }
                m.rmdir("/dir" + d);
            }
            v.fs.sync(v.vol);
            assertTrue(v.fs.stats(v.vol).startsWith("cache 16 buffers") || v.fs.stats(v.vol).startsWith("cache 1"),
                    v.fs.stats(v.vol));
        }
        verify(img, tmp.resolve("expected"));
    }

    @Test
    void revisionZero() throws Exception {
        Path img = Images.mkfs(tmp, "img", 8, "-t", "ext2", "-r", "0", "-b", "1024");
        try (Vol v = Vol.rw(img)) {
            Mirror m = new Mirror(v, tmp.resolve("expected"));
            m.mkdir("/d");
            m.file("/d/f", TestTrees.random(1, 300 * K));
            m.symlink("/l", "d/f");
        }
        verify(img, tmp.resolve("expected"));
    }

    @Test
    void throughput() throws Exception {
        Path img = Images.mkfs(tmp, "img", 64, "-t", "ext2", "-b", "4096");
        byte[] data = TestTrees.random(3, 32 << 20);
        try (Vol v = Vol.rw(img)) {
            long ino = v.create("/big");
            long t0 = System.nanoTime();
            long w0 = v.dev.writes.get();
            v.write(ino, 0, data);
            v.fs.fsync(v.vol, ino, false);
            long t1 = System.nanoTime();
            long writes = v.dev.writes.get() - w0;
            byte[] back = v.read(ino);
            long t2 = System.nanoTime();
            assertArrayEquals(data, back);
            System.out.printf("ext2 throughput: write+fsync %.0f MB/s (%d device writes), read %.0f MB/s%n",
                    32e3 / ((t1 - t0) / 1e6), writes, 32e3 / ((t2 - t1) / 1e6));
            assertTrue(writes < 200, writes + " device writes for 32 MiB in 1 MiB calls");
        }
        Images.fsckClean(img);
    }
}
