/**
 * The memory file system: {@link org.anykernel.drivers.fs.tmpfs.TmpFileSystem} is the prototype-scoped
 * {@code FileSystem} service of type {@code tmpfs} (and {@link org.anykernel.drivers.fs.tmpfs.TmpfsLinker} links it
 * on a plain class path); each mount is a {@link org.anykernel.drivers.fs.tmpfs.Volume} of inodes whose data lives in
 * sparse 4 KiB {@link org.anykernel.drivers.fs.tmpfs.Pages} and whose directories keep stable readdir cookies, all of
 * it charged to the kernel's memory quota and given back at unmount. Nothing here is exported.
 */
package org.anykernel.drivers.fs.tmpfs;
