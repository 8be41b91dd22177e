package org.anykernel.drivers.net.inet.tcp;

/**
 * A byte ring of a fixed capacity (it may only grow): a socket's send buffer (from the first unacknowledged byte) or
 * receive buffer (from the first byte the application has not read). The array is made at the first write, so a
 * half-open connection (a SYN flood's) costs no buffer memory.
 */
final class Ring {
    private static final byte[] NONE = new byte[0];
    private byte[] buf = NONE;
    private int capacity;
    private int head;
    private int size;

    Ring(int capacity) {
        this.capacity = capacity;
    }

    int size() {
        return size;
    }

    int capacity() {
        return capacity;
    }

    int free() {
        return capacity - size;
    }

    /** Appends {@code len} bytes (the caller checked {@link #free()}). */
    void write(byte[] src, int off, int len) {
        if (len > free()) {
            throw new IllegalArgumentException("ring overflow: " + len + " bytes into " + free());
        }
        if (buf.length < capacity) {
            grow(capacity, true);
        }
        int tail = (head + size) % buf.length;
        int first = Math.min(len, buf.length - tail);
        System.arraycopy(src, off, buf, tail, first);
        System.arraycopy(src, off + first, buf, 0, len - first);
        size += len;
    }

    /** Copies {@code len} bytes starting {@code at} bytes from the head, without taking them. */
    void peek(int at, byte[] dst, int off, int len) {
        if (at < 0 || len < 0 || at + len > size) {
            throw new IllegalArgumentException("ring range [" + at + ", " + (at + len) + ") outside " + size);
        }
        if (len == 0) {
            return;
        }
        int start = (head + at) % buf.length;
        int first = Math.min(len, buf.length - start);
        System.arraycopy(buf, start, dst, off, first);
        System.arraycopy(buf, 0, dst, off + first, len - first);
    }

    /** Drops {@code n} bytes from the head. */
    void skip(int n) {
        int k = Math.min(n, size);
        if (k <= 0) {
            return;
        }
        head = (head + k) % buf.length;
        size -= k;
        if (size == 0) {
            head = 0;
        }
    }

    void clear() {
        head = 0;
        size = 0;
    }

    /** Grows the capacity to {@code capacity}, keeping the bytes. */
    void grow(int newCapacity) {
        if (newCapacity > capacity) {
            grow(newCapacity, buf.length > 0);
        }
    }

    private void grow(int newCapacity, boolean allocate) {
        capacity = newCapacity;
        if (!allocate) {
            return;
        }
        byte[] n = new byte[newCapacity];
        if (size > 0) {
            peek(0, n, 0, size);
        }
        buf = n;
        head = 0;
    }
}
