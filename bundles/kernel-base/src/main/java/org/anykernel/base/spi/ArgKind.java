package org.anykernel.base.spi;

/** The kind of one syscall argument; what the dispatcher checks and the remote protocol marshals. */
public enum ArgKind {
    INT(Integer.class), LONG(Long.class), STRING(String.class), BUFFER(byte[].class);

    private final Class<?> type;

    ArgKind(Class<?> type) {
        this.type = type;
    }

    /** The Java type of an argument of this kind. */
    public Class<?> type() {
        return type;
    }
}
