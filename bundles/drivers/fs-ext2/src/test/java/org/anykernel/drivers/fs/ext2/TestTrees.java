package org.anykernel.drivers.fs.ext2;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;

/** Source trees for {@code mke2fs -d}. */
final class TestTrees {
    static final int SPARSE_SIZE = 3 << 20;

    private TestTrees() {
    }

    static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** The full tree: nested dirs, empty files, 5 MiB random, sparse, symlinks, hard links, 3000 entries. */
    static Path full(Path dir, int manyEntries) throws IOException {
        Path t = Files.createDirectories(dir.resolve("tree"));
        Files.createDirectories(t.resolve("a/b/c/d"));
        Files.writeString(t.resolve("a/b/c/deep.txt"), "deep down\n");
        Files.writeString(t.resolve("a/hello.txt"), "hello, ext2\n");
        Files.createFile(t.resolve("empty1"));
        Files.createFile(t.resolve("a/b/empty2"));
        Files.write(t.resolve("big.bin"), random(1, 5 << 20));
        Files.write(t.resolve("a/odd.bin"), random(2, 70_001));
        try (RandomAccessFile f = new RandomAccessFile(t.resolve("sparse.bin").toFile(), "rw")) {
            f.setLength(SPARSE_SIZE);
            f.seek(0);
            f.write(random(3, 100));
            f.seek((1 << 20) + 123);
            f.write(random(4, 5000));
            f.seek(SPARSE_SIZE - 10);
            f.write(random(5, 10));
        }
        Files.createSymbolicLink(t.resolve("fastlink"), Path.of("a/b/c/deep.txt"));
        Files.createSymbolicLink(t.resolve("a/slowlink"), Path.of("../" + "long-name-".repeat(20) + "end"));
        Files.createSymbolicLink(t.resolve("dangling"), Path.of("/nowhere/at/all"));
        Files.writeString(t.resolve("hard1"), "linked twice\n");
        Files.createLink(t.resolve("a/b/hard2"), t.resolve("hard1"));
        Path priv = Files.writeString(t.resolve("a/private"), "secret\n");
        Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(t.resolve("a/b/c/d"), PosixFilePermissions.fromString("rwx------"));
        try {
            Files.setAttribute(t.resolve("a/hello.txt"), "unix:uid", 1234);
            Files.setAttribute(t.resolve("a/hello.txt"), "unix:gid", 5678);
        } catch (java.nio.file.FileSystemException notRoot) {
            // not privileged: every file keeps the test user's owner, which is still compared
        }
        Path many = Files.createDirectories(t.resolve("many"));
        for (int i = 0; i < manyEntries; i++) {
            Path f = many.resolve(String.format("entry-with-a-longish-name-%05d", i));
            if (i % 100 == 0) {
                Files.write(f, ("file " + i + "\n").getBytes(StandardCharsets.UTF_8));
            } else {
                Files.createFile(f);
            }
        }
        return t;
    }
}
