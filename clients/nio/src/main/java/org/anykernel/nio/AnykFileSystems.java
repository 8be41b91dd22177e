package org.anykernel.nio;

import java.nio.file.FileSystem;
import java.nio.file.spi.FileSystemProvider;

import org.anykernel.base.api.Posix;

/** Convenience for programs that hold a {@link Posix} (a library kernel's process) and want its files. */
public final class AnykFileSystems {
    private static final AnykFileSystemProvider FALLBACK = new AnykFileSystemProvider();

    private AnykFileSystems() {
    }

    /**
     * The file system {@code name} ({@code anyk://name/}), made for {@code posix} if it does not exist yet (an existing
     * one keeps its own process). Uses the JDK's installed provider when this class is on the class path, so that
     * {@code Path.of(URI.create("anyk://name/..."))} finds it; in OSGi, where it is not installed, a provider of
     * its own.
     */
    public static FileSystem of(String name, Posix posix) {
        if (name == null || name.isEmpty() || posix == null) {
            throw new IllegalArgumentException("a name and a Posix are needed");
        }
        return provider().getOrCreate(name, posix);
    }

    /** The installed provider of the {@code anyk} scheme if there is one of this class, else a private instance. */
    public static AnykFileSystemProvider provider() {
        for (FileSystemProvider p : FileSystemProvider.installedProviders()) {
            if (p instanceof AnykFileSystemProvider a) {
                return a;
            }
        }
        return FALLBACK;
    }
}
