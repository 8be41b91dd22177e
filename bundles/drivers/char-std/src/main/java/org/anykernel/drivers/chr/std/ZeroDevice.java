package org.anykernel.drivers.chr.std;

import java.util.Arrays;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.dev.api.CharDevice;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

/** {@code /dev/zero}: an endless source of zero bytes; writes vanish. */
@Component(scope = ServiceScope.PROTOTYPE, property = {CharDevice.NAME + "=zero", CharDevice.MAJOR + ":Integer=1",
    CharDevice.MINOR + ":Integer=5"})
public final class ZeroDevice implements CharDevice {
    @Override
    public int read(byte[] buf, int off, int len) {
        Arrays.fill(buf, off, off + len, (byte) 0);
        return len;
    }

    @Override
    public int write(byte[] buf, int off, int len) {
        return len;
    }

    @Override
    public long ioctl(long request, long arg) {
        throw new KernelException(Errno.ENOTTY, "/dev/zero", "no ioctl 0x" + Long.toHexString(request));
    }
}
