package org.anykernel.drivers.fs.ext2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.anykernel.base.api.DirEntry;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Stat;
import org.anykernel.base.api.Sys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random damage to the superblock, descriptors, inode table, a directory block or an indirect block: mounting and
 * walking the whole tree gives only KernelExceptions, never hangs, and a read-only mount leaves the image as it was.
 */
class Ext2CorruptionTest {
    @TempDir
    static Path dir;
    static Path base;
    /** Damage regions: [start, end) byte ranges of the base image. */
    static long[][] regions;

    @BeforeAll
    static void makeBase() throws Exception {
        Path t = Files.createDirectories(dir.resolve("tree/a/b"));
        Files.write(t.resolve("big"), TestTrees.random(1, 300 * 1024));
        Files.writeString(t.resolve("small"), "small\n");
        Files.createSymbolicLink(t.resolve("fast"), Path.of("big"));
        Files.createSymbolicLink(t.resolve("slow"), Path.of("x/".repeat(50)));
        try (RandomAccessFile f = new RandomAccessFile(t.resolve("sparse").toFile(), "rw")) {
            f.setLength(2 << 20);
            f.seek(1 << 20);
            f.write(TestTrees.random(2, 3000));
        }
        Path many = Files.createDirectories(dir.resolve("tree/many"));
        for (int i = 0; i < 400; i++) {
            Files.writeString(many.resolve("entry-" + i), i % 10 == 0 ? "e" + i : "");
        }
        base = Images.mkfs(dir, "base.img", 8, "-t", "ext2", "-b", "1024", "-d", dir.resolve("tree").toString());
        Images.indexDirectories(base);
        Images.fsckClean(base);
        byte[] img = Files.readAllBytes(base);
        long inodeTable = Le.u32(img, 2048 + 8);
        long dirBlock = firstNumber(Images.debugfs(base, "blocks /many"), "\\d+");
        long ind = firstNumber(Images.debugfs(base, "stat /a/b/big"), "\\(IND\\):(\\d+)");
        regions = new long[][] {{1024, 1024 + 100}, {1024, 2048}, {2048, 2048 + 32},
                {inodeTable * 1024, inodeTable * 1024 + 40 * 256}, {dirBlock * 1024, dirBlock * 1024 + 1024},
                {ind * 1024, ind * 1024 + 1024}};
    }

