package org.anykernel.base.spi;

/**
 * Accounting of kernel buffers against the quota of the domain the calling code runs in (the domain a
 * front entered, or a library kernel). Exceeding the quota is {@code ENOMEM} for the caller, never an
 * {@code OutOfMemoryError} for the JVM. Registered as a service by kernel-base.
 */
public interface KernelMemory {

    /** Charges {@code bytes} to the current domain; {@code ENOMEM} (and nothing charged) past its quota. */
    void charge(long bytes);

    /** Gives back {@code bytes} charged before. */
    void release(long bytes);

    /** A zeroed buffer of {@code size} bytes, charged to the current domain. */
    default byte[] allocate(int size) {
        charge(size);
        return new byte[size];
    }

    /** Bytes charged to the current domain. */
    long used();

    /** The current domain's quota. */
    long quota();

    /** The current domain's name. */
    String domain();
}
