package org.anykernel.drivers.fs.tmpfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import org.anykernel.base.api.DirEntry;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Stat;
import org.anykernel.base.api.StatFs;
import org.anykernel.base.api.Sys;
import org.anykernel.base.spi.Hypercalls;
import org.anykernel.base.spi.KernelMemory;
import org.anykernel.base.spi.KernelThreads;
import org.anykernel.base.spi.LinkContext;
import org.anykernel.vfs.api.FileSystem;
import org.anykernel.vfs.api.SetAttr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The driver contract of {@link FileSystem}, operation by operation and errno by errno, against tmpfs. */
class TmpFileSystemTest {
    private static final int REG = Sys.S_IFREG | 0644;
    private static final int DIR = Sys.S_IFDIR | 0755;

    private TestMemory mem;
    private TmpFileSystem fs;
    private long vol;
    private long root;

    @BeforeEach
    void setUp() {
        mem = new TestMemory(64L << 20);
        fs = new TmpFileSystem(mem);
        vol = fs.mount(null, "test", false, null);
        root = fs.root(vol);
    }

    @AfterEach
    void tearDown() {
        fs.deactivate();
        assertEquals(0, mem.used(), "every byte given back");
    }

    private static Errno errno(Executable call) {
        return assertThrows(KernelException.class, call).errno();
    }

    private static void assertErrno(Errno expected, Executable call) {
        KernelException e = assertThrows(KernelException.class, call);
        assertEquals(expected, e.errno(), e.getMessage());
        assertTrue(e.getMessage().startsWith(expected.name() + ": "), e.getMessage());
    }

    private long create(long dir, String name, int mode) {
        return fs.create(vol, dir, name, mode, 1000, 100).ino();
    }

    private void write(long ino, long pos, byte[] data) {
        assertEquals(data.length, fs.write(vol, ino, pos, data, 0, data.length));
    }

    private byte[] read(long ino, long pos, int len) {
        byte[] buf = new byte[len];
        int n = fs.read(vol, ino, pos, buf, 0, len);
        return Arrays.copyOf(buf, n);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private List<DirEntry> readdirAll(long dir) {
        List<DirEntry> all = new ArrayList<>();
        long cookie = 0;
        while (true) {
            List<DirEntry> chunk = fs.readdir(vol, dir, cookie, 3);
            if (chunk.isEmpty()) {
                return all;
            }
            assertTrue(chunk.size() <= 3);
            all.addAll(chunk);
            cookie = chunk.get(chunk.size() - 1).next();
        }
    }

    private Map<String, Long> names(long dir) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (DirEntry e : readdirAll(dir)) {
            assertEquals(null, m.put(e.name(), e.ino()), "duplicate " + e.name());
        }
        return m;
    }

    private static String repeat(String s, int n) {
        return s.repeat(n);
    }

    // ---- mount ----

    @Test
    void typeAndEmptyVolume() {
        assertEquals("tmpfs", fs.type());
        assertFalse(fs.needsDevice());
        Stat r = fs.getattr(vol, root);
        assertEquals(Sys.S_IFDIR | 01777, r.mode());
        assertEquals(2, r.nlink());
        assertEquals(0, r.uid());
        assertEquals(List.of(".", ".."), readdirAll(root).stream().map(DirEntry::name).toList());
        assertEquals(root, readdirAll(root).get(1).ino(), "the root is its own parent");
        assertEquals(root, fs.lookup(vol, root, "..").ino());
        assertEquals(root, fs.lookup(vol, root, ".").ino());
    }

    @Test
    void mountOptions() {
        long v = fs.mount(null, "opts", false, "size=1m, nr_inodes=10,mode=0700,uid=12,gid=34,");
        Stat r = fs.getattr(v, fs.root(v));
        assertEquals(Sys.S_IFDIR | 0700, r.mode());
        assertEquals(12, r.uid());
        assertEquals(34, r.gid());
        StatFs st = fs.statfs(v);
        assertEquals(256, st.blocks());
        assertEquals(10, st.files());
        assertEquals(9, st.ffree());
        assertNotEquals(v, vol);
        for (String bad : List.of("sise=1m", "size=", "size=12x", "size=-1", "mode=0800", "mode=99999", "uid=x",
                "gid=-1", "nr_inodes=1q", "size", "size=99999999999g")) {
            KernelException e = assertThrows(KernelException.class, () -> fs.mount(null, "bad", false, bad), bad);
            assertEquals(Errno.EINVAL, e.errno(), bad);
            assertTrue(e.getMessage().contains(bad.split(",")[0]), e.getMessage());
        }
        fs.unmount(v);
    }

    @Test
    void volumesAreIndependentAndStaleAfterUnmount() {
        long other = fs.mount(null, "other", false, null);
        long f = create(root, "a", REG);
        assertErrno(Errno.ENOENT, () -> fs.lookup(other, fs.root(other), "a"));
        fs.unmount(other);
        assertErrno(Errno.ESTALE, () -> fs.root(other));
        assertErrno(Errno.ESTALE, () -> fs.getattr(other, 1));
        assertErrno(Errno.ESTALE, () -> fs.unmount(other));
        assertErrno(Errno.ESTALE, () -> fs.sync(other));
        long again = fs.mount(null, "again", false, null);
        assertNotEquals(other, again, "a handle is never reused");
        assertErrno(Errno.ESTALE, () -> fs.getattr(other, 1));
        assertErrno(Errno.ESTALE, () -> fs.getattr(vol, 999));
        assertErrno(Errno.ESTALE, () -> fs.getattr(12345, f));
        fs.sync(vol);
        fs.fsync(vol, f, false);
        fs.fsync(vol, f, true);
        assertErrno(Errno.ESTALE, () -> fs.fsync(vol, 999, true));
    }

    // ---- create, lookup ----

    @Test
    void createEveryType() {
        long before = fs.getattr(vol, root).mtimeNs();
        Stat f = fs.create(vol, root, "file", REG, 1000, 100);
        assertEquals(REG, f.mode());
        assertEquals(1, f.nlink());
        assertEquals(1000, f.uid());
        assertEquals(100, f.gid());
        assertEquals(0, f.size());
        assertEquals(0, f.blocks());
        assertEquals(4096, f.blksize());
        assertEquals(f.atimeNs(), f.mtimeNs());
        assertEquals(f.mtimeNs(), f.ctimeNs());
        assertTrue(f.mtimeNs() >= before);
        Stat r = fs.getattr(vol, root);
        assertEquals(f.ctimeNs(), r.mtimeNs(), "parent mtime stamped with the create");
        assertEquals(f.ctimeNs(), r.ctimeNs());
        assertEquals(f, fs.lookup(vol, root, "file"));
        assertEquals(f, fs.getattr(vol, f.ino()));

        Stat d = fs.create(vol, root, "dir", DIR, 0, 0);
        assertTrue(d.isDirectory());
        assertEquals(2, d.nlink());
        assertEquals(3, fs.getattr(vol, root).nlink(), "2 + one subdirectory");
        for (int type : new int[] {Sys.S_IFIFO, Sys.S_IFCHR, Sys.S_IFBLK, Sys.S_IFSOCK}) {
            Stat n = fs.create(vol, root, "n" + type, type | 0600, 0, 0);
            assertEquals(type | 0600, n.mode());
            assertEquals(Sys.dtype(type), typeOf(root, "n" + type));
        }
        assertEquals(Sys.S_IFREG | 0600, fs.create(vol, root, "typeless", 0600, 0, 0).mode());
        assertErrno(Errno.EINVAL, () -> fs.create(vol, root, "lnk", Sys.S_IFLNK | 0777, 0, 0));
        assertErrno(Errno.EEXIST, () -> fs.create(vol, root, "file", REG, 0, 0));
        assertErrno(Errno.EEXIST, () -> fs.create(vol, root, "dir", DIR, 0, 0));
        assertErrno(Errno.ENOTDIR, () -> fs.create(vol, f.ino(), "x", REG, 0, 0));
        assertErrno(Errno.ESTALE, () -> fs.create(vol, 4242, "x", REG, 0, 0));
        assertNotEquals(f.ino(), d.ino());
        assertEquals(DIR & 07777, d.perm());
    }

