package org.anykernel.vfs.internal;

import static org.anykernel.base.spi.ArgKind.BUFFER;
import static org.anykernel.base.spi.ArgKind.INT;
import static org.anykernel.base.spi.ArgKind.LONG;
import static org.anykernel.base.spi.ArgKind.STRING;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Stat;
import org.anykernel.base.api.StatFs;
import org.anykernel.base.api.Sys;
import org.anykernel.base.spi.Syscall;
import org.anykernel.base.spi.SyscallTable;

/**
 * The path syscalls, registered in the kernel's table by the VFS (the descriptor ones, {@code read} to
 * {@code getdents64}, are the base's: they only need the open file). Arguments arrive checked for kind; structures
 * go out in their Linux x86_64 layout.
 */
final class VfsSyscalls {
    private VfsSyscalls() {
    }

    static void register(Vfs vfs, SyscallTable t, List<AutoCloseable> out) {
        out.add(t.register(Syscall.of(Sys.STAT, "stat", STRING, BUFFER), (p, a) -> {
            vfs.stat(p, (String) a[0], true).encode(struct("stat", (String) a[0], (byte[]) a[1], Stat.SIZE));
            return 0;
        }));
        out.add(t.register(Syscall.of(Sys.LSTAT, "lstat", STRING, BUFFER), (p, a) -> {
            vfs.stat(p, (String) a[0], false).encode(struct("lstat", (String) a[0], (byte[]) a[1], Stat.SIZE));
            return 0;
        }));
        out.add(t.register(Syscall.of(Sys.STATFS, "statfs", STRING, BUFFER), (p, a) -> {
            byte[] b = struct("statfs", (String) a[0], (byte[]) a[1], StatFs.SIZE);
            vfs.statfs(p, (String) a[0]).encode(b);
            return 0;
        }));
        out.add(t.register(Syscall.of(Sys.TRUNCATE, "truncate", STRING, LONG), (p, a) -> {
            String path = (String) a[0];
            vfs.truncate(p, vfs.resolve(p, path, true), (Long) a[1], path);
            return 0;
        }));
        out.add(t.register(Syscall.of(Sys.GETCWD, "getcwd", BUFFER, INT), (p, a) -> {
            byte[] cwd = p.cwd().getBytes(StandardCharsets.UTF_8);
            byte[] b = (byte[]) a[0];
            int size = (Integer) a[1];
            SyscallTable.checkRange("getcwd", b, 0, size);
            if (cwd.length + 1 > size) {
                throw new KernelException(Errno.ERANGE, "getcwd", "buffer of " + size + " bytes, needs "
                        + (cwd.length + 1));
            }
            System.arraycopy(cwd, 0, b, 0, cwd.length);
            b[cwd.length] = 0;
            return cwd.length + 1;
        }));
        out.add(t.register(Syscall.of(Sys.CHDIR, "chdir", STRING), (p, a) -> {
            vfs.chdir(p, (String) a[0]);
            return 0;
        }));
        out.add(t.register(Syscall.of(Sys.RENAME, "rename", STRING, STRING), (p, a) -> {
            vfs.rename(p, (String) a[0], (String) a[1]);
            return 0;
        }));
        out.add(t.register(Syscall.of(Sys.MKDIR, "mkdir", STRING, INT), (p, a) -> {
            vfs.mkdir(p, (String) a[0], (Integer) a[1]);
            return 0;
        }));
        out.add(t.register(Syscall.of(Sys.RMDIR, "rmdir", STRING), (p, a) -> {
            vfs.remove(p, (String) a[0], true);
            return 0;
        }));
        out.add(t.register(Syscall.of(Sys.UNLINK, "unlink", STRING), (p, a) -> {
            vfs.remove(p, (String) a[0], false);
            return 0;
        }));
        out.add(t.register(Syscall.of(Sys.LINK, "link", STRING, STRING), (p, a) -> {
            vfs.link(p, (String) a[0], (String) a[1]);
            return 0;
        }));
        out.add(t.register(Syscall.of(Sys.SYMLINK, "symlink", STRING, STRING), (p, a) -> {
            vfs.symlink(p, (String) a[0], (String) a[1]);
            return 0;
        }));
        out.add(t.register(Syscall.of(Sys.READLINK, "readlink", STRING, BUFFER, INT), (p, a) -> {
            byte[] b = (byte[]) a[1];
            int size = (Integer) a[2];
            SyscallTable.checkRange("readlink", (String) a[0], b, 0, size);
            if (size <= 0) {
                throw new KernelException(Errno.EINVAL, "readlink " + a[0], "buffer size " + size);
            }
            byte[] target = vfs.readlink(p, (String) a[0]).getBytes(StandardCharsets.UTF_8);
            int n = Math.min(size, target.length); // truncated silently, as readlink(2) does
            System.arraycopy(target, 0, b, 0, n);
            return n;
        }));
        out.add(t.register(Syscall.of(Sys.CHMOD, "chmod", STRING, INT), (p, a) -> {
            String path = (String) a[0];
            vfs.chmod(p, vfs.resolve(p, path, true), (Integer) a[1], path);
            return 0;
        }));
        out.add(t.register(Syscall.of(Sys.CHOWN, "chown", STRING, INT, INT), (p, a) -> {
            String path = (String) a[0];
            vfs.chown(p, vfs.resolve(p, path, true), (Integer) a[1], (Integer) a[2], path);
            return 0;
        }));
        out.add(t.register(Syscall.of(Sys.LCHOWN, "lchown", STRING, INT, INT), (p, a) -> {
            String path = (String) a[0];
            vfs.chown(p, vfs.resolve(p, path, false), (Integer) a[1], (Integer) a[2], path);
            return 0;
        }));
        out.add(t.register(Syscall.of(Sys.UTIMENSAT, "utimensat", STRING, LONG, LONG, INT), (p, a) -> {
            vfs.utimens(p, (String) a[0], (Long) a[1], (Long) a[2], (Integer) a[3]);
            return 0;
        }));
        out.add(t.register(Syscall.of(Sys.SYNC, "sync"), (p, a) -> {
            vfs.sync();
            return 0;
        }));
        out.add(t.register(Syscall.of(Sys.MOUNT, "mount", STRING, STRING, STRING, LONG, STRING), (p, a) -> {
            String data = (String) a[4];
            vfs.mount(p, (String) a[0], (String) a[1], (String) a[2], (Long) a[3], data.isEmpty() ? null : data);
            return 0;
        }));
        out.add(t.register(Syscall.of(Sys.UMOUNT2, "umount2", STRING, INT), (p, a) -> {
            vfs.umount(p, (String) a[0], (Integer) a[1]);
            return 0;
        }));
    }

    private static byte[] struct(String op, String path, byte[] buf, int size) {
        if (buf.length < size) {
            throw new KernelException(Errno.EFAULT, op + " " + path, "buffer of " + buf.length + " bytes, needs " + size);
        }
        return buf;
    }
}
