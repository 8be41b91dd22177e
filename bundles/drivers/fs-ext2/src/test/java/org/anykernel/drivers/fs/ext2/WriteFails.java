package org.anykernel.drivers.fs.ext2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.junit.jupiter.api.function.Executable;

/** Asserts a call fails with a given errno. */
final class WriteFails {
    private WriteFails() {
    }

    static KernelException check(Errno errno, Executable call) {
        KernelException e = assertThrows(KernelException.class, call);
        assertEquals(errno, e.errno(), e.getMessage());
        return e;
    }
}
