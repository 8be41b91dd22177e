package org.anykernel.base.spi;

/**
 * A part of the path name space a faction serves ({@code /dev} by the device faction, {@code /} by the
 * VFS). The base's {@code open} hands a path to the name space with the longest matching prefix.
 */
public interface NameSpace {

    /**
     * Opens {@code rest}, the path below this name space's prefix ({@code "zero"} for {@code /dev/zero}).
     *
     * @param path  the whole absolute path, for messages
     */
    OpenFile open(KernelProcess process, String path, String rest, int flags, int mode);

    /**
     * What {@code rest} is ({@code stat}); {@code follow} is false for {@code lstat}. By default, what an
     * open-for-reading file says.
     */
    default org.anykernel.base.api.Stat stat(KernelProcess process, String path, String rest, boolean follow) {
        OpenFile f = open(process, path, rest, org.anykernel.base.api.Sys.O_RDONLY, 0);
        try {
            return f.fstat();
        } finally {
            f.release();
        }
    }
}
