package org.anykernel.drivers.fs.ext2;

import java.util.Map;

import org.anykernel.base.spi.DriverLinker;
import org.anykernel.base.spi.LinkContext;
import org.anykernel.vfs.api.FileSystem;

/** fs-ext2 on a plain class path: the same component DS makes. */
public final class Ext2Linker implements DriverLinker {
    @Override
    public String driver() {
        return "fs-ext2";
    }

    @Override
    public void link(LinkContext ctx) {
        ctx.register(new Ext2FileSystem(), Map.of(FileSystem.TYPE, "ext2"));
    }
}
