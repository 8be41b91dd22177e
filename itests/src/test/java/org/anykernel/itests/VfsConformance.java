package org.anykernel.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;

import org.anykernel.base.api.Credentials;
import org.anykernel.base.api.DirEntry;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Stat;
import org.anykernel.base.api.StatFs;
import org.anykernel.base.api.Sys;

/**
 * The VFS conformance suite: POSIX file semantics and the errno of each failure, through the syscalls of one kernel,
 * on whatever file system is mounted at {@code base} (tmpfs, ext2). Each public method is one case and works in a
 * directory of its own below {@code base}, so the cases run in any order on one mount. It runs as plain JUnit on
 * standalone kernels and in Pax Exam in every placement: the same cases, whatever the driver's placement.
 */
final class VfsConformance {
    private static final int O_RDWR_CREAT = Sys.O_RDWR | Sys.O_CREAT;
    private static final Credentials USER = new Credentials(1000, 1000, List.of());

    private final Posix px;
    private final BiFunction<String, Credentials, Posix> spawn;
    private final String base;
    private final long magic;

    /**
     * @param px    a root process
     * @param spawn makes another process with the given credentials
     * @param base  an existing, empty, writable directory on the file system under test
     * @param magic the file system's statfs type
     */
    VfsConformance(Posix px, BiFunction<String, Credentials, Posix> spawn, String base, long magic) {
        this.px = px;
        this.spawn = spawn;
        this.base = base;
        this.magic = magic;
    }

    /** The names of the cases, for runners that make one test per case. */
    static List<String> cases() {
        return Cases.of(VfsConformance.class);
    }

    /** Runs one case by name. */
    void run(String name) throws Throwable {
        Cases.run(this, name);
    }

    private String dir(String name) {
        String d = base + "/" + name;
        px.mkdir(d, 0755);
        return d;
    }

    /** Asserts that {@code r} fails with {@code want}. */
    static void fails(Errno want, Runnable r) {
        try {
            r.run();
        } catch (KernelException e) {
            assertEquals("errno of: " + e.getMessage(), want, e.errno());
            return;
        }
        throw new AssertionError("expected " + want + ", but it succeeded");
    }