    private int typeOf(long dir, String name) {
        return readdirAll(dir).stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow().type();
    }

    @Test
    void lookupErrorsAndNames() {
        long f = create(root, "f", REG);
        assertErrno(Errno.ENOENT, () -> fs.lookup(vol, root, "nope"));
        assertErrno(Errno.ENOTDIR, () -> fs.lookup(vol, f, "x"));
        String max = repeat("a", 255);
        assertErrno(Errno.ENOENT, () -> fs.lookup(vol, root, max));
        create(root, max, REG);
        assertEquals(REG, fs.lookup(vol, root, max).mode());
        assertErrno(Errno.ENAMETOOLONG, () -> fs.create(vol, root, repeat("a", 256), REG, 0, 0));
        assertErrno(Errno.ENAMETOOLONG, () -> fs.lookup(vol, root, repeat("a", 256)));
        // lookupIfPresent: absence is null, not an exception; every other error as lookup's
        assertNull(fs.lookupIfPresent(vol, root, "nope"));
        assertEquals(fs.lookup(vol, root, max), fs.lookupIfPresent(vol, root, max));
        assertErrno(Errno.ENOTDIR, () -> fs.lookupIfPresent(vol, f, "x"));
        assertErrno(Errno.ENAMETOOLONG, () -> fs.lookupIfPresent(vol, root, repeat("a", 256)));
        // 128 two-byte characters: 256 bytes of UTF-8 although only 128 chars
        assertErrno(Errno.ENAMETOOLONG, () -> fs.create(vol, root, repeat("\u00e9", 128), REG, 0, 0));
        String utf = repeat("\u00e9", 127);
        create(root, utf, REG);
        assertTrue(names(root).containsKey(utf));
        String emoji = "\uD83D\uDE00";
        create(root, emoji, REG);
        assertTrue(names(root).containsKey(emoji));
        assertErrno(Errno.EINVAL, () -> fs.create(vol, root, "a/b", REG, 0, 0));
        assertErrno(Errno.EINVAL, () -> fs.create(vol, root, "", REG, 0, 0));
        assertErrno(Errno.EINVAL, () -> fs.create(vol, root, "..", DIR, 0, 0));
    }

    // ---- symlink, link ----

    @Test
    void symlinks() {
        Stat l = fs.symlink(vol, root, "l", "some/where/\u00e9", 5, 6);
        assertTrue(l.isSymlink());
        assertEquals(Sys.S_IFLNK | 0777, l.mode());
        assertEquals(bytes("some/where/\u00e9").length, l.size());
        assertEquals(5, l.uid());
        assertEquals("some/where/\u00e9", fs.readlink(vol, l.ino()));
        assertEquals(Sys.DT_LNK, typeOf(root, "l"));
        long f = create(root, "f", REG);
        assertErrno(Errno.EINVAL, () -> fs.readlink(vol, f));
        assertErrno(Errno.EINVAL, () -> fs.readlink(vol, root));
        assertErrno(Errno.EEXIST, () -> fs.symlink(vol, root, "f", "x", 0, 0));
        assertErrno(Errno.ENOENT, () -> fs.symlink(vol, root, "empty", "", 0, 0));
        assertErrno(Errno.ENAMETOOLONG, () -> fs.symlink(vol, root, "long", repeat("x", 5000), 0, 0));
        assertErrno(Errno.ENOTDIR, () -> fs.symlink(vol, f, "x", "y", 0, 0));
        assertErrno(Errno.EINVAL, () -> fs.read(vol, l.ino(), 0, new byte[4], 0, 4));
        fs.unlink(vol, root, "l", false);
        assertErrno(Errno.ESTALE, () -> fs.readlink(vol, l.ino()));
    }

    @Test
    void hardLinks() throws Exception {
        long f = create(root, "f", REG);
        long d = create(root, "d", DIR);
        Stat before = fs.getattr(vol, f);
        Thread.sleep(2);
        Stat s = fs.link(vol, f, d, "g");
        assertEquals(2, s.nlink());
        assertEquals(f, fs.lookup(vol, d, "g").ino());
        assertTrue(s.ctimeNs() > before.ctimeNs(), "link stamps ctime");
        assertEquals(before.mtimeNs(), s.mtimeNs());
        assertEquals(s.ctimeNs(), fs.getattr(vol, d).mtimeNs());
        write(f, 0, bytes("shared"));
        assertArrayEquals(bytes("shared"), read(fs.lookup(vol, d, "g").ino(), 0, 10));
        assertErrno(Errno.EEXIST, () -> fs.link(vol, f, root, "d"));
        assertErrno(Errno.EPERM, () -> fs.link(vol, d, root, "d2"));
        assertErrno(Errno.ENOTDIR, () -> fs.link(vol, f, f, "x"));
        assertErrno(Errno.ESTALE, () -> fs.link(vol, 777, root, "x"));
        fs.unlink(vol, root, "f", false);
        assertEquals(1, fs.getattr(vol, f).nlink());
        assertArrayEquals(bytes("shared"), read(f, 0, 10));
        fs.open(vol, f);
        fs.unlink(vol, d, "g", false);
        assertEquals(0, fs.getattr(vol, f).nlink());
        assertErrno(Errno.ENOENT, () -> fs.link(vol, f, root, "back"));
        fs.close(vol, f);
        assertErrno(Errno.ESTALE, () -> fs.getattr(vol, f));
    }

    // ---- unlink, rmdir ----

    @Test
    void unlinkAndRmdir() throws Exception {
        long d = create(root, "d", DIR);
        long sub = create(d, "sub", DIR);
        long f = create(d, "f", REG);
        assertEquals(3, fs.getattr(vol, d).nlink());
        assertEquals(3, fs.getattr(vol, root).nlink());
        assertErrno(Errno.EISDIR, () -> fs.unlink(vol, d, "sub", false));
        assertErrno(Errno.ENOTDIR, () -> fs.unlink(vol, d, "f", true));
        assertErrno(Errno.ENOTEMPTY, () -> fs.unlink(vol, root, "d", true));
        assertErrno(Errno.ENOENT, () -> fs.unlink(vol, d, "nope", false));
        assertErrno(Errno.ENOENT, () -> fs.unlink(vol, d, "nope", true));
        assertErrno(Errno.ENOTDIR, () -> fs.unlink(vol, f, "x", false));
        assertErrno(Errno.ENAMETOOLONG, () -> fs.unlink(vol, d, repeat("z", 300), false));
        Stat dirBefore = fs.getattr(vol, d);
        Thread.sleep(2);
        fs.unlink(vol, d, "f", false);
        Stat dirAfter = fs.getattr(vol, d);
        assertTrue(dirAfter.mtimeNs() > dirBefore.mtimeNs());
        assertEquals(dirAfter.mtimeNs(), dirAfter.ctimeNs());
        assertErrno(Errno.ESTALE, () -> fs.getattr(vol, f));
        fs.unlink(vol, d, "sub", true);
        assertErrno(Errno.ESTALE, () -> fs.getattr(vol, sub));
        assertEquals(2, fs.getattr(vol, d).nlink());
        assertEquals(List.of(".", ".."), readdirAll(d).stream().map(DirEntry::name).toList());
        fs.unlink(vol, root, "d", true);
        assertEquals(2, fs.getattr(vol, root).nlink());
        assertErrno(Errno.ENOENT, () -> fs.lookup(vol, root, "d"));
    }

