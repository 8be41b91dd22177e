package org.anykernel.drivers.chr.std;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.spi.Hypercalls;
import org.anykernel.dev.api.CharDevice;
import org.anykernel.dev.api.Ioctls;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/** {@code /dev/random}: bytes from the host's entropy source, through the hypercall interface. */
@Component(scope = ServiceScope.PROTOTYPE, property = {CharDevice.NAME + "=random", CharDevice.MAJOR + ":Integer=1",
    CharDevice.MINOR + ":Integer=8"})
public final class RandomDevice implements CharDevice {
    /** The pool is always fully seeded: the host's generator is. */
    static final int POOL_BITS = 256;

    private final Hypercalls host;

    /** Constructor injection, so plain Java (a standalone kernel) makes it the same way DS does. */
    @Activate
    public RandomDevice(@Reference Hypercalls host) {
        this.host = host;
    }

    @Override
    public int read(byte[] buf, int off, int len) {
        byte[] chunk = new byte[len];
        host.entropy(chunk);
        System.arraycopy(chunk, 0, buf, off, len);
        return len;
    }

    @Override
    public int write(byte[] buf, int off, int len) {
        return len;
    }

    @Override
    public long ioctl(long request, long arg) {
        if (request == Ioctls.RNDGETENTCNT) {
            return POOL_BITS;
        }
        throw new KernelException(Errno.ENOTTY, "/dev/random", "no ioctl 0x" + Long.toHexString(request));
    }
}
