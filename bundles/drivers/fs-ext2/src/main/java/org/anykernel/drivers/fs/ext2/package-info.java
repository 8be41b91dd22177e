/**
 * The ext2 file system driver: {@link org.anykernel.drivers.fs.ext2.Ext2FileSystem} is a prototype-scoped
 * {@code FileSystem} component ({@code fs.type=ext2}) that mounts revision 0 and 1 ext2 volumes with 1, 2 and 4 KiB
 * blocks, as {@code mke2fs -t ext2} makes them, read-write. One {@link org.anykernel.drivers.fs.ext2.Volume} per
 * mount owns the on-disk structures: the {@link org.anykernel.drivers.fs.ext2.Superblock} and
 * {@link org.anykernel.drivers.fs.ext2.GroupDescriptors} held in memory, a write-back LRU
 * {@link org.anykernel.drivers.fs.ext2.BufferCache} for the other metadata, the
 * {@link org.anykernel.drivers.fs.ext2.Allocator} (bitmaps and free counts), the
 * {@link org.anykernel.drivers.fs.ext2.BlockMap} (direct and indirect blocks) and linear
 * {@link org.anykernel.drivers.fs.ext2.Directory} entries; file data goes straight to the device in contiguous runs.
 * Which on-disk features are read, written or refused is {@link org.anykernel.drivers.fs.ext2.Features}'s. Nothing
 * here is exported.
 */
package org.anykernel.drivers.fs.ext2;