    @Test
    void removedDirectoryStillOpen() {
        long d = create(root, "d", DIR);
        fs.open(vol, d);
        fs.unlink(vol, root, "d", true);
        Stat s = fs.getattr(vol, d);
        assertEquals(0, s.nlink());
        assertErrno(Errno.ENOENT, () -> fs.create(vol, d, "x", REG, 0, 0));
        assertErrno(Errno.ENOENT, () -> fs.symlink(vol, d, "x", "t", 0, 0));
        assertErrno(Errno.ENOENT, () -> fs.lookup(vol, d, "x"));
        assertEquals(2, readdirAll(d).size());
        fs.close(vol, d);
        assertErrno(Errno.ESTALE, () -> fs.getattr(vol, d));
    }

    // ---- unlinked but open ----

    @Test
    void unlinkedButOpenLivesUntilLastClose() {
        long f = create(root, "f", REG);
        write(f, 0, new byte[10000]);
        long charged = fs.charged(vol);
        fs.open(vol, f);
        fs.unlink(vol, root, "f", false);
        assertErrno(Errno.ENOENT, () -> fs.lookup(vol, root, "f"));
        assertEquals(0, fs.getattr(vol, f).nlink());
        write(f, 20000, bytes("tail"));
        assertArrayEquals(bytes("tail"), read(f, 20000, 10));
        assertEquals(20004, fs.setattr(vol, f, SetAttr.mode(0600)).size());
        fs.open(vol, f); // a second opener: the driver counts
        fs.close(vol, f);
        assertEquals(0, fs.getattr(vol, f).nlink(), "still open once");
        assertTrue(fs.charged(vol) > charged - 64, "pages still charged while open");
        fs.close(vol, f);
        assertErrno(Errno.ESTALE, () -> fs.getattr(vol, f));
        assertErrno(Errno.ESTALE, () -> fs.read(vol, f, 0, new byte[1], 0, 1));
        assertErrno(Errno.ESTALE, () -> fs.close(vol, f));
        assertEquals(256, fs.charged(vol), "only the root inode is left");
    }

    @Test
    void closeOfLinkedInodeKeepsIt() {
        for (int i = 0; i < 1000; i++) {
            long f = create(root, "f", REG);
            fs.open(vol, f);
            fs.close(vol, f);
            assertEquals(1, fs.getattr(vol, f).nlink());
            fs.unlink(vol, root, "f", false);
            assertErrno(Errno.ESTALE, () -> fs.open(vol, f));
            assertEquals(256, fs.charged(vol), "create, open, close, unlink leaves nothing charged");
        }
        assertEquals(256, mem.used());
    }

    // ---- read, write, holes, seek ----

    @Test
    void readWriteAcrossPages() throws Exception {
        long f = create(root, "f", REG);
        byte[] data = new byte[3 * 4096 + 17];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        Stat before = fs.getattr(vol, f);
        Thread.sleep(2);
        write(f, 100, data);
        Stat s = fs.getattr(vol, f);
        assertEquals(100 + data.length, s.size());
        assertEquals(4 * 8, s.blocks());
        assertTrue(s.mtimeNs() > before.mtimeNs());
        assertEquals(s.mtimeNs(), s.ctimeNs());
        byte[] back = read(f, 0, 100 + data.length + 50);
        assertEquals(100 + data.length, back.length);
        assertArrayEquals(new byte[100], Arrays.copyOf(back, 100));
        assertArrayEquals(data, Arrays.copyOfRange(back, 100, back.length));
        // into the middle of a caller's buffer
        byte[] buf = new byte[20];
        Arrays.fill(buf, (byte) -1);
        assertEquals(5, fs.read(vol, f, 100, buf, 10, 5));
        assertArrayEquals(Arrays.copyOf(data, 5), Arrays.copyOfRange(buf, 10, 15));
        assertEquals(-1, buf[9]);
        assertEquals(-1, buf[15]);
        assertEquals(0, fs.read(vol, f, s.size(), buf, 0, 20));
        assertEquals(0, fs.read(vol, f, s.size() + 99999, buf, 0, 20));
        assertEquals(0, fs.read(vol, f, 0, buf, 0, 0));
        // overwrite inside: no new pages
        write(f, 4096, bytes("over"));
        assertEquals(4 * 8, fs.getattr(vol, f).blocks());
        assertArrayEquals(bytes("over"), read(f, 4096, 4));
        assertEquals(0, fs.write(vol, f, 0, buf, 0, 0));
        assertErrno(Errno.EINVAL, () -> fs.read(vol, f, -1, buf, 0, 1));
        assertErrno(Errno.EINVAL, () -> fs.write(vol, f, -1, buf, 0, 1));
        assertErrno(Errno.EFAULT, () -> fs.read(vol, f, 0, buf, 15, 10));
        assertErrno(Errno.EFAULT, () -> fs.write(vol, f, 0, buf, -1, 2));
        assertErrno(Errno.EFBIG, () -> fs.write(vol, f, Long.MAX_VALUE - 2, buf, 0, 10));
        long d = create(root, "d", DIR);
        assertErrno(Errno.EISDIR, () -> fs.read(vol, d, 0, buf, 0, 1));
        assertErrno(Errno.EISDIR, () -> fs.write(vol, d, 0, buf, 0, 1));
        long fifo = create(root, "p", Sys.S_IFIFO | 0600);
        assertErrno(Errno.EINVAL, () -> fs.write(vol, fifo, 0, buf, 0, 1));
        assertErrno(Errno.ESTALE, () -> fs.write(vol, 999, 0, buf, 0, 1));
    }

    @Test
    void holesReadAsZerosAndSeek() {
        long f = create(root, "f", REG);
        write(f, 10 * 4096 + 5, bytes("data"));
        write(f, 12 * 4096 - 2, bytes("span"));
        Stat s = fs.getattr(vol, f);
        assertEquals(12 * 4096 + 2, s.size());
        assertEquals(3 * 8, s.blocks(), "pages 10, 11 and 12 only");
        assertArrayEquals(new byte[4096], read(f, 0, 4096));
        assertArrayEquals(bytes("\0data\0"), read(f, 10 * 4096 + 4, 6));
        // SEEK_DATA
        assertEquals(10 * 4096, fs.seek(vol, f, 0, false));
        assertEquals(10 * 4096 + 9, fs.seek(vol, f, 10 * 4096 + 9, false));
        assertEquals(12 * 4096 + 1, fs.seek(vol, f, 12 * 4096 + 1, false));
        // SEEK_HOLE
        assertEquals(0, fs.seek(vol, f, 0, true));
        assertEquals(4096 * 9 + 1, fs.seek(vol, f, 4096 * 9 + 1, true));
        assertEquals(12 * 4096 + 2, fs.seek(vol, f, 10 * 4096, true), "the end counts as a hole");
        assertErrno(Errno.ENXIO, () -> fs.seek(vol, f, 12 * 4096 + 2, false));
        assertErrno(Errno.ENXIO, () -> fs.seek(vol, f, 12 * 4096 + 2, true));
        assertErrno(Errno.ENXIO, () -> fs.seek(vol, f, -1, true));
        // extend with a hole: data ends at page 12, no data after
        fs.setattr(vol, f, SetAttr.size(100 * 4096));
        assertEquals(3 * 8, fs.getattr(vol, f).blocks());
        assertErrno(Errno.ENXIO, () -> fs.seek(vol, f, 13 * 4096, false));
        assertEquals(13 * 4096, fs.seek(vol, f, 12 * 4096, true));
        long empty = create(root, "e", REG);
        assertErrno(Errno.ENXIO, () -> fs.seek(vol, empty, 0, false));
        fs.setattr(vol, empty, SetAttr.size(5));
        assertEquals(0, fs.seek(vol, empty, 0, true));
        assertErrno(Errno.ENXIO, () -> fs.seek(vol, empty, 0, false));
        assertErrno(Errno.EINVAL, () -> fs.seek(vol, root, 0, false));
    }

