package org.anykernel.dev.api;

/** Device control requests the standard devices answer; numbers as on Linux x86_64. */
public final class Ioctls {
    private Ioctls() {
    }

    /** Bytes waiting to be read ({@code FIONREAD}). */
    public static final long FIONREAD = 0x541B;
    /** Entropy bits in the pool ({@code RNDGETENTCNT}). */
    public static final long RNDGETENTCNT = 0x80045200L;
}
