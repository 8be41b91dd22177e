package org.anykernel.nio;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;

/** Turns a syscall's {@link KernelException} into the {@code java.nio.file} exception for its errno. */
final class Errors {
    /** The reason given for {@code ELOOP}. */
    static final String ELOOP = "too many levels of symbolic links (ELOOP)";

    private Errors() {
    }

    /** The exception for {@code e}, about {@code file} (and {@code other}, for two-path operations). */
    static FileSystemException map(KernelException e, String file, String other) {
        Errno n = e.errno();
        FileSystemException x = switch (n) {
            case ENOENT -> new NoSuchFileException(file, other, null);
            case EEXIST -> new FileAlreadyExistsException(file, other, null);
            case ENOTEMPTY -> new DirectoryNotEmptyException(file);
            case EACCES, EPERM -> new AccessDeniedException(file, other, n.description() + " (" + n + ")");
            case ELOOP -> new FileSystemException(file, other, ELOOP);
            default -> new FileSystemException(file, other, n.description() + " (" + n + ")");
        };
        x.initCause(e);
        return x;
    }

    /** As {@link #map}, with {@code ENOTDIR} as {@link NotDirectoryException} (opening a directory). */
    static FileSystemException mapDir(KernelException e, String dir) {
        if (e.errno() == Errno.ENOTDIR) {
            FileSystemException x = new NotDirectoryException(dir);
            x.initCause(e);
            return x;
        }
        return map(e, dir, null);
    }

    /** As {@link #map}, with {@code EINVAL} as {@link NotLinkException} (reading a link). */
    static FileSystemException mapLink(KernelException e, String link) {
        if (e.errno() == Errno.EINVAL) {
            FileSystemException x = new NotLinkException(link);
            x.initCause(e);
            return x;
        }
        return map(e, link, null);
    }
}
