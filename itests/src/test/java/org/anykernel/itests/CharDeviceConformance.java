package org.anykernel.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Sys;
import org.anykernel.dev.api.Ioctls;
import org.anykernel.hw.api.ConsolePort;

/**
 * The character-device conformance suite: what every placement must do the same. Driven through the
 * syscall API of one process, so it is indifferent to where the drivers run.
 */
final class CharDeviceConformance {
    private final Posix sys;
    private final ConsolePort console;
    private final String tag;

    CharDeviceConformance(Posix sys, ConsolePort console, String tag) {
        this.sys = sys;
        this.console = console;
        this.tag = tag;
    }

    static Errno errno(Runnable r) {
        try {
            r.run();
        } catch (KernelException e) {
            return e.errno();
        }
        fail("expected a KernelException");
        return null;
    }

    void zeroFillsExactlyTheRangeAsked() {
        int fd = sys.open("/dev/zero", Sys.O_RDWR);
        byte[] buf = new byte[4096];
        Arrays.fill(buf, (byte) 0x55);
        assertEquals(100, sys.read(fd, buf, 10, 100));
        for (int i = 0; i < buf.length; i++) {
            assertEquals("byte " + i, (i >= 10 && i < 110) ? 0 : 0x55, buf[i]);
        }
        assertEquals(4096, sys.read(fd, buf));
        assertEquals(7, sys.write(fd, new byte[7]));
        sys.close(fd);
    }

    void nullIsEmptyAndSwallowsWrites() {
        int fd = sys.open("/dev/null", Sys.O_RDWR);
        assertEquals(0, sys.read(fd, new byte[16]));
        assertEquals(1000, sys.write(fd, new byte[1000]));
        assertEquals(Errno.ENOTTY, errno(() -> sys.ioctl(fd, 0x1234, 0)));
        sys.close(fd);
    }

    void randomComesFromTheHostsEntropy() {
        int fd = sys.open("/dev/random", Sys.O_RDONLY);
        byte[] a = new byte[64];
        byte[] b = new byte[64];
        assertEquals(64, sys.read(fd, a));
        assertEquals(64, sys.read(fd, b));
        assertFalse(Arrays.equals(a, new byte[64]));
        assertFalse(Arrays.equals(a, b));
        assertEquals(256, sys.ioctl(fd, Ioctls.RNDGETENTCNT, 0));
        sys.close(fd);
    }

    void consoleWritesToTheUartAndReadsItsFifo() {
        int fd = sys.open("/dev/console", Sys.O_RDWR);
        byte[] line = ("conformance " + tag + "\n").getBytes(StandardCharsets.UTF_8);
        assertEquals(line.length, sys.write(fd, line));
        String transcript = new String(console.transcript(), StandardCharsets.UTF_8);
        assertTrue(transcript, transcript.contains("conformance " + tag));
        console.inject("abc".getBytes(StandardCharsets.UTF_8));
        assertEquals(3, sys.ioctl(fd, Ioctls.FIONREAD, 0));
        byte[] in = new byte[8];
        assertEquals(3, sys.read(fd, in));
        assertArrayEquals("abc".getBytes(StandardCharsets.UTF_8), Arrays.copyOf(in, 3));
        assertEquals(Errno.EAGAIN, errno(() -> sys.read(fd, in)));
        sys.close(fd);
    }

    void badRequestsGetTheirErrno() {
        assertEquals(Errno.ENOENT, errno(() -> sys.open("/dev/nope", Sys.O_RDONLY)));
        assertEquals(Errno.ENOENT, errno(() -> sys.open("/nowhere/at/all", Sys.O_RDONLY)));
        assertEquals(Errno.ENOENT, errno(() -> sys.open("", Sys.O_RDONLY)));
        assertEquals(Errno.EISDIR, errno(() -> sys.open("/dev", Sys.O_RDONLY)));
        assertEquals(Errno.EEXIST, errno(() -> sys.open("/dev/zero", Sys.O_CREAT | Sys.O_EXCL | Sys.O_RDWR)));
        assertEquals(Errno.EROFS, errno(() -> sys.open("/dev/new", Sys.O_CREAT | Sys.O_RDWR)));
        assertEquals(Errno.ENAMETOOLONG, errno(() -> sys.open("/dev/" + "x".repeat(5000), Sys.O_RDONLY)));
        int fd = sys.open("/dev/zero", Sys.O_RDONLY);
        assertEquals(Errno.EBADF, errno(() -> sys.write(fd, new byte[1])));
        assertEquals(Errno.EFAULT, errno(() -> sys.read(fd, new byte[4], 2, 4)));
        assertEquals(Errno.EINVAL, errno(() -> sys.read(fd, new byte[4], 0, -1)));
        assertEquals(Errno.EINVAL, errno(() -> sys.syscall(Sys.READ, fd, "not a buffer", 0, 1)));
        assertEquals(Errno.ENOSYS, errno(() -> sys.syscall(333)));
        sys.close(fd);
        assertEquals(Errno.EBADF, errno(() -> sys.read(fd, new byte[1])));
        assertEquals(Errno.EBADF, errno(() -> sys.close(fd)));
    }

    void descriptorsAreSharedByDup() {
        int fd = sys.open("/dev/zero", Sys.O_RDONLY);
        int copy = sys.dup(fd);
        assertNotEquals(fd, copy);
        sys.close(fd);
        assertEquals(5, sys.read(copy, new byte[5]));
        assertEquals(fd, sys.dup2(copy, fd));
        sys.close(copy);
        assertEquals(5, sys.read(fd, new byte[5]));
        sys.close(fd);
    }

    /** Runs the whole suite. */
    void run() {
        zeroFillsExactlyTheRangeAsked();
        nullIsEmptyAndSwallowsWrites();
        randomComesFromTheHostsEntropy();
        consoleWritesToTheUartAndReadsItsFifo();
        badRequestsGetTheirErrno();
        descriptorsAreSharedByDup();
    }
}
