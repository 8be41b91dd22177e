package org.anykernel.vfs.api;

import org.anykernel.base.api.KernelService;

/**
 * A file system driver, as the VFS faction finds it: one service per file system type ({@code tmpfs},
 * {@code ext2}). The mount operations join this contract with the storage stack.
 */
@KernelService
public interface FileSystemType {
    /** Service property: the type name used by {@code mount}. */
    String TYPE = "fs.type";

    /** The type name ({@code "ext2"}). */
    String name();
}
