package org.anykernel.dev.api;

import org.anykernel.base.api.KernelService;

/**
 * A character device, as a driver provides it. The driver registers one service per device with the
 * properties {@link #NAME} (its name under {@code /dev}), {@link #MAJOR} and {@link #MINOR}. Errors are
 * {@link org.anykernel.base.api.KernelException}s; the faction has already checked buffer ranges.
 */
@KernelService
public interface CharDevice {
    /** Service property: the device's name under {@code /dev}. */
    String NAME = "device.name";
    /** Service property: major number. */
    String MAJOR = "device.major";
    /** Service property: minor number. */
    String MINOR = "device.minor";

    /** Reads up to {@code len} bytes into {@code buf[off..]}; 0 at end of data. */
    int read(byte[] buf, int off, int len);

    /** Writes up to {@code len} bytes from {@code buf[off..]}; returns how many were taken. */
    int write(byte[] buf, int off, int len);

    /** A control request; {@code ENOTTY} for one the device does not know. */
    long ioctl(long request, long arg);
}
