package org.anykernel.hw.api;

/**
 * A simulated serial console (a UART): bytes the machine transmits go to the host's terminal (when echo
 * is on) and to a bounded transcript; bytes the host sends wait in a receive FIFO until a driver reads them.
 */
public interface ConsolePort {

    /** Transmits bytes; never blocks. */
    void transmit(byte[] buf, int off, int len);

    /** Takes up to {@code len} received bytes into {@code buf[off..]}; 0 when the FIFO is empty. */
    int receive(byte[] buf, int off, int len);

    /** Bytes waiting in the receive FIFO. */
    int pending();

    /** The host side: puts bytes into the receive FIFO (typed input, a test's input). */
    void inject(byte[] data);

    /** The last bytes transmitted (at most the transcript size), oldest first. */
    byte[] transcript();
}