    @Test
    void hugeSparseOffsets() {
        long f = create(root, "f", REG);
        long far = 1L << 50;
        write(f, far, bytes("far"));
        write(f, 3, bytes("near"));
        Stat s = fs.getattr(vol, f);
        assertEquals(far + 3, s.size());
        assertEquals(16, s.blocks());
        assertArrayEquals(bytes("far"), read(f, far, 3));
        assertArrayEquals(new byte[8], read(f, far - 8, 8));
        assertEquals(0, fs.seek(vol, f, 0, false), "data by whole pages");
        assertEquals(4096, fs.seek(vol, f, 0, true));
        assertEquals(far, fs.seek(vol, f, 4096, false));
        assertEquals(far + 3, fs.seek(vol, f, far, true));
        long pageBytes = fs.charged(vol);
        fs.setattr(vol, f, SetAttr.size(4));
        assertEquals(pageBytes - 4096, fs.charged(vol));
        assertArrayEquals(bytes("\0\0\0n"), read(f, 0, 10));
        // a write just below the largest size is fine, one byte more is EFBIG
        write(f, Long.MAX_VALUE - 1, bytes("z"));
        assertEquals(Long.MAX_VALUE, fs.getattr(vol, f).size());
        assertEquals((Long.MAX_VALUE - 1) & ~4095L, fs.seek(vol, f, 4096, false));
        assertErrno(Errno.EFBIG, () -> fs.write(vol, f, Long.MAX_VALUE - 1, bytes("zz"), 0, 2));
    }

    // ---- setattr ----

    @Test
    void setattrFields() throws Exception {
        long f = create(root, "f", Sys.S_IFREG | 0644);
        Stat before = fs.getattr(vol, f);
        Thread.sleep(2);
        Stat s = fs.setattr(vol, f, SetAttr.mode(Sys.S_IFDIR | 04755));
        assertEquals(Sys.S_IFREG | 04755, s.mode(), "type bits ignored");
        assertTrue(s.ctimeNs() > before.ctimeNs());
        assertEquals(before.mtimeNs(), s.mtimeNs());
        s = fs.setattr(vol, f, SetAttr.owner(7, null));
        assertEquals(7, s.uid());
        assertEquals(100, s.gid());
        s = fs.setattr(vol, f, SetAttr.owner(null, 8));
        assertEquals(7, s.uid());
        assertEquals(8, s.gid());
        s = fs.setattr(vol, f, SetAttr.times(1_000_000_123L, null));
        assertEquals(1_000_000_123L, s.atimeNs());
        assertEquals(before.mtimeNs(), s.mtimeNs());
        s = fs.setattr(vol, f, SetAttr.times(null, -5L));
        assertEquals(-5L, s.mtimeNs());
        assertEquals(1_000_000_123L, s.atimeNs());
        assertEquals(s, fs.getattr(vol, f));
        s = fs.setattr(vol, f, new SetAttr(0600, 1, 2, 10L, 3L, 4L));
        assertEquals(Sys.S_IFREG | 0600, s.mode());
        assertEquals(10, s.size());
        assertEquals(3L, s.atimeNs());
        assertEquals(4L, s.mtimeNs(), "an explicit mtime wins over the truncate's");
        assertErrno(Errno.EISDIR, () -> fs.setattr(vol, root, SetAttr.size(0)));
        long fifo = create(root, "p", Sys.S_IFIFO | 0600);
        assertErrno(Errno.EINVAL, () -> fs.setattr(vol, fifo, SetAttr.size(0)));
        assertErrno(Errno.EINVAL, () -> fs.setattr(vol, f, SetAttr.size(-1)));
        assertEquals(10, fs.getattr(vol, f).size(), "a failed call changes nothing");
        assertErrno(Errno.ESTALE, () -> fs.setattr(vol, 999, SetAttr.mode(0)));
        assertEquals(Sys.S_IFDIR | 0700, fs.setattr(vol, root, SetAttr.mode(0700)).mode());
    }

    @Test
    void truncateZerosTheTailAndFreesPages() throws Exception {
        long f = create(root, "f", REG);
        byte[] ones = new byte[3 * 4096];
        Arrays.fill(ones, (byte) 1);
        write(f, 0, ones);
        long base = mem.used();
        Stat before = fs.getattr(vol, f);
        Thread.sleep(2);
        Stat s = fs.setattr(vol, f, SetAttr.size(100));
        assertEquals(100, s.size());
        assertEquals(8, s.blocks());
        assertTrue(s.mtimeNs() > before.mtimeNs(), "truncate stamps mtime");
        assertEquals(s.mtimeNs(), s.ctimeNs());
        assertEquals(base - 2 * 4096, mem.used());
        fs.setattr(vol, f, SetAttr.size(5000));
        byte[] back = read(f, 0, 5000);
        for (int i = 0; i < 5000; i++) {
            assertEquals(i < 100 ? 1 : 0, back[i], "byte " + i);
        }
        write(f, 4990, bytes("x"));
        assertEquals(0, read(f, 4989, 1)[0]);
        fs.setattr(vol, f, SetAttr.size(0));
        assertEquals(0, fs.getattr(vol, f).blocks());
        assertEquals(base - 3 * 4096, mem.used());
        fs.setattr(vol, f, SetAttr.size(4096));
        assertArrayEquals(new byte[4096], read(f, 0, 4096));
    }

    // ---- readdir ----

    @Test
    void readdirListsEverythingOnceWithTypes() {
        long d = create(root, "d", DIR);
        Set<String> expected = new HashSet<>(List.of(".", ".."));
        for (int i = 0; i < 50; i++) {
            create(d, "f" + i, i % 5 == 0 ? DIR : REG);
            expected.add("f" + i);
        }
        List<DirEntry> all = readdirAll(d);
        assertEquals(expected, new HashSet<>(all.stream().map(DirEntry::name).toList()));
        assertEquals(52, all.size());
        assertEquals(new DirEntry(d, 1, Sys.DT_DIR, "."), all.get(0));
        assertEquals(new DirEntry(root, 2, Sys.DT_DIR, ".."), all.get(1));
        for (DirEntry e : all.subList(2, all.size())) {
            Stat st = fs.lookup(vol, d, e.name());
            assertEquals(st.ino(), e.ino());
            assertEquals(Sys.dtype(st.mode()), e.type());
        }
        assertEquals(12, fs.getattr(vol, d).nlink());
        assertEquals(20 * 52, fs.getattr(vol, d).size());
        assertEquals(1, fs.readdir(vol, d, 0, 1).size());
        assertTrue(fs.readdir(vol, d, all.get(all.size() - 1).next(), 10).isEmpty());
        assertEquals(List.of(), fs.readdir(vol, d, Long.MAX_VALUE, 10));
        assertErrno(Errno.ENOTDIR, () -> fs.readdir(vol, fs.lookup(vol, d, "f1").ino(), 0, 10));
        assertErrno(Errno.EINVAL, () -> fs.readdir(vol, d, -1, 10));
        assertErrno(Errno.ESTALE, () -> fs.readdir(vol, 999, 0, 10));
    }

