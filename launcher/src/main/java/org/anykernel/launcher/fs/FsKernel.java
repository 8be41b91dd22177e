package org.anykernel.launcher.fs;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.LibraryKernel;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Standalone;
import org.anykernel.hw.api.DiskController;
import org.anykernel.hw.api.SimHardware;
import org.anykernel.launcher.MavenRepository;
import org.anykernel.launcher.Profile;
import org.anykernel.launcher.embed.BootOptions;
import org.anykernel.launcher.embed.EmbeddedKernel;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The kernel {@code anyk fs} runs a command in, with the image as its disk {@code sd0}: a standalone library kernel
 * (the default: no framework, the drivers linked from the class path), or a profile booted in Felix with the file
 * system driver colocated ({@code monolithic}) or isolated ({@code microkernel}), reached through the global kernel's
 * first process.
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
            Posix px = bridge(k.context());
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

    /**
     * The global kernel's process 1 as a {@link Posix} of this class space: the kernel API classes inside the
     * framework are not the launcher's, so the one abstract method, {@code syscall}, is called reflectively (its
     * arguments are JDK types) and a kernel error comes back as this side's {@link KernelException}.
     */
    static Posix bridge(BundleContext ctx) {
        ServiceReference<?>[] refs;
        try {
            refs = ctx.getAllServiceReferences("org.anykernel.base.api.Kernel", null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (refs == null || refs.length == 0) {
            throw new IllegalStateException("no kernel service in the framework");
        }
        Object kernel = ctx.getService(refs[0]);
        try {
            Method posixOf = kernel.getClass().getMethod("posix", int.class);
            posixOf.setAccessible(true);
            Object target = posixOf.invoke(kernel, 1);
            Method syscall = target.getClass().getMethod("syscall", int.class, Object[].class);
            syscall.setAccessible(true);
            return (number, args) -> {
                try {
                    return (Long) syscall.invoke(target, number, args);
                } catch (InvocationTargetException e) {
                    throw translate(e.getCause());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            };
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the kernel service has no posix(int): " + e, e);
        }
    }

    private static RuntimeException translate(Throwable t) {
        if (t.getClass().getName().equals(KernelException.class.getName())) {
            try {
                Object errno = t.getClass().getMethod("errno").invoke(t);
                Errno e = Errno.valueOf(((Enum<?>) errno).name());
                String msg = t.getMessage();
                String prefix = e.name() + ": ";
                return new KernelException(e, msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg);
            } catch (ReflectiveOperationException | IllegalArgumentException x) {
                return new IllegalStateException(t.getMessage(), t);
            }
        }
        return t instanceof RuntimeException r ? r : new IllegalStateException(t);
    }
}
