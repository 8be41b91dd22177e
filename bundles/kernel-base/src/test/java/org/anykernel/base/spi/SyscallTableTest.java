package org.anykernel.base.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.junit.jupiter.api.Test;

class SyscallTableTest {
    private final SyscallTable table = new SyscallTable();

    @Test
    void dispatchesByNumberWithCheckedArguments() throws Exception {
        AutoCloseable reg = table.register(Syscall.of(7, "add", ArgKind.INT, ArgKind.LONG), (p, a) -> (Integer) a[0] + (Long) a[1]);
        assertEquals(5L, table.invoke(null, 7, 2, 3));
        assertEquals(7, table.number("add"));
        KernelException e = assertThrows(KernelException.class, () -> table.invoke(null, 7, "two", 3L));
        assertEquals(Errno.EINVAL, e.errno());
        e = assertThrows(KernelException.class, () -> table.invoke(null, 7, 1));
        assertEquals(Errno.EINVAL, e.errno());
        reg.close();
        e = assertThrows(KernelException.class, () -> table.invoke(null, 7, 1, 2L));
        assertEquals(Errno.ENOSYS, e.errno());
    }

    @Test
    void unknownAndOutOfRangeNumbersAreENOSYS() {
        assertEquals(Errno.ENOSYS, assertThrows(KernelException.class, () -> table.invoke(null, 99)).errno());
        assertEquals(Errno.ENOSYS, assertThrows(KernelException.class, () -> table.invoke(null, -1)).errno());
        assertEquals(Errno.ENOSYS, assertThrows(KernelException.class, () -> table.invoke(null, 100_000)).errno());
    }

    @Test
    void aTakenNumberIsEBUSYAndKeepsTheFirst() {
        table.register(Syscall.of(3, "close", ArgKind.INT), (p, a) -> 1);
        KernelException e = assertThrows(KernelException.class,
                () -> table.register(Syscall.of(3, "other", ArgKind.INT), (p, a) -> 2));
        assertEquals(Errno.EBUSY, e.errno());
        assertEquals(1L, table.invoke(null, 3, 0));
    }

    @Test
    void nullBufferIsEFAULT() {
        table.register(Syscall.of(0, "read", ArgKind.BUFFER), (p, a) -> 0);
        assertEquals(Errno.EFAULT, assertThrows(KernelException.class, () -> table.invoke(null, 0, (Object) null)).errno());
    }

    @Test
    void rangeChecks() {
        byte[] b = new byte[4];
        SyscallTable.checkRange("r", b, 0, 4);
        assertEquals(Errno.EFAULT, assertThrows(KernelException.class, () -> SyscallTable.checkRange("r", b, 1, 4)).errno());
        assertEquals(Errno.EFAULT, assertThrows(KernelException.class, () -> SyscallTable.checkRange("r", b, -1, 1)).errno());
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class, () -> SyscallTable.checkRange("r", b, 0, -1)).errno());
        assertEquals(Errno.EFAULT, assertThrows(KernelException.class,
                () -> SyscallTable.checkRange("r", b, Integer.MAX_VALUE, 2)).errno());
    }
}