    @Test
    void readdirCookiesStableWhileDeleting() {
        long d = create(root, "d", DIR);
        int n = 300;
        for (int i = 0; i < n; i++) {
            create(d, "e" + i, REG);
        }
        Map<String, Integer> seen = new HashMap<>();
        Set<String> removedUnseen = new HashSet<>();
        Set<String> added = new HashSet<>();
        long cookie = 0;
        int round = 0;
        while (true) {
            List<DirEntry> chunk = fs.readdir(vol, d, cookie, 7);
            if (chunk.isEmpty()) {
                break;
            }
            for (DirEntry e : chunk) {
                seen.merge(e.name(), 1, Integer::sum);
            }
            cookie = chunk.get(chunk.size() - 1).next();
            // delete some just seen (lots: forces compaction) and some not yet seen, add new ones
            for (DirEntry e : chunk) {
                if (e.name().startsWith("e") && Integer.parseInt(e.name().substring(1)) % 3 != 0) {
                    fs.unlink(vol, d, e.name(), false);
                }
            }
            String ahead = "e" + (n - 1 - round);
            if (!seen.containsKey(ahead) && fs.readdir(vol, d, 0, 1000).stream().anyMatch(e -> e.name().equals(ahead))) {
                fs.unlink(vol, d, ahead, false);
                removedUnseen.add(ahead);
            }
            if (round < 20) { // (adding one per chunk for ever would never end, as on any POSIX system)
                String fresh = "new" + round;
                create(d, fresh, REG);
                added.add(fresh);
            }
            round++;
            assertTrue(round < 1000, "readdir ends");
        }
        for (int i = 0; i < n; i++) {
            String name = "e" + i;
            if (removedUnseen.contains(name)) {
                assertFalse(seen.containsKey(name), name + " was removed before it was reached");
            } else {
                assertEquals(1, seen.get(name), name + " returned exactly once");
            }
        }
        assertEquals(1, seen.get("."));
        assertEquals(1, seen.get(".."));
        for (Map.Entry<String, Integer> e : seen.entrySet()) {
            assertEquals(1, e.getValue(), "no duplicates: " + e.getKey());
        }
        assertFalse(removedUnseen.isEmpty());
        // what is left lists consistently
        Map<String, Long> left = names(d);
        assertEquals(20, added.size());
        for (String a : added) {
            assertTrue(left.containsKey(a));
        }
        assertEquals(left.size() - 2, (fs.getattr(vol, d).size() / 20) - 2);
    }

    @Test
    void readdirCookieOfRemovedEntryResumesAfterIt() {
        long d = create(root, "d", DIR);
        for (String s : List.of("a", "b", "c", "d")) {
            create(d, s, REG);
        }
        List<DirEntry> first = fs.readdir(vol, d, 0, 3);
        assertEquals("a", first.get(2).name());
        fs.unlink(vol, d, "a", false);
        fs.unlink(vol, d, "b", false);
        assertEquals(List.of("c", "d"), fs.readdir(vol, d, first.get(2).next(), 10).stream().map(DirEntry::name).toList());
        fs.unlink(vol, d, "d", false);
        create(d, "z", REG);
        assertEquals(List.of("c", "z"), fs.readdir(vol, d, first.get(2).next(), 10).stream().map(DirEntry::name).toList());
    }

    // ---- rename ----

    @Test
    void renameWithinAndAcrossDirectories() throws Exception {
        long a = create(root, "a", DIR);
        long b = create(root, "b", DIR);
        long f = create(a, "f", REG);
        write(f, 0, bytes("content"));
        Stat before = fs.getattr(vol, f);
        Thread.sleep(2);
        fs.rename(vol, a, "f", a, "g");
        assertErrno(Errno.ENOENT, () -> fs.lookup(vol, a, "f"));
        assertEquals(f, fs.lookup(vol, a, "g").ino());
        Stat after = fs.getattr(vol, f);
        assertTrue(after.ctimeNs() > before.ctimeNs(), "rename stamps the inode's ctime");
        assertEquals(before.mtimeNs(), after.mtimeNs());
        assertEquals(after.ctimeNs(), fs.getattr(vol, a).mtimeNs());
        fs.rename(vol, a, "g", b, "h");
        assertEquals(f, fs.lookup(vol, b, "h").ino());
        assertEquals(List.of(".", ".."), names(a).keySet().stream().toList());
        assertArrayEquals(bytes("content"), read(f, 0, 100));
        assertEquals(fs.getattr(vol, a).mtimeNs(), fs.getattr(vol, b).mtimeNs());
        assertErrno(Errno.ENOENT, () -> fs.rename(vol, a, "missing", b, "x"));
        assertErrno(Errno.ENOTDIR, () -> fs.rename(vol, f, "x", b, "y"));
        assertErrno(Errno.ENOTDIR, () -> fs.rename(vol, b, "h", f, "y"));
        assertErrno(Errno.ENAMETOOLONG, () -> fs.rename(vol, b, "h", a, repeat("n", 256)));
        assertEquals(f, fs.lookup(vol, b, "h").ino(), "failed renames changed nothing");
    }

    @Test
    void renameReplacesPerPosix() {
        long d = create(root, "d", DIR);
        long f1 = create(d, "f1", REG);
        long f2 = create(d, "f2", REG);
        write(f2, 0, new byte[8192]);
        long full = create(d, "full", DIR);
        create(full, "x", REG);
        long empty = create(d, "empty", DIR);
        long dir2 = create(d, "dir2", DIR);
        assertEquals(5, fs.getattr(vol, d).nlink());
        // file over file: the old one is gone and its pages given back
        long charged = fs.charged(vol);
        fs.rename(vol, d, "f1", d, "f2");
        assertEquals(f1, fs.lookup(vol, d, "f2").ino());
        assertErrno(Errno.ESTALE, () -> fs.getattr(vol, f2));
        assertTrue(fs.charged(vol) <= charged - 8192 - 256);
        // file over directory, directory over file
        assertErrno(Errno.EISDIR, () -> fs.rename(vol, d, "f2", d, "empty"));
        assertErrno(Errno.ENOTDIR, () -> fs.rename(vol, d, "dir2", d, "f2"));
        // directory over non-empty directory
        assertErrno(Errno.ENOTEMPTY, () -> fs.rename(vol, d, "dir2", d, "full"));
        // directory over empty directory: link counts
        fs.rename(vol, d, "dir2", d, "empty");
        assertEquals(dir2, fs.lookup(vol, d, "empty").ino());
        assertErrno(Errno.ESTALE, () -> fs.getattr(vol, empty));
        assertEquals(4, fs.getattr(vol, d).nlink());
        // the same inode under both names: nothing happens
        fs.link(vol, f1, d, "alias");
        fs.rename(vol, d, "alias", d, "f2");
        assertEquals(f1, fs.lookup(vol, d, "alias").ino());
        assertEquals(f1, fs.lookup(vol, d, "f2").ino());
        assertEquals(2, fs.getattr(vol, f1).nlink());
        // a name to itself
        fs.rename(vol, d, "full", d, "full");
        assertEquals(full, fs.lookup(vol, d, "full").ino());
        assertEquals(2, fs.getattr(vol, full).nlink());
        // a replaced file that is open lives on
        long victim = create(d, "victim", REG);
        fs.open(vol, victim);
        fs.rename(vol, d, "f2", d, "victim");
        assertEquals(0, fs.getattr(vol, victim).nlink());
        fs.close(vol, victim);
        assertErrno(Errno.ESTALE, () -> fs.getattr(vol, victim));
    }

