package org.anykernel.base.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;

/**
 * A process's descriptor table: small integers naming open files, lowest free first. Several
 * descriptors (after {@code dup}) share one open file, which is released when the last is closed.
 * Lookups (every read and write) take no lock; changes to the table do.
 */
public final class FdTable {
    /** The per-process descriptor limit ({@code RLIMIT_NOFILE}). */
    public static final int MAX = 1024;

    private static final class Ref {
        final OpenFile file;
        int count = 1;

        Ref(OpenFile file) {
            this.file = file;
        }
    }

    private final AtomicReferenceArray<Ref> slots = new AtomicReferenceArray<>(MAX);

    /** Installs {@code file} at the lowest free descriptor; {@code EMFILE} when full (the file is released). */
    public synchronized int install(OpenFile file) {
        for (int fd = 0; fd < MAX; fd++) {
            if (slots.get(fd) == null) {
                slots.set(fd, new Ref(file));
                return fd;
            }
        }
        file.release();
        throw new KernelException(Errno.EMFILE, file.name(), "all " + MAX + " descriptors in use");
    }

    /** The open file behind {@code fd}; {@code EBADF} if none. */
    public OpenFile get(int fd) {
        return ref(fd).file;
    }

    private Ref ref(int fd) {
        Ref r = fd >= 0 && fd < MAX ? slots.get(fd) : null;
        if (r == null) {
            throw new KernelException(Errno.EBADF, "fd " + fd, "not an open descriptor");
        }
        return r;
    }

    /** Closes {@code fd}; the open file is released when no descriptor refers to it any more. */
    public void close(int fd) {
        OpenFile release = null;
        synchronized (this) {
            Ref r = ref(fd);
            slots.set(fd, null);
            if (--r.count == 0) {
                release = r.file;
            }
        }
        if (release != null) {
            release.release();
        }
    }

    /** A new descriptor, the lowest free, for the open file of {@code fd}. */
    public synchronized int dup(int fd) {
        Ref r = ref(fd);
        for (int n = 0; n < MAX; n++) {
            if (slots.get(n) == null) {
                slots.set(n, r);
                r.count++;
                return n;
            }
        }
        throw new KernelException(Errno.EMFILE, "dup " + fd, "all " + MAX + " descriptors in use");
    }

    /** Makes {@code newfd} refer to the open file of {@code oldfd}, closing what {@code newfd} held. */
    public int dup2(int oldfd, int newfd) {
        OpenFile release = null;
        synchronized (this) {
            Ref r = ref(oldfd);
            if (newfd < 0 || newfd >= MAX) {
                throw new KernelException(Errno.EBADF, "fd " + newfd, "out of range [0, " + MAX + ")");
            }
            if (oldfd == newfd) {
                return newfd;
            }
            Ref old = slots.get(newfd);
            if (old != null && --old.count == 0) {
                release = old.file;
            }
            slots.set(newfd, r);
            r.count++;
        }
        if (release != null) {
            release.release();
        }
        return newfd;
    }

    /** Number of descriptors in use. */
    public synchronized int size() {
        int n = 0;
        for (int fd = 0; fd < MAX; fd++) {
            if (slots.get(fd) != null) {
                n++;
            }
        }
        return n;
    }

    /** Closes every descriptor (process exit). */
    public void closeAll() {
        List<OpenFile> release = new ArrayList<>();
        synchronized (this) {
            for (int fd = 0; fd < MAX; fd++) {
                Ref r = slots.get(fd);
                if (r != null) {
                    slots.set(fd, null);
                    if (--r.count == 0) {
                        release.add(r.file);
                    }
                }
            }
        }
        release.forEach(OpenFile::release);
    }
}
