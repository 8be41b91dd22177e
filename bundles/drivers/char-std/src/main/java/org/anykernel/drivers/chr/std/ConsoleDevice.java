package org.anykernel.drivers.chr.std;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.dev.api.CharDevice;
import org.anykernel.dev.api.Ioctls;
import org.anykernel.hw.api.ConsolePort;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * {@code /dev/console}: drives the hw-sim console port. Reads never block: with no input waiting they
 * fail with {@code EAGAIN}, as a non-blocking terminal does.
 */
@Component(scope = ServiceScope.PROTOTYPE, property = {CharDevice.NAME + "=console", CharDevice.MAJOR + ":Integer=5",
    CharDevice.MINOR + ":Integer=1"})
public final class ConsoleDevice implements CharDevice {
    private final ConsolePort port;

    /** Constructor injection, so plain Java (a standalone kernel) makes it the same way DS does. */
    @Activate
    public ConsoleDevice(@Reference ConsolePort port) {
        this.port = port;
    }

    @Override
    public int read(byte[] buf, int off, int len) {
        if (len == 0) {
            return 0;
        }
        int n = port.receive(buf, off, len);
        if (n == 0) {
            throw new KernelException(Errno.EAGAIN, "/dev/console", "no input waiting");
        }
        return n;
    }

    @Override
    public int write(byte[] buf, int off, int len) {
        port.transmit(buf, off, len);
        return len;
    }

    @Override
    public long ioctl(long request, long arg) {
        if (request == Ioctls.FIONREAD) {
            return port.pending();
        }
        throw new KernelException(Errno.ENOTTY, "/dev/console", "no ioctl 0x" + Long.toHexString(request));
    }
}
