package org.anykernel.vfs.api;

/**
 * Attribute changes for {@link FileSystem#setattr}: a null field is left as it is.
 *
 * @param mode    new permission bits (the type bits are ignored)
 * @param uid     new owner
 * @param gid     new group
 * @param size    new length (truncate or extend with a hole)
 * @param atimeNs new access time
 * @param mtimeNs new modification time
 */
public record SetAttr(Integer mode, Integer uid, Integer gid, Long size, Long atimeNs, Long mtimeNs) {
    /** Only the permission bits. */
    public static SetAttr mode(int mode) {
        return new SetAttr(mode, null, null, null, null, null);
    }

    /** Only the owner and group (null: unchanged). */
    public static SetAttr owner(Integer uid, Integer gid) {
        return new SetAttr(null, uid, gid, null, null, null);
    }

    /** Only the size. */
    public static SetAttr size(long size) {
        return new SetAttr(null, null, null, size, null, null);
    }

    /** Only the times (null: unchanged). */
    public static SetAttr times(Long atimeNs, Long mtimeNs) {
        return new SetAttr(null, null, null, null, atimeNs, mtimeNs);
    }
}
