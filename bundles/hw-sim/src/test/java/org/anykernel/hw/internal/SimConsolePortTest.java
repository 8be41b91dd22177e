package org.anykernel.hw.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SimConsolePortTest {

    static SimConsolePort port(int transcript, int fifo) {
        SimConsolePort p = new SimConsolePort();
        p.configure(new SimConsolePort.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return SimConsolePort.Config.class;
            }

            @Override
            public boolean echo() {
                return false;
            }

            @Override
            public int transcript_size() {
                return transcript;
            }

            @Override
            public int fifo_size() {
                return fifo;
            }
        });
        return p;
    }

    @Test
    void theTranscriptKeepsTheLastBytes() {
        SimConsolePort p = port(4, 8);
        byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
        p.transmit(hello, 0, 5);
        assertArrayEquals("ello".getBytes(StandardCharsets.US_ASCII), p.transcript());
        p.transmit(hello, 0, 1);
        assertArrayEquals("lloh".getBytes(StandardCharsets.US_ASCII), p.transcript());
    }

    @Test
    void theReceiveFifoOverrunsLikeAUart() {
        SimConsolePort p = port(16, 3);
        p.inject("abcde".getBytes(StandardCharsets.US_ASCII));
        assertEquals(3, p.pending());
        byte[] buf = new byte[8];
        assertEquals(2, p.receive(buf, 1, 2));
        assertEquals('a', buf[1]);
        assertEquals('b', buf[2]);
        p.inject("x".getBytes(StandardCharsets.US_ASCII));
        assertEquals(2, p.receive(buf, 0, 8));
        assertEquals('c', buf[0]);
        assertEquals('x', buf[1]);
        assertEquals(0, p.receive(buf, 0, 8));
    }
}
