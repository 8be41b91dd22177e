package org.anykernel.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small feature files for tests. */
public final class Features {
    private Features() {
    }

    /** Writes {@code json} (single quotes become double quotes, for readability) to {@code dir/name}. */
    public static Path write(Path dir, String name, String json) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, json.replace('\'', '"'), StandardCharsets.UTF_8);
        return file;
    }
}
