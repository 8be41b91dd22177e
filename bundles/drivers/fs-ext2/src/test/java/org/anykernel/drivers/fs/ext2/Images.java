package org.anykernel.drivers.fs.ext2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Host-side e2fsprogs helpers: make images, check them, dump them, compare host trees. */
final class Images {
    private Images() {
    }

    /** A sparse image file of {@code mib} MiB formatted by {@code mke2fs -q -F} with extra arguments. */
    static Path mkfs(Path dir, String name, long mib, String... args) throws Exception {
        Path img = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(mib << 20);
        }
        List<String> cmd = new ArrayList<>(List.of("/usr/sbin/mke2fs", "-q", "-F"));
        cmd.addAll(List.of(args));
        cmd.add(img.toString());
        Proc.ok(60, cmd.toArray(String[]::new));
        return img;
    }

    /** {@code e2fsck -fyD}: builds hashed (dir_index) directories, as a kernel would for large ones. */
    static void indexDirectories(Path img) throws Exception {
        Proc.Result r = Proc.run(60, "/usr/sbin/e2fsck", "-fyD", img.toString());
        if (r.exit() > 1) {
            fail("e2fsck -fyD " + img + " exited " + r.exit() + ":\n" + r.output());
        }
    }

    /** {@code e2fsck -fn} must exit 0; its output is the failure message. */
    static void fsckClean(Path img) throws Exception {
        Proc.Result r = Proc.run(60, "/usr/sbin/e2fsck", "-fn", img.toString());
        if (r.exit() != 0) {
            fail("e2fsck -fn " + img + " exited " + r.exit() + ":\n" + r.output());
        }
    }

    /** {@code debugfs -R 'rdump / dest'}: the volume's tree on the host. */
    static Path rdump(Path img, Path dest) throws Exception {
        Files.createDirectories(dest);
        Proc.ok(120, "/usr/sbin/debugfs", "-R", "rdump / " + dest, img.toString());
        return dest;
    }

    static String debugfs(Path img, String request) throws Exception {
        return Proc.ok(60, "/usr/sbin/debugfs", "-R", request, img.toString());
    }

    static String dumpe2fsHeader(Path img) throws Exception {
        return Proc.ok(60, "/usr/sbin/dumpe2fs", "-h", img.toString());
    }

    static String sha256(Path p) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (var in = Files.newInputStream(p)) {
                byte[] b = new byte[1 << 16];
                int n;
                while ((n = in.read(b)) > 0) {
                    md.update(b, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Asserts that two host trees hold the same names, types, file contents and link targets. */
    static void assertSameTree(Path expected, Path actual) throws IOException {
        assertSameTree(expected, actual, true);
    }

    private static void assertSameTree(Path expected, Path actual, boolean top) throws IOException {
        TreeSet<String> e = names(expected, top);
        TreeSet<String> a = names(actual, top);
        assertEquals(e, a, "entries of " + actual);
        for (String n : e) {
            Path ep = expected.resolve(n);
            Path ap = actual.resolve(n);
            if (Files.isSymbolicLink(ep)) {
                assertTrue(Files.isSymbolicLink(ap), ap + " is a symlink");
                assertEquals(Files.readSymbolicLink(ep), Files.readSymbolicLink(ap), "target of " + ap);
            } else if (Files.isDirectory(ep, LinkOption.NOFOLLOW_LINKS)) {
                assertTrue(Files.isDirectory(ap, LinkOption.NOFOLLOW_LINKS), ap + " is a directory");
                assertSameTree(ep, ap, false);
            } else {
                assertTrue(Files.isRegularFile(ap, LinkOption.NOFOLLOW_LINKS), ap + " is a file");
                assertEquals(Files.size(ep), Files.size(ap), "size of " + ap);
                if (Files.mismatch(ep, ap) != -1) {
                    fail("contents of " + ap + " differ at byte " + Files.mismatch(ep, ap));
                }
            }
        }
    }

    private static TreeSet<String> names(Path dir, boolean top) throws IOException {
        TreeSet<String> out = new TreeSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> out.add(p.getFileName().toString()));
        }
        if (top) {
            out.remove("lost+found");
        }
        return out;
    }
}
