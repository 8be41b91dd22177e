package org.anykernel.base.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.junit.jupiter.api.Test;

class FdTableTest {
    private final AtomicInteger released = new AtomicInteger();

    private OpenFile file(String name) {
        return new OpenFile() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void release() {
                released.incrementAndGet();
            }
        };
    }

    @Test
    void lowestFreeDescriptorFirst() {
        FdTable t = new FdTable();
        assertEquals(0, t.install(file("a")));
        assertEquals(1, t.install(file("b")));
        t.close(0);
        assertEquals(0, t.install(file("c")));
        assertEquals("c", t.get(0).name());
    }

    @Test
    void dupSharesTheOpenFileUntilTheLastClose() {
        FdTable t = new FdTable();
        OpenFile a = file("a");
        int fd = t.install(a);
        int copy = t.dup(fd);
        assertSame(a, t.get(copy));
        t.close(fd);
        assertEquals(0, released.get());
        t.close(copy);
        assertEquals(1, released.get());
    }

    @Test
    void dup2ReplacesAndReleasesTheOldFile() {
        FdTable t = new FdTable();
        int a = t.install(file("a"));
        int b = t.install(file("b"));
        assertEquals(b, t.dup2(a, b));
        assertEquals(1, released.get());
        assertEquals("a", t.get(b).name());
        assertEquals(a, t.dup2(a, a));
        assertEquals(Errno.EBADF, assertThrows(KernelException.class, () -> t.dup2(a, FdTable.MAX)).errno());
    }

    @Test
    void badDescriptorsAreEBADF() {
        FdTable t = new FdTable();
        assertEquals(Errno.EBADF, assertThrows(KernelException.class, () -> t.get(0)).errno());
        assertEquals(Errno.EBADF, assertThrows(KernelException.class, () -> t.close(-1)).errno());
        assertEquals(Errno.EBADF, assertThrows(KernelException.class, () -> t.get(FdTable.MAX + 1)).errno());
    }

    @Test
    void fullTableIsEMFILEAndReleasesTheNewFile() {
        FdTable t = new FdTable();
        for (int i = 0; i < FdTable.MAX; i++) {
            t.install(file("f" + i));
        }
        KernelException e = assertThrows(KernelException.class, () -> t.install(file("one too many")));
        assertEquals(Errno.EMFILE, e.errno());
        assertEquals(1, released.get());
        t.closeAll();
        assertEquals(FdTable.MAX + 1, released.get());
        assertEquals(0, t.size());
    }
}
