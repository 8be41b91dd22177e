package org.anykernel.hw.internal;

import java.io.PrintStream;

import org.anykernel.hw.api.ConsolePort;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The console device. Configured by {@code hw.console}: {@code echo} (copy transmitted bytes to the
 * host's standard output), {@code transcript.size} and {@code fifo.size} (the receive FIFO; bytes past
 * it are dropped, as a UART overruns).
 */
@Component(configurationPid = "hw.console", configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class SimConsolePort implements ConsolePort {

    /** Configuration of the console device. */
    @ObjectClassDefinition(name = "hw-sim console")
    public @interface Config {
        @AttributeDefinition(description = "copy transmitted bytes to the host's standard output")
        boolean echo() default true;

        @AttributeDefinition(description = "bytes of transmitted output kept")
        int transcript_size() default 65536;

        @AttributeDefinition(description = "bytes the receive FIFO holds")
        int fifo_size() default 4096;
    }

    private final PrintStream host = System.out;
    private volatile boolean echo;
    private byte[] transcript = new byte[0];
    private int tStart;
    private int tLen;
    private byte[] fifo = new byte[0];
    private int fStart;
    private int fLen;

    @Activate
    @Modified
    synchronized void configure(Config c) {
        echo = c.echo();
        if (transcript.length != Math.max(1, c.transcript_size())) {
            transcript = new byte[Math.max(1, c.transcript_size())];
            tStart = 0;
            tLen = 0;
        }
        if (fifo.length != Math.max(1, c.fifo_size())) {
            fifo = new byte[Math.max(1, c.fifo_size())];
            fStart = 0;
            fLen = 0;
        }
    }

    @Override
    public void transmit(byte[] buf, int off, int len) {
        synchronized (this) {
            for (int i = 0; i < len; i++) {
                int pos = (tStart + tLen) % transcript.length;
                transcript[pos] = buf[off + i];
                if (tLen < transcript.length) {
                    tLen++;
                } else {
                    tStart = (tStart + 1) % transcript.length;
                }
            }
        }
        if (echo) {
            host.write(buf, off, len);
            host.flush();
        }
    }

    @Override
    public synchronized int receive(byte[] buf, int off, int len) {
        int n = Math.min(len, fLen);
        for (int i = 0; i < n; i++) {
            buf[off + i] = fifo[(fStart + i) % fifo.length];
        }
        fStart = (fStart + n) % fifo.length;
        fLen -= n;
        return n;
    }

    @Override
    public synchronized int pending() {
        return fLen;
    }

    @Override
    public synchronized void inject(byte[] data) {
        for (byte b : data) {
            if (fLen == fifo.length) {
                return;
            }
            fifo[(fStart + fLen) % fifo.length] = b;
            fLen++;
        }
    }

    @Override
    public synchronized byte[] transcript() {
        byte[] out = new byte[tLen];
        for (int i = 0; i < tLen; i++) {
            out[i] = transcript[(tStart + i) % transcript.length];
        }
        return out;
    }
}
