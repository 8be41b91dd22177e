package org.anykernel.launcher.fs;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.anykernel.base.api.LibraryKernel;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Standalone;
import org.anykernel.hw.api.DiskController;
import org.anykernel.hw.api.SimHardware;
import org.anykernel.launcher.MavenRepository;
import org.anykernel.launcher.Profile;
import org.anykernel.launcher.embed.BootOptions;
import org.anykernel.launcher.embed.EmbeddedKernel;
import org.anykernel.launcher.embed.KernelHandle;

/**
 * The kernel {@code anyk fs} runs a command in, with the image as its disk {@code sd0}: a standalone library kernel
 * (the default: no framework, the drivers linked from the class path), or a profile booted in Felix with the file
 * system driver colocated ({@code monolithic}) or isolated ({@code microkernel}), reached through the global kernel's
 * first process ({@link KernelHandle}).
 */
abstract class FsKernel implements AutoCloseable {
    abstract Posix posix();

    @Override
    public abstract void close();

    /** A standalone library kernel on the image (read-only disk for commands that only read). */
    static FsKernel library(Path image, boolean readOnly) {
        DiskController disk = SimHardware.imageDisk("sd0", image, readOnly);
        LibraryKernel k;
        try {
            k = Standalone.builder("anyk-fs").drivers("blk-sim", "fs-ext2")
                    .hardware(disk, Map.of("hw.disk.name", "sd0")).build();
        } catch (RuntimeException e) {
            SimHardware.powerOff(disk);
            throw e;
        }
        return new FsKernel() {
            @Override
            Posix posix() {
                return k.posix();
            }

            @Override
            public void close() {
                try {
                    k.close();
                } finally {
                    SimHardware.powerOff(disk);
                }
            }
        };
    }

    /** A profile booted in an embedded framework, its disk on the image. */
    static FsKernel framework(String placement, Path image, PrintStream err) {
        String profileName = switch (placement) {
            case "colocated" -> "monolithic";
            case "isolated" -> "microkernel";
            default -> throw new IllegalArgumentException("--placement: " + placement
                    + " (colocated, isolated or library)");
        };
        Profile profile = Profile.load(List.of(profileName))
                .withVariables(Map.of("disk", image.toAbsolutePath().toString(), "console.echo", "false"))
                .checkDescriptors();
        EmbeddedKernel k = EmbeddedKernel.start(profile,
                new BootOptions(Duration.ofSeconds(60), MavenRepository.local()), err, false);
        try {
            k.awaitReady();
            Posix px = KernelHandle.of(k.context()).posix();
            return new FsKernel() {
                @Override
                Posix posix() {
                    return px;
                }

                @Override
                public void close() {
                    k.stop();
                }
            };
        } catch (RuntimeException e) {
            k.stop();
            throw e;
        }
    }
}