    @Test
    void renameDirectoryBetweenParents() {
        long p1 = create(root, "p1", DIR);
        long p2 = create(root, "p2", DIR);
        long c = create(p1, "c", DIR);
        long gc = create(c, "gc", DIR);
        assertEquals(3, fs.getattr(vol, p1).nlink());
        assertEquals(2, fs.getattr(vol, p2).nlink());
        fs.rename(vol, p1, "c", p2, "moved");
        assertEquals(2, fs.getattr(vol, p1).nlink());
        assertEquals(3, fs.getattr(vol, p2).nlink());
        assertEquals(3, fs.getattr(vol, c).nlink());
        assertEquals(p2, fs.lookup(vol, c, "..").ino());
        assertEquals(p2, names(c).get(".."));
        assertEquals(c, fs.lookup(vol, gc, "..").ino());
        // replacing an empty directory in the other parent
        long e = create(p1, "e", DIR);
        assertEquals(3, fs.getattr(vol, p1).nlink());
        fs.rename(vol, p2, "moved", p1, "e");
        assertErrno(Errno.ESTALE, () -> fs.getattr(vol, e));
        assertEquals(3, fs.getattr(vol, p1).nlink());
        assertEquals(2, fs.getattr(vol, p2).nlink());
        assertEquals(p1, fs.lookup(vol, c, "..").ino());
        // not below itself (the VFS checks; the driver too)
        assertErrno(Errno.EINVAL, () -> fs.rename(vol, p1, "e", gc, "loop"));
        assertErrno(Errno.EINVAL, () -> fs.rename(vol, p1, "e", c, "loop"));
        assertEquals(c, fs.lookup(vol, p1, "e").ino());
        assertEquals(4, fs.getattr(vol, root).nlink());
    }

    // ---- accounting and limits ----

    @Test
    void memoryQuotaGivesEnomemAndUnmountGivesEverythingBack() {
        TestMemory small = new TestMemory(64 * 1024);
        TmpFileSystem t = new TmpFileSystem(small);
        long v = t.mount(null, "small", false, null);
        long r = t.root(v);
        assertEquals(256, small.used());
        long f = t.create(v, r, "f", REG, 0, 0).ino();
        byte[] page = new byte[4096];
        Arrays.fill(page, (byte) 3);
        int written = 0;
        KernelException full = null;
        for (int i = 0; i < 100 && full == null; i++) {
            try {
                t.write(v, f, (long) i * 4096, page, 0, 4096);
                written++;
            } catch (KernelException e) {
                full = e;
            }
        }
        assertTrue(full != null && full.errno() == Errno.ENOMEM, String.valueOf(full));
        assertEquals((long) written * 4096, t.getattr(v, f).size(), "the failed write changed nothing");
        assertEquals(written * 8L, t.getattr(v, f).blocks());
        // a write into pages already there needs no memory
        t.write(v, f, 0, page, 0, 100);
        // a write of two pages of which only one fits fails whole
        long size = t.getattr(v, f).size();
        long free = small.quota() - small.used();
        assertTrue(free < 4096);
        assertEquals(Errno.ENOMEM, errno(() -> t.write(v, f, size, new byte[8192], 0, 8192)));
        assertEquals(size, t.getattr(v, f).size());
        // creates hit the quota too
        t.setattr(v, f, SetAttr.size(0));
        int files = 0;
        Errno stop = null;
        while (stop == null) {
            try {
                t.create(v, r, "n" + files, REG, 0, 0);
                files++;
            } catch (KernelException e) {
                stop = e.errno();
            }
        }
        assertEquals(Errno.ENOMEM, stop);
        assertTrue(files > 100 && files < 300, "files " + files);
        StatFs st = t.statfs(v);
        assertEquals(16, st.blocks());
        assertEquals(0, st.bfree());
        // unlinking everything gives back to the root inode only
        for (int i = 0; i < files; i++) {
            t.unlink(v, r, "n" + i, false);
        }
        t.unlink(v, r, "f", false);
        assertEquals(256, small.used());
        long f2 = t.create(v, r, "again", REG, 0, 0).ino();
        t.write(v, f2, 8192, page, 0, 4096);
        t.open(v, f2);
        t.unmount(v);
        assertEquals(0, small.used(), "unmount gives back everything, open files included");
        assertEquals(Errno.ESTALE, errno(() -> t.getattr(v, f2)));
    }

    @Test
    void sizeLimitGivesEnospc() {
        long v = fs.mount(null, "limited", false, "size=10k,nr_inodes=4");
        long r = fs.root(v);
        StatFs st = fs.statfs(v);
        assertEquals(3, st.blocks(), "10k rounds up to 3 pages");
        assertEquals(3, st.bfree());
        long f = fs.create(v, r, "f", REG, 0, 0).ino();
        fs.write(v, f, 0, new byte[3 * 4096], 0, 3 * 4096);
        assertEquals(0, fs.statfs(v).bfree());
        assertEquals(Errno.ENOSPC, errno(() -> fs.write(v, f, 3 * 4096, new byte[1], 0, 1)));
        assertEquals(3 * 4096, fs.getattr(v, f).size());
        // sparse extension is no allocation
        fs.setattr(v, f, SetAttr.size(1 << 20));
        fs.setattr(v, f, SetAttr.size(4096));
        fs.write(v, f, 100000, new byte[10], 0, 10);
        fs.create(v, r, "g", REG, 0, 0);
        fs.create(v, r, "h", DIR, 0, 0);
        assertEquals(0, fs.statfs(v).ffree());
        assertEquals(Errno.ENOSPC, errno(() -> fs.create(v, r, "i", REG, 0, 0)));
        assertEquals(Errno.ENOSPC, errno(() -> fs.symlink(v, r, "i", "t", 0, 0)));
        fs.link(v, f, r, "links-need-no-inode");
        fs.unlink(v, r, "g", false);
        fs.create(v, r, "i", REG, 0, 0);
        fs.unmount(v);
    }

    @Test
    void statfsReportsTmpfs() {
        StatFs st = fs.statfs(vol);
        assertEquals(0x01021994L, st.type());
        assertEquals(4096, st.bsize());
        assertEquals(255, st.namelen());
        assertEquals(0, st.flags());
        assertEquals(mem.quota() / 4096, st.blocks());
        long f = create(root, "f", REG);
        write(f, 0, new byte[40960]);
        StatFs st2 = fs.statfs(vol);
        assertEquals(st.bfree() - 10, st2.bfree());
        assertEquals(st2.bfree(), st2.bavail());
        assertTrue(st2.ffree() < st.ffree());
        assertEquals(2, st2.files() - st2.ffree());
    }

    @Test
    void readOnlyRefusesEveryChange() {
        long v = fs.mount(null, "ro", true, "mode=0755");
        long r = fs.root(v);
        assertEquals(Sys.MS_RDONLY, fs.statfs(v).flags());
        List<Executable> changes = List.of(
                () -> fs.create(v, r, "f", REG, 0, 0),
                () -> fs.create(v, r, "d", DIR, 0, 0),
                () -> fs.symlink(v, r, "l", "t", 0, 0),
                () -> fs.link(v, r, r, "x"),
                () -> fs.unlink(v, r, "x", false),
                () -> fs.unlink(v, r, "x", true),
                () -> fs.rename(v, r, "a", r, "b"),
                () -> fs.setattr(v, r, SetAttr.mode(0700)),
                () -> fs.setattr(v, r, SetAttr.times(1L, 1L)),
                () -> fs.write(v, r, 0, new byte[1], 0, 1));
        for (Executable c : changes) {
            assertErrno(Errno.EROFS, c);
        }
        assertEquals(Sys.S_IFDIR | 0755, fs.getattr(v, r).mode());
        assertEquals(2, fs.readdir(v, r, 0, 10).size());
        assertErrno(Errno.ENOENT, () -> fs.lookup(v, r, "x"));
        fs.open(v, r);
        fs.close(v, r);
        fs.sync(v);
        fs.unmount(v);
    }

