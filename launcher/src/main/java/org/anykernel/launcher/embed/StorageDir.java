package org.anykernel.launcher.embed;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** The framework's storage area: a fresh temporary directory per boot, so boots never see each other's state. */
final class StorageDir {
    private StorageDir() {
    }

    static Path create() {
        try {
            return Files.createTempDirectory("anyk-");
        } catch (IOException e) {
            throw new LaunchException("cannot create a temporary directory: " + e.getMessage(), e);
        }
    }

    /** Deletes the tree, best effort: a leftover temp file is not worth failing a clean stop for. */
    static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // best effort, see above
        }
    }
}
