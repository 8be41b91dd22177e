package org.anykernel.drivers.chr.std;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.dev.api.Ioctls;
import org.junit.jupiter.api.Test;

/** The devices on their own; their behaviour in every placement is the itests' conformance suite. */
class StandardDevicesTest {

    @Test
    void zeroTouchesOnlyTheRangeAsked() {
        byte[] buf = new byte[6];
        Arrays.fill(buf, (byte) 9);
        assertEquals(3, new ZeroDevice().read(buf, 2, 3));
        assertArrayEquals(new byte[] {9, 9, 0, 0, 0, 9}, buf);
        assertEquals(Errno.ENOTTY, assertThrows(KernelException.class, () -> new ZeroDevice().ioctl(1, 0)).errno());
    }

    @Test
    void nullReadsNothing() {
        NullDevice d = new NullDevice();
        assertEquals(0, d.read(new byte[4], 0, 4));
        assertEquals(4, d.write(new byte[4], 0, 4));
    }

    @Test
    void randomAnswersItsIoctl() {
        assertEquals(RandomDevice.POOL_BITS, new RandomDevice(null).ioctl(Ioctls.RNDGETENTCNT, 0));
        assertEquals(Errno.ENOTTY, assertThrows(KernelException.class, () -> new RandomDevice(null).ioctl(Ioctls.FIONREAD, 0)).errno());
    }
}
