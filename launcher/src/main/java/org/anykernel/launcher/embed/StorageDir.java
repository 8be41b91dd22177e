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

    /**
     * Deletes the tree, best effort: a leftover temp file is not worth failing a clean stop for. A file
     * that cannot be deleted does not stop the walk, and a second pass catches files the framework was
     * still closing during the first.
     */
    static void delete(Path dir) {
        for (int pass = 0; pass < 3 && dir != null && Files.exists(dir); pass++) {
            if (pass > 0) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            deleteOnce(dir);
        }
    }

    private static void deleteOnce(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    quietly(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) {
                    quietly(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // the visitor swallows per-file failures; the caller's next pass retries
        }
    }

    private static void quietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // see delete
        }
    }
}
