package org.anykernel.base.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Set;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.spi.Hypercalls;

/** The default host: the JVM this kernel runs in. All host-touching code of the base is here. */
final class JvmHypercalls implements Hypercalls {
    private final SecureRandom random = new SecureRandom();
    private final PrintStream console;

    JvmHypercalls(PrintStream console) {
        this.console = console;
    }

    @Override
    public long monotonicNanos() {
        return System.nanoTime();
    }

    @Override
    public long realtimeMillis() {
        return System.currentTimeMillis();
    }

    @Override
    public Thread spawn(String name, boolean virtual, Runnable body) {
        if (virtual) {
            return Thread.ofVirtual().name(name).start(body);
        }
        return Thread.ofPlatform().name(name).daemon(true).start(body);
    }

    @Override
    public byte[] allocate(int size) {
        if (size < 0) {
            throw new KernelException(Errno.EINVAL, "allocate", "negative size " + size);
        }
        try {
            return new byte[size];
        } catch (OutOfMemoryError e) {
            throw new KernelException(Errno.ENOMEM, "allocate " + size + " bytes: host has no memory", e);
        }
    }

    @Override
    public void entropy(byte[] out) {
        random.nextBytes(out);
    }

    @Override
    public void consoleWrite(byte[] buf, int off, int len) {
        console.write(buf, off, len);
        console.flush();
    }

    @Override
    public FileChannel openHostFile(String path, Set<? extends OpenOption> options) {
        try {
            return FileChannel.open(Path.of(path), options);
        } catch (NoSuchFileException e) {
            throw KernelException.of(Errno.ENOENT, path);
        } catch (AccessDeniedException e) {
            throw KernelException.of(Errno.EACCES, path);
        } catch (IOException | UnsupportedOperationException e) {
            throw new KernelException(Errno.EIO, path, String.valueOf(e.getMessage()));
        }
    }
}
