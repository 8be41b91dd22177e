package org.anykernel.drivers.fs.tmpfs;

import java.util.Map;

import org.anykernel.base.spi.DriverLinker;
import org.anykernel.base.spi.LinkContext;
import org.anykernel.vfs.api.FileSystem;

/**
 * fs-tmpfs on a plain class path: one {@link TmpFileSystem} of the kernel's own, with the property DS gives it,
 * whose volumes are unmounted when the kernel closes.
 */
public final class TmpfsLinker implements DriverLinker {
    @Override
    public String driver() {
        return "fs-tmpfs";
    }

    @Override
    public void link(LinkContext ctx) {
        TmpFileSystem fs = new TmpFileSystem(ctx.memory());
        ctx.onClose(fs::deactivate);
        ctx.register(fs, Map.of(FileSystem.TYPE, "tmpfs"));
    }
}