    /**
     * The whole file at {@code path} (opened {@code O_RDONLY} and {@code flags}), read {@code chunk} bytes at a time;
     * asserts that as many bytes came as {@code fstat} said.
     */
    static byte[] readFile(Posix px, String path, int flags, int chunk) {
        int fd = px.open(path, Sys.O_RDONLY | flags);
        try {
            byte[] b = new byte[(int) px.fstat(fd).size()];
            int at = 0;
            for (int n; at < b.length && (n = px.read(fd, b, at, Math.min(chunk, b.length - at))) > 0; ) {
                at += n;
            }
            assertEquals(path, b.length, at);
            return b;
        } finally {
            px.close(fd);
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void put(String path, byte[] data) {
        int fd = px.open(path, O_RDWR_CREAT | Sys.O_TRUNC, 0644);
        try {
            assertEquals(data.length, px.write(fd, data));
        } finally {
            px.close(fd);
        }
    }

    private byte[] get(String path) {
        int fd = px.open(path, Sys.O_RDONLY);
        try {
            Stat st = px.fstat(fd);
            byte[] b = new byte[(int) st.size()];
            int at = 0;
            for (int n; at < b.length && (n = px.read(fd, b, at, b.length - at)) > 0; ) {
                at += n;
            }
            assertEquals("read all of " + path, b.length, at);
            assertEquals("then end of file", 0, px.read(fd, new byte[1]));
            return b;
        } finally {
            px.close(fd);
        }
    }

    private Set<String> names(String dir) {
        Set<String> out = new TreeSet<>();
        for (DirEntry e : px.readdir(dir)) {
            assertTrue("no duplicate " + e.name(), out.add(e.name()));
        }
        return out;
    }

    // ---- cases

    public void createWriteReadStat() {
        String d = dir("cwrs");
        int old = px.umask(022);
        int fd = px.open(d + "/f", O_RDWR_CREAT | Sys.O_EXCL, 0666);
        assertEquals(5, px.write(fd, bytes("hello")));
        assertEquals(0, px.lseek(fd, 0, Sys.SEEK_SET));
        byte[] b = new byte[10];
        assertEquals(5, px.read(fd, b));
        assertEquals("hello", new String(b, 0, 5, StandardCharsets.UTF_8));
        Stat st = px.fstat(fd);
        assertEquals(5, st.size());
        assertEquals("umask applied", Sys.S_IFREG | 0644, st.mode());
        assertEquals(1, st.nlink());
        assertEquals(0, st.uid());
        Stat byPath = px.stat(d + "/f");
        assertEquals(st.ino(), byPath.ino());
        assertEquals(st.dev(), byPath.dev());
        assertEquals(px.stat(base).dev(), st.dev());
        px.close(fd);
        fails(Errno.EBADF, () -> px.read(fd, b));
        px.umask(old);
        assertTrue(px.stat(d).isDirectory());
        assertEquals(Set.of(".", "..", "f"), names(d));
    }

    public void openFlags() {
        String d = dir("flags");
        put(d + "/f", bytes("0123456789"));
        fails(Errno.EEXIST, () -> px.open(d + "/f", O_RDWR_CREAT | Sys.O_EXCL, 0644));
        int fd = px.open(d + "/f", Sys.O_WRONLY | Sys.O_APPEND);
        px.lseek(fd, 0, Sys.SEEK_SET);
        px.write(fd, bytes("ab"));
        assertEquals("O_APPEND writes at the end", 12, px.lseek(fd, 0, Sys.SEEK_CUR));
        fails(Errno.EBADF, () -> px.read(fd, new byte[1]));
        px.close(fd);
        assertEquals("0123456789ab", new String(get(d + "/f"), StandardCharsets.UTF_8));
        int t = px.open(d + "/f", Sys.O_RDWR | Sys.O_TRUNC);
        assertEquals(0, px.fstat(t).size());
        px.close(t);
        int r = px.open(d + "/f", Sys.O_RDONLY);
        fails(Errno.EBADF, () -> px.write(r, bytes("x")));
        px.close(r);
        fails(Errno.ENOENT, () -> px.open(d + "/missing", Sys.O_RDONLY));
        fails(Errno.ENOENT, () -> px.open(d + "/missing/f", O_RDWR_CREAT, 0644));
        fails(Errno.ENOTDIR, () -> px.open(d + "/f/x", Sys.O_RDONLY));
        fails(Errno.ENOTDIR, () -> px.open(d + "/f", Sys.O_RDONLY | Sys.O_DIRECTORY));
        fails(Errno.EISDIR, () -> px.open(d, Sys.O_RDWR));
        fails(Errno.EISDIR, () -> px.open(d + "/new/", O_RDWR_CREAT, 0644));
        fails(Errno.ENOENT, () -> px.open("", Sys.O_RDONLY));
    }

    public void directories() {
        String d = dir("dirs");
        px.mkdir(d + "/a", 0755);
        fails(Errno.EEXIST, () -> px.mkdir(d + "/a", 0755));
        put(d + "/a/f", bytes("x"));
        fails(Errno.ENOTEMPTY, () -> px.rmdir(d + "/a"));
        fails(Errno.ENOTDIR, () -> px.rmdir(d + "/a/f"));
        fails(Errno.EISDIR, () -> px.unlink(d + "/a"));
        fails(Errno.EINVAL, () -> px.rmdir(d + "/a/."));
        fails(Errno.ENOENT, () -> px.rmdir(d + "/nope"));
        assertEquals(3, px.stat(d).nlink());
        px.unlink(d + "/a/f");
        px.rmdir(d + "/a");
        fails(Errno.ENOENT, () -> px.stat(d + "/a"));
        assertEquals(2, px.stat(d).nlink());
        px.mkdir(d + "/b/", 0700);
        assertEquals(Sys.S_IFDIR | 0700, px.stat(d + "/b").mode());
    }

    public void lookup() {
        String d = dir("lookup");
        px.mkdir(d + "/a", 0755);
        px.mkdir(d + "/a/b", 0755);
        put(d + "/a/b/f", bytes("deep"));
        assertEquals(px.stat(d + "/a/b/f").ino(), px.stat(d + "/./a/../a/b//./f").ino());
        assertEquals(px.stat(d).ino(), px.stat(d + "/a/b/../..").ino());
        fails(Errno.ENOTDIR, () -> px.stat(d + "/a/b/f/"));
        assertTrue(px.stat(d + "/a/b/").isDirectory());
        String longName = "n".repeat(256);
        fails(Errno.ENAMETOOLONG, () -> px.open(d + "/" + longName, O_RDWR_CREAT, 0644));
        fails(Errno.ENAMETOOLONG, () -> px.stat(d + "/" + longName));
        put(d + "/" + "m".repeat(255), bytes("max"));
        fails(Errno.ENAMETOOLONG, () -> px.stat("/" + "a/".repeat(2100)));
        String cwd = px.getcwd();
        px.chdir(d + "/a");
        assertEquals(d + "/a", px.getcwd());
        assertEquals(px.stat(d + "/a/b/f").ino(), px.stat("b/f").ino());
        assertEquals(px.stat(d).ino(), px.stat("..").ino());
        fails(Errno.ENOTDIR, () -> px.chdir("b/f"));
        px.chdir(cwd);
        assertEquals("the root's .. is itself", px.stat("/").ino(), px.stat("/..").ino());
    }

    public void symlinks() {
        String d = dir("links");
        put(d + "/target", bytes("via link"));
        px.symlink("target", d + "/rel");
        px.symlink(d + "/target", d + "/abs");
        px.symlink("nowhere", d + "/dangling");
        px.symlink("loop2", d + "/loop1");
        px.symlink("loop1", d + "/loop2");
        px.mkdir(d + "/sub", 0755);
        put(d + "/sub/inner", bytes("inner"));
        px.symlink("sub", d + "/dirlink");
        String longTarget = "x/".repeat(40) + "y";
        px.symlink(longTarget, d + "/slow");
        assertEquals("target", px.readlink(d + "/rel"));
        assertEquals(longTarget, px.readlink(d + "/slow"));
        assertArrayEquals(bytes("via link"), get(d + "/rel"));
        assertArrayEquals(bytes("via link"), get(d + "/abs"));
        assertArrayEquals(bytes("inner"), get(d + "/dirlink/inner"));
        assertTrue(px.lstat(d + "/rel").isSymlink());
        assertEquals(6, px.lstat(d + "/rel").size());
        assertTrue(px.stat(d + "/rel").isRegular());
        fails(Errno.ENOENT, () -> px.stat(d + "/dangling"));
        assertTrue(px.lstat(d + "/dangling").isSymlink());
        fails(Errno.ELOOP, () -> px.stat(d + "/loop1"));
        fails(Errno.ELOOP, () -> px.open(d + "/rel", Sys.O_RDONLY | Sys.O_NOFOLLOW));
        fails(Errno.EINVAL, () -> px.readlink(d + "/target"));
        fails(Errno.EEXIST, () -> px.symlink("x", d + "/rel"));
        assertTrue("trailing slash follows a link to a directory", px.stat(d + "/dirlink/").isDirectory());
        px.unlink(d + "/rel");
        assertTrue("unlink removes the link, not the target", px.stat(d + "/target").isRegular());
        int chain = 0;
        String prev = "target";
        for (int i = 0; i < 45; i++) {
            px.symlink(prev, d + "/c" + i);
            prev = "c" + i;
            chain = i;
        }
        final int last = chain;
        assertArrayEquals("30 links deep is fine", bytes("via link"), get(d + "/c30"));
        fails(Errno.ELOOP, () -> px.stat(d + "/c" + last));
    }

    public void hardLinks() {
        String d = dir("hard");
        put(d + "/a", bytes("shared"));
        px.link(d + "/a", d + "/b");
        Stat a = px.stat(d + "/a");
        assertEquals(a.ino(), px.stat(d + "/b").ino());
        assertEquals(2, a.nlink());
        fails(Errno.EEXIST, () -> px.link(d + "/a", d + "/b"));
        px.mkdir(d + "/sub", 0755);
        fails(Errno.EPERM, () -> px.link(d + "/sub", d + "/sub2"));
        fails(Errno.ENOENT, () -> px.link(d + "/none", d + "/c"));
        px.unlink(d + "/a");
        assertEquals(1, px.stat(d + "/b").nlink());
        assertArrayEquals(bytes("shared"), get(d + "/b"));
    }

    public void rename() {
        String d = dir("ren");
        put(d + "/a", bytes("A"));
        put(d + "/b", bytes("B"));
        long ia = px.stat(d + "/a").ino();
        px.rename(d + "/a", d + "/b");
        fails(Errno.ENOENT, () -> px.stat(d + "/a"));
        assertEquals("replaced atomically by the same inode", ia, px.stat(d + "/b").ino());
        assertArrayEquals(bytes("A"), get(d + "/b"));
        px.rename(d + "/b", d + "/b");
        assertArrayEquals(bytes("A"), get(d + "/b"));
        px.mkdir(d + "/x", 0755);
        px.mkdir(d + "/x/y", 0755);
        px.mkdir(d + "/z", 0755);
        fails(Errno.EINVAL, () -> px.rename(d + "/x", d + "/x/y/x"));
        fails(Errno.EINVAL, () -> px.rename(d + "/x", d + "/x/x"));
        fails(Errno.ENOTDIR, () -> px.rename(d + "/x", d + "/b"));
        fails(Errno.EISDIR, () -> px.rename(d + "/b", d + "/x"));
        put(d + "/z/f", bytes("f"));
        fails(Errno.ENOTEMPTY, () -> px.rename(d + "/x", d + "/z"));
        fails(Errno.ENOENT, () -> px.rename(d + "/nope", d + "/q"));
        // a directory between parents: its .. and both link counts follow
        px.mkdir(d + "/p1", 0755);
        px.mkdir(d + "/p2", 0755);
        px.mkdir(d + "/p1/c", 0755);
        put(d + "/p1/c/file", bytes("moved"));
        px.rename(d + "/p1/c", d + "/p2/c");
        assertEquals(2, px.stat(d + "/p1").nlink());
        assertEquals(3, px.stat(d + "/p2").nlink());
        assertEquals(px.stat(d + "/p2").ino(), px.stat(d + "/p2/c/..").ino());
        assertArrayEquals(bytes("moved"), get(d + "/p2/c/file"));
        // an empty directory is replaced by a directory
        px.mkdir(d + "/empty", 0755);
        long ic = px.stat(d + "/p2/c").ino();
        px.rename(d + "/p2/c", d + "/empty");
        assertEquals(ic, px.stat(d + "/empty").ino());
        assertEquals(Set.of(".", ".."), names(d + "/p2"));
        fails(Errno.EINVAL, () -> px.rename(d + "/.", d + "/q"));
    }

    public void holesAndSeek() {
        String d = dir("holes");
        int fd = px.open(d + "/sparse", O_RDWR_CREAT, 0644);
        byte[] tail = bytes("tail");
        long at = 4L << 20;
        assertEquals(4, px.pwrite(fd, tail, 0, 4, at));
        Stat st = px.fstat(fd);
        assertEquals(at + 4, st.size());
        assertTrue("a hole is not allocated: " + st.blocks() + " blocks", st.blocks() * 512 < 1 << 20);
        byte[] b = new byte[4096];
        assertEquals(4096, px.pread(fd, b, 0, 4096, 1 << 20));
        assertArrayEquals("holes read as zeros", new byte[4096], b);
        assertEquals("pread does not move the position", 0, px.lseek(fd, 0, Sys.SEEK_CUR));
        long data = px.lseek(fd, 0, Sys.SEEK_DATA);
        assertTrue("data at " + data, data <= at && data > at - 65536);
        assertEquals(0, px.lseek(fd, 0, Sys.SEEK_HOLE));
        assertEquals(at + 4, px.lseek(fd, at, Sys.SEEK_HOLE));
        fails(Errno.ENXIO, () -> px.lseek(fd, at + 4, Sys.SEEK_DATA));
        fails(Errno.EINVAL, () -> px.lseek(fd, -1, Sys.SEEK_SET));
        fails(Errno.EINVAL, () -> px.lseek(fd, 0, 99));
        assertEquals(at + 4 + 10, px.lseek(fd, 10, Sys.SEEK_END));
        assertEquals(4, px.pread(fd, b, 0, 100, at));
        assertArrayEquals(tail, java.util.Arrays.copyOf(b, 4));
        assertEquals(0, px.pread(fd, b, 0, 100, at + 4));
        fails(Errno.EINVAL, () -> px.pread(fd, b, 0, 1, -5));
        fails(Errno.EFAULT, () -> px.pread(fd, b, 4090, 100, 0));
        px.close(fd);
    }

    /**
     * Transfers big enough to go to the driver as a grant of the caller's buffer ({@code Mount.GRANT_MIN}): windows
     * inside larger arrays, at unaligned file offsets, across a hole and past the end; nothing outside the window
     * changes, and a window outside the array is {@code EFAULT} with nothing read.
     */
    public void largeTransfers() {
        String d = dir("large");
        int fd = px.open(d + "/big", O_RDWR_CREAT, 0644);
        byte[] data = new byte[300_000];
        new java.util.Random(3).nextBytes(data);
        assertEquals(200_000, px.pwrite(fd, data, 7, 200_000, 12_345));
        assertEquals(50_000, px.pwrite(fd, data, 250_000, 50_000, 400_000));
        long size = 450_000;
        assertEquals(size, px.fstat(fd).size());
        byte[] b = new byte[500_000];
        java.util.Arrays.fill(b, (byte) 0x5A);
        int n = px.pread(fd, b, 11, 480_000, 0);
        assertEquals("a read past the end is short", size, n);
        for (int i = 0; i < 11; i++) {
            assertEquals("byte " + i + " before the window untouched", 0x5A, b[i]);
        }
        for (int i = 11 + n; i < b.length; i++) {
            assertEquals("byte " + i + " after what was read untouched", 0x5A, b[i]);
        }
        byte[] want = new byte[(int) size];
        System.arraycopy(data, 7, want, 12_345, 200_000);
        System.arraycopy(data, 250_000, want, 400_000, 50_000);
        assertArrayEquals("data, hole as zeros, data", want, java.util.Arrays.copyOfRange(b, 11, 11 + n));
        assertEquals(0, px.pread(fd, b, 0, 100_000, size));
        byte[] keep = b.clone();
        fails(Errno.EFAULT, () -> px.pread(fd, b, 450_000, 100_000, 0));
        assertArrayEquals("a failed read writes nothing", keep, b);
        fails(Errno.EFAULT, () -> px.pwrite(fd, data, 250_000, 100_000, 0));
        assertEquals("a failed write changes nothing", size, px.fstat(fd).size());
        px.close(fd);
        assertArrayEquals(want, readFile(px, d + "/big", 0, 65_536));
    }

    /**
     * 400 random transfers (1 byte to 200 KiB, either side of the size that goes by grant, into windows of bigger
     * arrays, at random offsets up to 1 MiB) and truncations, every read compared with a byte-array model of the file
     * and the bytes around each window checked untouched. Seeded, so a failure repeats.
     */
    public void randomTransfersAgreeWithAModel() {
        java.util.Random rnd = new java.util.Random(20261208);
        String path = dir("random") + "/f";
        int fd = px.open(path, O_RDWR_CREAT, 0644);
        byte[] model = new byte[0];
        try {
            for (int op = 0; op < 400; op++) {
                int len = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(64) : 1 + rnd.nextInt(200 * 1024);
                long pos = rnd.nextInt(1 << 20);
                int slack = rnd.nextInt(32);
                byte[] buf = new byte[len + 2 * slack];
                rnd.nextBytes(buf);
                int kind = rnd.nextInt(10);
                if (kind < 5) {
                    assertEquals("write " + op, len, px.pwrite(fd, buf, slack, len, pos));
                    int end = (int) pos + len;
                    if (end > model.length) {
                        model = java.util.Arrays.copyOf(model, end);
                    }
                    System.arraycopy(buf, slack, model, (int) pos, len);
                } else if (kind < 9) {
                    byte[] before = buf.clone();
                    int n = px.pread(fd, buf, slack, len, pos);
                    int want = (int) Math.max(0, Math.min(len, model.length - pos));
                    assertEquals("read " + op + " of " + len + " at " + pos, want, n);
                    for (int i = 0; i < n; i++) {
                        if (buf[slack + i] != model[(int) pos + i]) {
                            throw new AssertionError("read " + op + ": byte " + (pos + i) + " is " + buf[slack + i]
                                    + ", the model says " + model[(int) pos + i]);
                        }
                    }
                    for (int i = 0; i < buf.length; i++) {
                        if ((i < slack || i >= slack + n) && buf[i] != before[i]) {
                            throw new AssertionError("read " + op + ": byte " + i + " of the array outside the window changed");
                        }
                    }
                } else {
                    int size = rnd.nextInt(model.length + 1);
                    px.ftruncate(fd, size);
                    model = java.util.Arrays.copyOf(model, size);
                }
                assertEquals("size after op " + op, model.length, px.fstat(fd).size());
            }
        } finally {
            px.close(fd);
        }
        assertArrayEquals("the whole file at the end", model, readFile(px, path, 0, 65_536));
    }

    public void truncate() {
        String d = dir("trunc");
        put(d + "/f", bytes("0123456789"));
        px.truncate(d + "/f", 4);
        assertArrayEquals(bytes("0123"), get(d + "/f"));
        int fd = px.open(d + "/f", Sys.O_RDWR);
        px.ftruncate(fd, 8);
        byte[] b = new byte[8];
        assertEquals(8, px.pread(fd, b, 0, 8, 0));
        assertArrayEquals(new byte[] {'0', '1', '2', '3', 0, 0, 0, 0}, b);
        fails(Errno.EINVAL, () -> px.ftruncate(fd, -1));
        px.close(fd);
        fails(Errno.EISDIR, () -> px.truncate(d, 0));
        int r = px.open(d + "/f", Sys.O_RDONLY);
        fails(Errno.EINVAL, () -> px.ftruncate(r, 0));
        px.close(r);
        // a write that crosses many blocks, then a cut in the middle of them
        byte[] big = new byte[300_000];
        new java.util.Random(3).nextBytes(big);
        put(d + "/big", big);
        px.truncate(d + "/big", 100_001);
        assertArrayEquals(java.util.Arrays.copyOf(big, 100_001), get(d + "/big"));
    }

    public void unlinkedButOpen() {
        String d = dir("orphan");
        put(d + "/f", bytes("still here"));
        int fd = px.open(d + "/f", Sys.O_RDWR);
        px.unlink(d + "/f");
        fails(Errno.ENOENT, () -> px.stat(d + "/f"));
        assertEquals(0, px.fstat(fd).nlink());
        byte[] b = new byte[10];
        assertEquals(10, px.pread(fd, b, 0, 10, 0));
        assertArrayEquals(bytes("still here"), b);
        assertEquals(3, px.pwrite(fd, bytes("abc"), 0, 3, 10));
        assertEquals(13, px.fstat(fd).size());
        long freeBefore = px.statfs(d).ffree();
        px.close(fd);
        assertTrue("the inode is freed at the last close", px.statfs(d).ffree() >= freeBefore + 1
                || px.statfs(d).files() == 0);
        assertEquals(Set.of(".", ".."), names(d));
    }

    public void permissions() {
        String d = dir("perm");
        px.chmod(d, 0755);
        put(d + "/secret", bytes("root only"));
        px.chmod(d + "/secret", 0600);
        put(d + "/public", bytes("all"));
        px.chmod(d + "/public", 0644);
        px.mkdir(d + "/open", 01777);
        px.chmod(d + "/open", 01777);
        put(d + "/open/roots", bytes("r"));
        Posix user = spawn.apply("user", USER);
        fails(Errno.EACCES, () -> user.open(d + "/secret", Sys.O_RDONLY));
        int fd = user.open(d + "/public", Sys.O_RDONLY);
        user.close(fd);
        fails(Errno.EACCES, () -> user.open(d + "/public", Sys.O_WRONLY));
        fails(Errno.EACCES, () -> user.open(d + "/new", O_RDWR_CREAT, 0644));
        fails(Errno.EACCES, () -> user.mkdir(d + "/newdir", 0755));
        fails(Errno.EACCES, () -> user.unlink(d + "/public"));
        fails(Errno.EPERM, () -> user.chmod(d + "/public", 0777));
        fails(Errno.EPERM, () -> user.chown(d + "/public", 1000, 1000));
        int mine = user.open(d + "/open/mine", O_RDWR_CREAT, 0600);
        user.close(mine);
        Stat st = px.stat(d + "/open/mine");
        assertEquals(1000, st.uid());
        assertEquals(1000, st.gid());
        fails(Errno.EPERM, () -> user.unlink(d + "/open/roots"));
        user.chmod(d + "/open/mine", 0640);
        assertEquals(0640, px.stat(d + "/open/mine").perm());
        px.chmod(d, 0700);
        fails(Errno.EACCES, () -> user.stat(d + "/public"));
        px.chmod(d, 0755);
        px.chown(d + "/public", 1000, 1000);
        assertEquals(1000, px.stat(d + "/public").uid());
        int w = user.open(d + "/public", Sys.O_WRONLY);
        user.close(w);
        user.unlink(d + "/open/mine");
    }

    public void readdirIsStable() {
        String d = dir("many");
        Set<String> want = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            put(d + "/file-" + i, new byte[0]);
            want.add("file-" + i);
        }
        px.mkdir(d + "/sub", 0755);
        px.symlink("file-1", d + "/ln");
        Set<String> got = names(d);
        Set<String> all = new HashSet<>(want);
        all.addAll(List.of(".", "..", "sub", "ln"));
        assertEquals(all, got);
        for (DirEntry e : px.readdir(d)) {
            int type = e.name().equals("sub") || e.name().startsWith(".") ? Sys.DT_DIR
                    : e.name().equals("ln") ? Sys.DT_LNK : Sys.DT_REG;
            assertEquals(e.name(), type, e.type());
            if (!e.name().equals("..")) {
                assertEquals(e.name(), px.lstat(d + "/" + e.name()).ino(), e.ino());
            }
        }
        // remove entries while reading in small batches: the others come exactly once
        int fd = px.open(d, Sys.O_RDONLY | Sys.O_DIRECTORY);
        byte[] buf = new byte[256];
        Set<String> seen = new HashSet<>();
        Set<String> removed = new HashSet<>();
        int round = 0;
        for (int n; (n = px.getdents64(fd, buf, buf.length)) > 0; round++) {
            for (DirEntry e : DirEntry.decode(buf, n)) {
                assertTrue("returned once: " + e.name(), seen.add(e.name()));
            }
            String victim = "file-" + (299 - round);
            if (!seen.contains(victim) && round < 50) {
                px.unlink(d + "/" + victim);
                removed.add(victim);
            }
        }
        px.close(fd);
        Set<String> expected = new HashSet<>(all);
        expected.removeAll(removed);
        assertTrue("everything not removed was seen", seen.containsAll(expected));
        fails(Errno.ENOTDIR, () -> px.readdir(d + "/file-1"));
        int tiny = px.open(d, Sys.O_RDONLY);
        fails(Errno.EINVAL, () -> px.getdents64(tiny, new byte[8], 8));
        px.close(tiny);
    }

    public void times() {
        String d = dir("times");
        long before = System.currentTimeMillis() * 1_000_000L - 2_000_000_000L;
        put(d + "/f", bytes("t"));
        Stat st = px.stat(d + "/f");
        assertTrue(st.mtimeNs() >= before);
        assertTrue(st.ctimeNs() >= before);
        px.utimens(d + "/f", 1_000_000_000L * 1_000_000, 2_000_000_000L * 1_000_000_000L, 0);
        st = px.stat(d + "/f");
        assertEquals(1_000_000_000L * 1_000_000 / 1_000_000_000L, st.atimeNs() / 1_000_000_000L);
        assertEquals(2_000_000_000L, st.mtimeNs() / 1_000_000_000L);
        px.utimens(d + "/f", Sys.UTIME_OMIT, Sys.UTIME_NOW, 0);
        assertTrue(px.stat(d + "/f").mtimeNs() >= before);
        assertEquals(1_000_000L, px.stat(d + "/f").atimeNs() / 1_000_000_000L);
        long mtimeDir = px.stat(d).mtimeNs();
        px.utimens(d, Sys.UTIME_OMIT, 0, 0);
        put(d + "/g", bytes("g"));
        assertNotEquals("creating an entry changes the directory's mtime", 0, px.stat(d).mtimeNs() / 1_000_000_000L);
        assertTrue(mtimeDir >= before);
    }

    public void statfsAndSync() {
        String d = dir("df");
        StatFs a = px.statfs(d);
        assertEquals(magic, a.type());
        assertTrue(a.bsize() >= 512);
        assertTrue(a.blocks() > 0);
        assertTrue(a.namelen() >= 255);
        byte[] mb = new byte[1 << 20];
        new java.util.Random(1).nextBytes(mb);
        int fd = px.open(d + "/mb", O_RDWR_CREAT, 0644);
        px.write(fd, mb);
        px.fsync(fd);
        px.fdatasync(fd);
        StatFs b = px.fstatfs(fd);
        px.close(fd);
        assertTrue("1 MiB written takes blocks: " + a.bfree() + " -> " + b.bfree(),
                (a.bfree() - b.bfree()) * a.bsize() >= 1 << 20 || a.blocks() == b.blocks() && a.bfree() == 0);
        px.sync();
        assertArrayEquals(mb, get(d + "/mb"));
    }

    public void dupSharesThePosition() {
        String d = dir("dup");
        put(d + "/f", bytes("abcdef"));
        int fd = px.open(d + "/f", Sys.O_RDONLY);
        int fd2 = px.dup(fd);
        byte[] b = new byte[2];
        px.read(fd, b);
        px.read(fd2, b);
        assertArrayEquals(bytes("cd"), b);
        px.close(fd);
        px.read(fd2, b);
        assertArrayEquals(bytes("ef"), b);
        px.close(fd2);
    }

    public void badArguments() {
        String d = dir("bad");
        fails(Errno.EFAULT, () -> px.syscall(Sys.STAT, d, new byte[10]));
        fails(Errno.EFAULT, () -> px.syscall(Sys.MKDIR, null, 0755));
        fails(Errno.EINVAL, () -> px.syscall(Sys.MKDIR, d + "/x"));
        fails(Errno.EINVAL, () -> px.stat(d + "/nul\0byte"));
        fails(Errno.ERANGE, () -> px.syscall(Sys.GETCWD, new byte[1], 1));
        fails(Errno.ENODEV, () -> px.mount("", d, "no-such-fs-type", 0, null));
        fails(Errno.EINVAL, () -> px.umount(d));
        assertFalse(names(d).contains("x"));
    }
}
