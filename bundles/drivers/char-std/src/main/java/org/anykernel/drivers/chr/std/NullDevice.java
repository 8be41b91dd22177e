package org.anykernel.drivers.chr.std;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.dev.api.CharDevice;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

/** {@code /dev/null}: reads end at once, writes vanish. */
@Component(scope = ServiceScope.PROTOTYPE, property = {CharDevice.NAME + "=null", CharDevice.MAJOR + ":Integer=1",
    CharDevice.MINOR + ":Integer=3"})
public final class NullDevice implements CharDevice {
    @Override
    public int read(byte[] buf, int off, int len) {
        return 0;
    }

    @Override
    public int write(byte[] buf, int off, int len) {
        return len;
    }

    @Override
    public long ioctl(long request, long arg) {
        throw new KernelException(Errno.ENOTTY, "/dev/null", "no ioctl 0x" + Long.toHexString(request));
    }
}
