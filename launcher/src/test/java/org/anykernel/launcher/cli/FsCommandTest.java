package org.anykernel.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code anyk fs}: the fs-utils workflow of the storage issue on images made by {@code mke2fs -d}, with
 * {@code e2fsck -fn} clean after every change; exit codes and one-line errors; read-only commands leave the image's
 * bytes as they were; damaged images end in a bounded time with an error, never a stack trace.
 */
class FsCommandTest {
    @TempDir
    Path dir;
    Path tree;
    Path img;

    private record Result(int code, String out, List<String> err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Anyk.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8).lines().toList());
    }

    private Result fs(String... args) {
        List<String> a = new ArrayList<>(List.of("fs", img.toString()));
        a.addAll(List.of(args));
        return run(a.toArray(String[]::new));
    }

    private Result ok(String... args) {
        Result r = fs(args);
        assertEquals(0, r.code(), () -> String.join(" ", args) + ": " + r.err());
        assertEquals(List.of(), r.err());
        return r;
    }

    static String tool(String name) {
        for (String d : new String[] {"/usr/sbin/", "/sbin/"}) {
            if (Files.isExecutable(Path.of(d + name))) {
                return d + name;
            }
        }
        return name;
    }

    static String host(String... cmd) throws Exception {
        List<String> c = new ArrayList<>(List.of(cmd));
        c.set(0, tool(c.get(0)));
        Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " did not end");
        String s = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + ":\n" + s);
        return s;
    }

    private void fsck() throws Exception {
        host("e2fsck", "-fn", img.toString());
    }

    private static String sha(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    @BeforeEach
    void image() throws Exception {
        tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("docs/sub"));
        Files.writeString(tree.resolve("docs/a.txt"), "hello\n");
        byte[] big = new byte[3_000_000];
        new Random(7).nextBytes(big);
        Files.write(tree.resolve("docs/sub/big.bin"), big);
        Files.createSymbolicLink(tree.resolve("docs/link"), Path.of("a.txt"));
        try (RandomAccessFile f = new RandomAccessFile(tree.resolve("docs/sparse").toFile(), "rw")) {
            f.setLength(20L << 20);
            f.seek(10L << 20);
            f.write("middle".getBytes(StandardCharsets.UTF_8));
        }
        img = dir.resolve("disk.img");
        host("mke2fs", "-q", "-F", "-t", "ext2", "-d", tree.toString(), img.toString(), "64M");
    }

    @Test
    void theFsUtilsWorkflow() throws Exception {
        Result ls = ok("ls", "-l", "/");
        assertTrue(ls.out().lines().anyMatch(l -> l.startsWith("d") && l.endsWith(" docs")), ls.out());
        assertTrue(ls.out().lines().anyMatch(l -> l.endsWith(" lost+found")), ls.out());

        Path out = dir.resolve("out");
        ok("get", "-r", "/docs", out.toString());
        assertArrayEquals(Files.readAllBytes(tree.resolve("docs/sub/big.bin")), Files.readAllBytes(out.resolve("sub/big.bin")));
        assertEquals("a.txt", Files.readSymbolicLink(out.resolve("link")).toString());
        assertEquals(20L << 20, Files.size(out.resolve("sparse")));
        assertTrue(Files.readString(out.resolve("sparse"), StandardCharsets.ISO_8859_1).contains("middle"));
        assertEquals("hello\n", ok("cat", "/docs/link").out());

        Path more = dir.resolve("more");
        Files.createDirectories(more.resolve("x"));
        Files.writeString(more.resolve("x/m.txt"), "more\n");
        ok("put", "-r", more.toString(), "/more");
        fsck();
        assertEquals("more\n", ok("cat", "/more/x/m.txt").out());

        ok("mkdir", "-p", "/a/b");
        ok("mv", "/a", "/c");
        fsck();
        assertEquals(List.of("/c:", "b", "", "/c/b:"), ok("ls", "-R", "/c").out().lines().toList());
        ok("rm", "-r", "/c");
        ok("ln", "-s", "/docs/a.txt", "/s");
        ok("ln", "/docs/a.txt", "/h");
        assertEquals("/docs/a.txt\n", ok("readlink", "/s").out());
        ok("chmod", "600", "/h");
        assertTrue(ok("stat", "/docs/a.txt").out().contains("Links: 2"));
        assertTrue(ok("stat", "/h").out().contains("(0600/-rw-------)"));
        ok("truncate", "-s", "1M", "/t");
        assertTrue(ok("stat", "/t").out().contains("Size: 1048576"));
        ok("rm", "/t", "/s", "/h");
        ok("rm", "/more/x/m.txt");
        ok("rmdir", "/more/x");
        fsck();
        assertTrue(ok("df").out().lines().skip(1).findFirst().orElseThrow().startsWith(img.toString()));
        // what the image holds now, read by e2fsprogs itself
        Path rdump = dir.resolve("rdump");
        Files.createDirectories(rdump);
        host("debugfs", "-R", "rdump /docs " + rdump, img.toString());
        assertArrayEquals(Files.readAllBytes(tree.resolve("docs/sub/big.bin")), Files.readAllBytes(rdump.resolve("docs/sub/big.bin")));
        assertFalse(Files.exists(rdump.resolve("c")));
    }

    @Test
    void kernelErrorsAreOneLineWithTheErrno() throws Exception {
        Result r = fs("cat", "/nope");
        assertEquals(1, r.code());
        assertEquals(List.of("anyk fs: cat: /nope: no such file or directory (ENOENT)"), r.err());
        r = fs("rmdir", "/docs");
        assertEquals(1, r.code());
        assertEquals(1, r.err().size());
        assertTrue(r.err().get(0).startsWith("anyk fs: rmdir: /docs: ") && r.err().get(0).endsWith("(ENOTEMPTY)"),
                r.err().toString());
        r = fs("mkdir", "/docs");
        assertEquals(List.of("anyk fs: mkdir: /docs: file exists (EEXIST)"), r.err());
        r = fs("rm", "/docs");
        assertEquals(1, r.code());
        assertTrue(r.err().get(0).endsWith("(EISDIR)"), r.err().toString());
        fsck();
    }

    @Test
    void badUsageExitsTwo() {
        Result r = fs("frobnicate");
        assertEquals(2, r.code());
        assertTrue(r.err().get(0).startsWith("anyk fs: unknown command 'frobnicate'"), r.err().toString());
        r = fs("ls", "-z");
        assertEquals(2, r.code());
        r = fs("chmod", "9z9", "/docs");
        assertEquals(2, r.code());
        assertTrue(r.err().get(0).contains("bad mode"), r.err().toString());
        r = fs();
        assertEquals(2, r.code());
        r = run("fs", dir.resolve("missing.img").toString(), "ls", "/");
        assertEquals(1, r.code());
        assertEquals(1, r.err().size());
    }

    @Test
    void readOnlyCommandsLeaveTheImageAsItWas() throws Exception {
        String before = sha(img);
        ok("ls", "-l", "-R", "/");
        ok("cat", "/docs/a.txt");
        ok("stat", "/docs/link");
        ok("df");
        ok("get", "-r", "/docs", dir.resolve("copy").toString());
        assertEquals(before, sha(img), "a read-only command changed the image");
    }

    @Test
    void damagedImagesEndWithAnErrorInABoundedTime() throws Exception {
        byte[] clean = Files.readAllBytes(img);
        for (int seed = 0; seed < 12; seed++) {
            byte[] bad = clean.clone();
            Random r = new Random(seed);
            // superblock, group descriptors, the first inode table blocks, the root directory's block
            int[][] areas = {{1024, 1024}, {2048, 1024}, {5 * 1024, 64 * 1024}, {0, 2 << 20}};
            int[] area = areas[seed % areas.length];
            for (int i = 0; i < 40; i++) {
                bad[area[0] + r.nextInt(area[1])] ^= (byte) (1 << r.nextInt(8));
            }
            Files.write(img, bad);
            String before = sha(img);
            final int s = seed;
            Result res = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> fs("ls", "-l", "-R", "/"),
                    "seed " + s);
            assertTrue(res.code() == 0 || res.code() == 1, "seed " + seed + ": exit " + res.code());
            for (String line : res.err()) {
                assertTrue(line.startsWith("anyk fs: "), "seed " + seed + ": " + line);
                assertFalse(line.contains("Exception") || line.contains("\tat "), "seed " + seed + ": " + line);
            }
            assertTrue(res.err().size() <= 1, "seed " + seed + ": " + res.err());
            assertEquals(before, sha(img), "seed " + seed + ": ls on a read-only image wrote to it");
        }
    }

    @Test
    void putKeepsHolesAndPermissions() throws Exception {
        Path src = dir.resolve("holes.bin");
        try (RandomAccessFile f = new RandomAccessFile(src.toFile(), "rw")) {
            f.setLength(8L << 20);
            f.seek(4L << 20);
            f.write(1);
        }
        Files.setPosixFilePermissions(src, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-x---"));
        ok("put", src.toString(), "/holes.bin");
        String stat = ok("stat", "/holes.bin").out();
        assertTrue(stat.contains("Size: 8388608"), stat);
        assertTrue(stat.contains("(0750/"), stat);
        long blocks = Long.parseLong(Stream.of(stat.split("\\s+")).dropWhile(w -> !w.equals("Blocks:")).skip(1)
                .findFirst().orElseThrow());
        assertTrue(blocks < 64, "an 8 MiB file with one byte set takes " + blocks + " sectors");
        fsck();
    }

    @Test
    void everyPlacementGivesTheSameAnswers() throws Exception {
        String library = ok("ls", "-l", "-R", "/").out();
        for (String placement : List.of("colocated", "isolated")) {
            Result r = run("fs", "--placement", placement, img.toString(), "ls", "-l", "-R", "/");
            assertEquals(0, r.code(), placement + ": " + r.err());
            assertEquals(library, r.out(), placement);
        }
        Path more = dir.resolve("more.txt");
        Files.writeString(more, "from the isolated driver\n");
        Result put = run("fs", "--placement", "isolated", img.toString(), "put", more.toString(), "/more.txt");
        assertEquals(0, put.code(), put.err()::toString);
        assertEquals("from the isolated driver\n", ok("cat", "/more.txt").out());
        Result missing = run("fs", "--placement", "isolated", img.toString(), "cat", "/nope");
        assertEquals(List.of("anyk fs: cat: /nope: no such file or directory (ENOENT)"), missing.err());
        assertEquals(1, missing.code());
        fsck();
    }

    @Test
    void theShellMountsTheImageInABootedKernel() throws Exception {
        Result r = run("boot", "microkernel", "-V", "console.echo=false", "-V", "disk=" + img, "--exec",
                "vfs:mount ext2 /dev/sd0 /mnt; vfs:ls -l /mnt/docs; vfs:cat /mnt/docs/a.txt; vfs:write /mnt/w.txt shell; "
                        + "vfs:mounts; vfs:df; dev:disks");
        assertEquals(0, r.code(), r.err()::toString);
        assertTrue(r.out().contains("ext2 /dev/sd0 mounted on /mnt"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("lrwxrwxrwx") && l.endsWith("link -> a.txt")), r.out());
        assertTrue(r.out().contains("hello\n"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("/dev/sd0") && l.contains("/mnt") && l.contains("ext2")
                && l.contains("page cache")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("page cache: ") && l.contains(" misses")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("/dev/sd0") && l.contains("64M") && l.contains("blk (isolated)")),
                r.out());
        // the kernel's shutdown unmounted the volume before its driver stopped: clean, and the write is there
        fsck();
        assertEquals("shell\n", ok("cat", "/w.txt").out());
    }
}
