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
}
