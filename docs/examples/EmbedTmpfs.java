import java.nio.charset.StandardCharsets;

import org.anykernel.base.api.LibraryKernel;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Standalone;
import org.anykernel.base.api.Sys;

/**
 * A plain Java program with a private kernel linked in: no OSGi framework, only the jars of the parts it uses
 * (kernel-base, faction-vfs, fs-tmpfs). Run it as the README says:
 * java -cp kernel-base.jar:faction-vfs.jar:fs-tmpfs.jar docs/examples/EmbedTmpfs.java
 */
public class EmbedTmpfs {
    public static void main(String[] args) {
        try (LibraryKernel kernel = Standalone.builder("embedded").drivers("fs-tmpfs").build()) {
            Posix px = kernel.posix();                 // process 1 of this kernel, as root
            px.mkdir("/tmp/notes", 0755);              // a tmpfs is mounted on / at the first path syscall
            int fd = px.open("/tmp/notes/hello.txt", Sys.O_CREAT | Sys.O_RDWR, 0644);
            px.write(fd, "hello from a library kernel\n".getBytes(StandardCharsets.UTF_8));
            byte[] buf = new byte[64];
            int n = px.pread(fd, buf, 0, buf.length, 0);
            px.close(fd);
            System.out.print(new String(buf, 0, n, StandardCharsets.UTF_8));
            System.out.println(px.stat("/tmp/notes/hello.txt").size() + " bytes, kernel memory in use: "
                    + kernel.memoryUsed() + " bytes");
        }
    }
}