    private static long firstNumber(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text.substring(text.indexOf('\n') + 1));
        assertTrue(m.find(), regex + " in " + text);
        return Long.parseLong(m.groupCount() > 0 ? m.group(1) : m.group());
    }

    private static Path damaged(int seed) throws Exception {
        Path img = dir.resolve("damaged-" + seed + ".img");
        Files.copy(base, img, StandardCopyOption.REPLACE_EXISTING);
        Random r = new Random(seed);
        long[] region = regions[seed % regions.length];
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            int n = 1 + r.nextInt(40);
            for (int i = 0; i < n; i++) {
                long at = region[0] + r.nextLong(region[1] - region[0]);
                f.seek(at);
                f.write(r.nextInt(4) == 0 ? 0xff : r.nextInt(256));
            }
        }
        return img;
    }

    /** Walks everything reachable; every failure must be a KernelException. Returns the operations that failed. */
    private static int walk(Ext2FileSystem fs, long vol, boolean mutate) {
        int[] failures = {0};
        try {
            walk(fs, vol, mutate, failures);
        } catch (KernelException e) {
            checked(e);
            failures[0]++;
        }
        return failures[0];
    }

    /** Damage must be caught by the driver's checks, not by its last-resort wrapping of runtime exceptions. */
    private static void checked(KernelException e) {
        if (e.getMessage().contains("internal error")) {
            throw new AssertionError("damage not caught by a check: " + e.getMessage(), e);
        }
    }

    private static void walk(Ext2FileSystem fs, long vol, boolean mutate, int[] failures) {
        Set<Long> seen = new HashSet<>();
        List<Long> todo = new ArrayList<>(List.of(fs.root(vol)));
        byte[] buf = new byte[64 * 1024];
        while (!todo.isEmpty() && seen.size() < 5000) {
            long d = todo.remove(todo.size() - 1);
            if (!seen.add(d)) {
                continue;
            }
            List<DirEntry> entries = new ArrayList<>();
            try {
                long cookie = 0;
                for (int i = 0; i < 1000; i++) {
                    List<DirEntry> part = fs.readdir(vol, d, cookie, 50);
                    if (part.isEmpty()) {
                        break;
                    }
                    entries.addAll(part);
                    cookie = part.get(part.size() - 1).next();
                }
            } catch (KernelException e) {
                checked(e);
                failures[0]++;
            }
            for (DirEntry e : entries) {
                if (e.name().equals(".") || e.name().equals("..") || e.name().isEmpty() || e.name().contains("/")) {
                    continue;
                }
                try {
                    Stat st = fs.lookup(vol, d, e.name());
                    if (st.isDirectory()) {
                        todo.add(st.ino());
                    } else if (st.isSymlink()) {
                        fs.readlink(vol, st.ino());
                    } else if (st.isRegular()) {
                        long pos = 0;
                        long total = 0;
                        while (total < (8 << 20)) {
                            long data;
                            try {
                                data = fs.seek(vol, st.ino(), pos, false);
                            } catch (KernelException x) {
                                if (x.errno() != Errno.ENXIO) {
                                    throw x;
                                }
                                break;
                            }
                            int n = fs.read(vol, st.ino(), data, buf, 0, buf.length);
                            if (n == 0) {
                                break;
                            }
                            total += n;
                            pos = data + n;
                        }
                        if (mutate) {
                            fs.write(vol, st.ino(), 10, buf, 0, 5000);
                            fs.setattr(vol, st.ino(), org.anykernel.vfs.api.SetAttr.size(100));
                        }
                    }
                    if (mutate) {
                        fs.rename(vol, d, e.name(), d, e.name() + "-renamed");
                        fs.unlink(vol, d, e.name() + "-renamed", st.isDirectory());
                    }
                } catch (KernelException x) {
                    checked(x);
                    failures[0]++;
                }
            }
            if (mutate) {
                try {
                    long ino = fs.create(vol, d, "new-file", Sys.S_IFREG | 0644, 0, 0).ino();
                    fs.write(vol, ino, 0, buf, 0, buf.length);
                    fs.create(vol, d, "new-dir", Sys.S_IFDIR | 0755, 0, 0);
                } catch (KernelException x) {
                    checked(x);
                    failures[0]++;
                }
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
            25, 26, 27, 28, 29})
    void readOnlyWalkOfDamagedImage(int seed) throws Exception {
        Path img = damaged(seed);
        String hash = Images.sha256(img);
        try (ImageFile dev = ImageFile.ro(img)) {
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                Ext2FileSystem fs = new Ext2FileSystem();
                long vol;
                try {
                    vol = fs.mount(dev, img.toString(), true, null);
                } catch (KernelException e) {
                    checked(e);
                    assertTrue(e.getMessage().length() > 10, e.getMessage());
                    System.out.println("seed " + seed + ": mount refused: " + e.getMessage());
                    return;
                }
                try {
                    int failed = walk(fs, vol, false);
                    System.out.println("seed " + seed + ": " + failed + " operations failed");
                    fs.statfs(vol);
                } catch (KernelException e) {
                    fail("walk lets a KernelException through: " + e);
                } finally {
                    fs.unmount(vol);
                }
            }, "seed " + seed);
            assertEquals(0, dev.writeAttempts.get(), "writes on a read-only mount");
        } catch (Throwable t) {
            if (t instanceof AssertionError) {
                throw t;
            }
            throw new AssertionError("seed " + seed + ": not a KernelException: " + t, t);
        }
        assertEquals(hash, Images.sha256(img), "image changed");
        Files.delete(img);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111})
    void readWriteChangesOnDamagedImage(int seed) throws Exception {
        Path img = damaged(seed);
        try (ImageFile dev = ImageFile.rw(img)) {
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                Ext2FileSystem fs = new Ext2FileSystem();
                long vol;
                try {
                    vol = fs.mount(dev, img.toString(), false, null);
                } catch (KernelException e) {
                    checked(e);
                    return;
                }
                try {
                    System.out.println("seed " + seed + " (read-write): " + walk(fs, vol, true)
                            + " operations failed");
                    walk(fs, vol, false);
                } finally {
                    try {
                        fs.unmount(vol);
                    } catch (KernelException e) {
                        // damage found while writing back: reported, as it must be, as a KernelException
                        checked(e);
                    }
                }
            }, "seed " + seed);
        } catch (Throwable t) {
            if (t instanceof AssertionError) {
                throw t;
            }
            throw new AssertionError("seed " + seed + ": not a KernelException: " + t, t);
        }
        Files.delete(img);
    }
}