    // ---- concurrency ----

    @Test
    void concurrentCallersKeepTheVolumeConsistent() throws Exception {
        int threads = 4;
        int rounds = 400;
        long[] dirs = new long[threads];
        for (int t = 0; t < threads; t++) {
            dirs[t] = create(root, "t" + t, DIR);
        }
        long shared = create(root, "shared", REG);
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                results.add(pool.submit(() -> {
                    long d = dirs[id];
                    byte[] buf = new byte[6000];
                    for (int i = 0; i < rounds; i++) {
                        long f = fs.create(vol, d, "f" + i, REG, id, id).ino();
                        byte[] data = ("thread " + id + " file " + i).getBytes(StandardCharsets.UTF_8);
                        fs.write(vol, f, i * 10L, data, 0, data.length);
                        assertEquals(data.length, fs.read(vol, f, i * 10L, buf, 0, buf.length));
                        assertArrayEquals(data, Arrays.copyOf(buf, data.length));
                        // a shared file, each thread its own page
                        fs.write(vol, shared, id * 4096L + (i % 4000), data, 0, 1);
                        fs.getattr(vol, root);
                        fs.readdir(vol, root, 0, 16);
                        if (i % 2 == 1) {
                            fs.open(vol, f);
                            fs.unlink(vol, d, "f" + i, false);
                            fs.close(vol, f);
                        }
                        if (i % 50 == 0) {
                            fs.create(vol, d, "sub" + i, DIR, 0, 0);
                        }
                    }
                    return null;
                }));
            }
            // a reader of everything while they work
            results.add(pool.submit(() -> {
                for (int i = 0; i < 200; i++) {
                    for (long d : dirs) {
                        for (DirEntry e : fs.readdir(vol, d, 0, 1000)) {
                            try {
                                fs.getattr(vol, e.ino());
                            } catch (KernelException ex) {
                                assertEquals(Errno.ESTALE, ex.errno(), "only a just-removed inode");
                            }
                        }
                    }
                }
                return null;
            }));
            for (Future<?> r : results) {
                r.get();
            }
        } finally {
            pool.shutdownNow();
        }
        long expectedCharge = 256L * (1 + 1 + threads); // root, shared, the thread dirs
        expectedCharge += 64 + "shared".length() + threads * (64 + 2L) + 4 * 4096L;
        for (int t = 0; t < threads; t++) {
            Map<String, Long> left = names(dirs[t]);
            int files = 0;
            int subs = 0;
            for (Map.Entry<String, Long> e : left.entrySet()) {
                String n = e.getKey();
                if (n.startsWith("f")) {
                    int i = Integer.parseInt(n.substring(1));
                    assertEquals(0, i % 2, n);
                    byte[] data = ("thread " + t + " file " + i).getBytes(StandardCharsets.UTF_8);
                    Stat st = fs.getattr(vol, e.getValue());
                    assertEquals(i * 10L + data.length, st.size());
                    assertArrayEquals(data, read(e.getValue(), i * 10L, data.length));
                    files++;
                    long pages = ((i * 10L + data.length - 1) / 4096) - (i * 10L / 4096) + 1;
                    assertEquals(pages * 8, st.blocks());
                    expectedCharge += 256 + 64 + n.length() + pages * 4096;
                } else if (n.startsWith("sub")) {
                    subs++;
                    expectedCharge += 256 + 64 + n.length();
                }
            }
            assertEquals(rounds / 2, files);
            assertEquals(rounds / 50, subs);
            assertEquals(2 + subs, fs.getattr(vol, dirs[t]).nlink());
        }
        assertEquals(2 + threads, fs.getattr(vol, root).nlink());
        assertEquals(32, fs.getattr(vol, shared).blocks());
        assertEquals(expectedCharge, fs.charged(vol));
        assertEquals(expectedCharge, mem.used());
    }

    // ---- state kept in the base ----

    /** What kernel-base's KernelObjects does for one domain: a map that outlives the drivers. */
    private static final class DomainObjects implements org.anykernel.base.spi.KernelObjects {
        final Map<String, Object> map = new HashMap<>();

        @Override
        public <T> T get(String key, Class<T> type, java.util.function.Supplier<T> create) {
            return type.cast(map.compute(key, (k, old) -> type.isInstance(old) ? old : create.get()));
        }

        @Override
        public void remove(String key) {
            map.remove(key);
        }
    }

    @Test
    void aRestartedDriverFindsTheVolumesItsPredecessorKeptInTheBase() {
        DomainObjects objects = new DomainObjects();
        long before = mem.used();
        TmpFileSystem first = new TmpFileSystem(mem, objects);
        long v = first.mount(null, "survivor", false, null);
        long ino = first.create(v, first.root(v), "kept", REG, 0, 0).ino();
        byte[] data = "no file is lost".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        first.write(v, ino, 0, data, 0, data.length);
        long used = mem.used();
        first.deactivate(); // the driver stops (a crash and restart): its volumes are the base's
        TmpFileSystem second = new TmpFileSystem(mem, objects);
        assertEquals(ino, second.lookup(v, second.root(v), "kept").ino());
        byte[] back = new byte[data.length];
        assertEquals(data.length, second.read(v, ino, 0, back, 0, back.length));
        assertArrayEquals(data, back);
        assertEquals(used, mem.used(), "nothing charged twice, nothing given back");
        assertTrue(used > before);
        second.unmount(v);
        assertEquals(before, mem.used(), "unmount gives it all back");
    }

    @Test
    void aNewBuildTakesOverTheVolumesWithTheirHandlesInodesAndCookies() {
        long before = mem.used();
        TmpFileSystem old = new TmpFileSystem(mem);
        long v = old.mount(null, "handed", false, "size=1M");
        long root = old.root(v);
        long d = old.create(v, root, "d", Sys.S_IFDIR | 0750, 7, 8).ino();
        long f = old.create(v, d, "f", REG, 7, 8).ino();
        byte[] data = new byte[10_000];
        new java.util.Random(5).nextBytes(data);
        old.write(v, f, 5 << 20 >> 4, data, 0, data.length);
        old.symlink(v, d, "ln", "f", 0, 0);
        for (int i = 0; i < 40; i++) {
            old.create(v, d, "x" + i, REG, 0, 0);
        }
        long orphan = old.create(v, root, "orphan", REG, 0, 0).ino();
        old.open(v, orphan);
        old.write(v, orphan, 0, data, 0, 100);
        old.unlink(v, root, "orphan", false);
        List<DirEntry> firstHalf = old.readdir(v, d, 0, 20);
        long cookie = firstHalf.get(firstHalf.size() - 1).next();
        Stat fStat = old.getattr(v, f);
        long used = mem.used();

        java.util.Map<String, Object> state = old.exportState();
        assertEquals(before, mem.used(), "the old build let go of everything");
        TmpFileSystem next = new TmpFileSystem(mem);
        next.importState(state);
        assertEquals(used, mem.used(), "the new build holds exactly as much");
        assertEquals(fStat, next.getattr(v, f));
        byte[] back = new byte[data.length];
        assertEquals(data.length, next.read(v, f, 5 << 20 >> 4, back, 0, back.length));
        assertArrayEquals(data, back);
        assertEquals("f", next.readlink(v, next.lookup(v, d, "ln").ino()));
        List<DirEntry> rest = next.readdir(v, d, cookie, 100);
        java.util.Set<String> seen = new java.util.HashSet<>();
        firstHalf.forEach(e -> seen.add(e.name()));
        rest.forEach(e -> assertTrue(seen.add(e.name()), "once: " + e.name()));
        assertEquals(2 + 40 + 2, seen.size(), "the readdir position survived: " + seen);
        assertEquals(0, next.getattr(v, orphan).nlink());
        assertEquals(100, next.read(v, orphan, 0, back, 0, 100), "the unlinked open file is still there");
        next.close(v, orphan);
        assertErrno(Errno.ESTALE, () -> next.getattr(v, orphan));
        long g = next.create(v, d, "g", REG, 0, 0).ino();
        assertTrue(g > orphan, "inode numbers go on where they were");
        next.unmount(v);
        assertEquals(before, mem.used());
        assertErrno(Errno.EINVAL, () -> next.importState(java.util.Map.of("format", "other")));
    }

    /**
     * Format 2 hands each file's page tree over whole; a state of format 1 (page by page, from an earlier build) is
     * still taken, and a tree of the wrong shape is {@code EINVAL}.
     */
    @Test
    void pageTreesAreHandedOverWholeAndTheEarlierFormatIsStillTaken() {
        TmpFileSystem old = new TmpFileSystem(mem);
        long v = old.mount(null, "trees", false, "size=4M");
        long f = old.create(v, old.root(v), "f", REG, 0, 0).ino();
        byte[] data = new byte[300_000];
        new java.util.Random(9).nextBytes(data);
        old.write(v, f, 8192, data, 0, data.length);
        java.util.Map<String, Object> state = old.exportState();
        assertEquals(TmpFileSystem.FORMAT, state.get("format"));
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> vol = (java.util.Map<String, Object>) ((List<?>) state.get("volumes")).get(0);
        java.util.Map<String, Object> file = null;
        for (Object o : (List<?>) vol.get("inodes")) {
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> m = (java.util.Map<String, Object>) o;
            if (m.get("ino").equals(f)) {
                file = m;
            }
        }
        Object[] tree = (Object[]) file.get("tree");
        // the same state in format 1: the pages listed one by one
        Pages p = Pages.adopt(tree);
        java.util.Map<Long, byte[]> pages = new java.util.TreeMap<>();
        for (long i = p.nextPresent(0); i >= 0; i = p.nextPresent(i + 1)) {
            pages.put(i, p.get(i));
        }
        java.util.Map<String, Object> file1 = new java.util.HashMap<>(file);
        file1.remove("tree");
        file1.put("pages", pages);
        java.util.List<Object> inodes1 = new java.util.ArrayList<>();
        for (Object o : (List<?>) vol.get("inodes")) {
            inodes1.add(o == file ? file1 : o);
        }
        java.util.Map<String, Object> vol1 = new java.util.HashMap<>(vol);
        vol1.put("inodes", inodes1);
        TmpFileSystem next = new TmpFileSystem(mem);
        next.importState(java.util.Map.of("format", "fs-tmpfs/1", "volumes", List.of(vol1), "mounts", state.get("mounts")));
        byte[] back = new byte[data.length];
        assertEquals(data.length, next.read(v, f, 8192, back, 0, back.length));
        assertArrayEquals(data, back);
        assertEquals(8192 + data.length, next.getattr(v, f).size());
        next.unmount(v);

        java.util.Map<String, Object> bad = new java.util.HashMap<>(file);
        bad.put("tree", new Object[] {tree[0], "two", tree[2]});
        java.util.Map<String, Object> badVol = new java.util.HashMap<>(vol);
        badVol.put("inodes", List.of(bad));
        TmpFileSystem third = new TmpFileSystem(mem);
        assertErrno(Errno.EINVAL, () -> third.importState(java.util.Map.of("format", TmpFileSystem.FORMAT, "volumes",
                List.of(badVol), "mounts", state.get("mounts"))));
    }

    // ---- the linker and the internals ----

    @Test
    void linkerRegistersATmpfs() {
        List<Object> registered = new ArrayList<>();
        List<Runnable> closers = new ArrayList<>();
        LinkContext ctx = new LinkContext() {
            @Override
            public KernelMemory memory() {
                return mem;
            }

            @Override
            public org.anykernel.base.spi.KernelObjects objects() {
                throw new UnsupportedOperationException("a standalone tmpfs keeps its volumes itself");
            }

            @Override
            public KernelThreads threads() {
                throw new UnsupportedOperationException();
            }

            @Override
            public Hypercalls hypercalls() {
                throw new UnsupportedOperationException();
            }

            @Override
            public <T> List<Hardware<T>> hardware(Class<T> type) {
                return List.of();
            }

            @Override
            public void register(Object service, Map<String, Object> properties) {
                assertEquals("tmpfs", properties.get(FileSystem.TYPE));
                registered.add(service);
            }

            @Override
            public void onClose(Runnable action) {
                closers.add(action);
            }
        };
        TmpfsLinker linker = new TmpfsLinker();
        assertEquals("fs-tmpfs", linker.driver());
        linker.link(ctx);
        FileSystem linked = (FileSystem) registered.get(0);
        long v = linked.mount(null, "linked", false, null);
        linked.create(v, linked.root(v), "x", REG, 0, 0);
        long used = mem.used();
        closers.forEach(Runnable::run);
        assertTrue(mem.used() < used);
        assertErrno(Errno.ESTALE, () -> linked.root(v));
    }

    @Test
    void inodeTableAgreesWithAHashMap() {
        InodeTable table = new InodeTable();
        Map<Long, Inode> model = new HashMap<>();
        java.util.Random rnd = new java.util.Random(42);
        for (int i = 0; i < 20000; i++) {
            long ino = 1 + rnd.nextInt(3000);
            if (rnd.nextBoolean() && !model.containsKey(ino)) {
                Inode n = new Inode(ino, REG, 0, 0, 0, 0, null, null, 0);
                table.put(n);
                model.put(ino, n);
            } else {
                table.remove(ino);
                model.remove(ino);
            }
            if (i % 1000 == 0) {
                for (long k = 1; k <= 3000; k++) {
                    assertEquals(model.get(k), table.get(k), "ino " + k);
                }
            }
        }
        assertEquals(model.size(), table.size());
    }

    @Test
    void pagesFindDataAndHoles() {
        Pages p = new Pages();
        assertEquals(-1, p.nextPresent(0));
        assertEquals(0, p.nextAbsent(0));
        long[] at = {0, 1, 63, 64, 4095, 4096, 1L << 20, (1L << 51) - 1};
        for (long i : at) {
            p.put(i, new byte[1]);
        }
        assertEquals(at.length, p.count());
        for (int k = 0; k < at.length; k++) {
            assertEquals(at[k], p.nextPresent(k == 0 ? 0 : at[k - 1] + 1));
        }
        assertEquals(2, p.nextAbsent(0));
        assertEquals(65, p.nextAbsent(63));
        assertEquals(1L << 51, p.nextAbsent((1L << 51) - 1));
        assertEquals(-1, p.nextPresent(1L << 51));
        assertEquals(3, p.removeFrom(4096));
        assertEquals(5, p.count());
        assertEquals(-1, p.nextPresent(4096));
        assertTrue(p.get(4095) != null);
        Consumer<Long> none = i -> assertEquals(null, p.get(i));
        none.accept(4096L);
        none.accept(2L);
        assertEquals(5, p.removeFrom(0));
        assertEquals(0, p.count());
    }
}
