package org.anykernel.itests;

import static org.anykernel.itests.CharDeviceConformance.errno;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.List;

import javax.inject.Inject;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelFactory;
import org.anykernel.base.api.LibraryKernel;
import org.anykernel.base.api.Sys;
import org.anykernel.testing.exam.KernelOptions;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;

/** Library kernels: private, on the caller's thread, sharing nothing with each other. */
@RunWith(PaxExam.class)
public class LibraryKernelIT {
    @Inject
    private KernelFactory factory;

    @Configuration
    public Option[] config() {
        return options(KernelOptions.profile("library", "console.echo=false"), junitBundles());
    }

    @Test
    public void twoLibraryKernelsShareNothing() {
        try (LibraryKernel a = factory.create("a", List.of("char-std"), 1 << 20);
                LibraryKernel b = factory.create("b", List.of("char-std"), 1 << 20)) {
            int fa = a.posix().open("/dev/zero", Sys.O_RDONLY);
            int fb = b.posix().open("/dev/null", Sys.O_WRONLY);
            assertEquals("each has its own descriptor table", fa, fb);
            assertEquals(1, a.posix().getpid());
            assertEquals(1, b.posix().getpid());
            a.close();
            assertEquals(Errno.ENXIO, errno(() -> a.posix().read(fa, new byte[1])));
            assertEquals(4, b.posix().write(fb, new byte[4]));
            int zb = b.posix().open("/dev/zero", Sys.O_RDONLY);
            assertEquals(4, b.posix().read(zb, new byte[4]));
        }
    }

    @Test
    public void unknownDriversAndBadQuotasAreRefused() {
        assertEquals(Errno.ENOENT, errno(() -> factory.create("x", List.of("no-such-driver"), 1 << 20)));
        assertEquals(Errno.EINVAL, errno(() -> factory.create("x", List.of("char-std"), -1)));
    }

    @Test
    public void aLibraryKernelRunsOnTheCallersThread() {
        try (LibraryKernel k = factory.create("t", List.of("char-std"), 1 << 20)) {
            int fd = k.posix().open("/dev/zero", Sys.O_RDONLY);
            byte[] buf = new byte[3];
            assertEquals(3, k.posix().read(fd, buf));
            assertTrue(k.components().contains("char-std"));
        }
    }
}
