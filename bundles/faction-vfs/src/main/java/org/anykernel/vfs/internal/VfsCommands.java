package org.anykernel.vfs.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import org.anykernel.base.api.DirEntry;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.Kernel;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Stat;
import org.anykernel.base.api.StatFs;
import org.anykernel.base.api.Sys;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@code vfs:} shell commands, on the global kernel, as its first process (pid 1, root). */
@Component(service = VfsCommands.class, property = {"osgi.command.scope=vfs", "osgi.command.function=mount",
    "osgi.command.function=umount", "osgi.command.function=mounts", "osgi.command.function=ls",
    "osgi.command.function=cat", "osgi.command.function=stat", "osgi.command.function=df",
    "osgi.command.function=mkdir", "osgi.command.function=write"})
public final class VfsCommands {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneId.systemDefault());

    @Reference
    private VfsFaction faction;
    @Reference
    private Kernel kernel;

    private Posix px() {
        return kernel.posix(1);
    }

    @Descriptor("mount a file system: vfs:mount TYPE SOURCE TARGET [OPTIONS] (e.g. vfs:mount ext2 /dev/sd0 /mnt)")
    public String mount(@Parameter(names = "-r", presentValue = "true", absentValue = "false") boolean readOnly,
            @Descriptor("type (ext2, tmpfs)") String type, @Descriptor("device or none") String source,
            @Descriptor("directory") String target) {
        return mount(readOnly, type, source, target, "");
    }

    @Descriptor("mount a file system with options (tmpfs: size=16M,nr_inodes=N,mode=1777)")
    public String mount(@Parameter(names = "-r", presentValue = "true", absentValue = "false") boolean readOnly,
            String type, String source, String target, @Descriptor("options") String options) {
        px().mount(source, target, type, readOnly ? Sys.MS_RDONLY : 0, options);
        return type + " " + source + " mounted on " + target + (readOnly ? " (read-only)" : "") + "\n";
    }

    @Descriptor("unmount what is mounted on a directory")
    public String umount(@Parameter(names = "-f", presentValue = "true", absentValue = "false") boolean force,
            @Descriptor("mount point") String target) {
        px().umount2(target, force ? Sys.MNT_FORCE : 0);
        return target + " unmounted\n";
    }

    @Descriptor("the mount table: source, mount point, type, flags, open files; the page cache's use")
    public String mounts() {
        Vfs vfs = faction.of("global");
        if (vfs == null) {
            return "no file systems (the vfs faction is not attached)\n";
        }
        StringBuilder sb = new StringBuilder();
        for (Mount m : vfs.mounts()) {
            sb.append(String.format("%-12s on %-16s type %-6s (%s) %d open%s%n", m.source, m.path, m.type,
                    m.readOnly ? "ro" : "rw", m.open.size(), m.cache != null ? ", page cache" : ""));
        }
        if (sb.isEmpty()) {
            return "nothing mounted\n";
        }
        long[] c = vfs.cacheStats();
        sb.append(String.format(
                "page cache: %d pages (%d KiB) of at most %d MiB, %d dirty, %d hits, %d misses, %d written back%n",
                c[0], c[0] * PageCache.PAGE / 1024, c[5] * PageCache.PAGE >> 20, c[1], c[2], c[3], c[4]));
        return sb.toString();
    }

    @Descriptor("list a directory")
    public String ls(@Parameter(names = "-l", presentValue = "true", absentValue = "false") boolean longFormat,
            @Descriptor("directory") String path) {
        Posix px = px();
        Stat st = px.stat(path);
        if (!st.isDirectory()) {
            return line(px, path, path, px.lstat(path), longFormat);
        }
        List<String> names = new ArrayList<>();
        for (DirEntry e : px.readdir(path)) {
            if (!e.name().equals(".") && !e.name().equals("..")) {
                names.add(e.name());
            }
        }
        names.sort(null);
        StringBuilder sb = new StringBuilder();
        for (String n : names) {
            String p = path.endsWith("/") ? path + n : path + "/" + n;
            sb.append(line(px, n, p, longFormat ? px.lstat(p) : null, longFormat));
        }
        return sb.toString();
    }

    @Descriptor("list the root directory")
    public String ls() {
        return ls(false, "/");
    }

    private static String line(Posix px, String name, String path, Stat st, boolean longFormat) {
        if (!longFormat) {
            return name + "\n";
        }
        String target = st.isSymlink() ? " -> " + px.readlink(path) : "";
        return String.format("%s %3d %5d %5d %10d %s %s%s%n", mode(st.mode()), st.nlink(), st.uid(), st.gid(),
                st.size(), TIME.format(Instant.ofEpochSecond(0, st.mtimeNs())), name, target);
    }

    static String mode(int mode) {
        char type = Sys.isDir(mode) ? 'd' : Sys.isLink(mode) ? 'l' : (mode & Sys.S_IFMT) == Sys.S_IFCHR ? 'c'
                : (mode & Sys.S_IFMT) == Sys.S_IFBLK ? 'b' : '-';
        StringBuilder b = new StringBuilder().append(type);
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            b.append((mode & (0400 >> i)) != 0 ? rwx.charAt(i) : '-');
        }
        return b.toString();
    }

    @Descriptor("print a file (text; at most 64 KiB)")
    public String cat(@Descriptor("file") String path) {
        Posix px = px();
        int fd = px.open(path, Sys.O_RDONLY);
        try {
            byte[] buf = new byte[65536];
            int at = 0;
            for (int n; at < buf.length && (n = px.read(fd, buf, at, buf.length - at)) > 0; ) {
                at += n;
            }
            return new String(buf, 0, at, StandardCharsets.UTF_8);
        } finally {
            px.close(fd);
        }
    }

    @Descriptor("write text to a file (created or truncated)")
    public String write(@Descriptor("file") String path, @Descriptor("text") String text) {
        Posix px = px();
        int fd = px.open(path, Sys.O_WRONLY | Sys.O_CREAT | Sys.O_TRUNC, 0644);
        try {
            byte[] b = (text + "\n").getBytes(StandardCharsets.UTF_8);
            px.write(fd, b);
            px.fsync(fd);
            return b.length + " bytes written to " + path + "\n";
        } finally {
            px.close(fd);
        }
    }

    @Descriptor("make a directory")
    public String mkdir(@Descriptor("directory") String path) {
        px().mkdir(path, 0755);
        return "";
    }

    @Descriptor("what a path is")
    public String stat(@Descriptor("path") String path) {
        Posix px = px();
        Stat st = px.lstat(path);
        return String.format("%s: %s ino %d dev %d links %d uid %d gid %d size %d blocks %d mtime %s%n", path,
                mode(st.mode()), st.ino(), st.dev(), st.nlink(), st.uid(), st.gid(), st.size(), st.blocks(),
                Instant.ofEpochSecond(0, st.mtimeNs()));
    }

    @Descriptor("size and use of every mounted file system")
    public String df() {
        Vfs vfs = faction.of("global");
        if (vfs == null) {
            throw new KernelException(Errno.ENODEV, "vfs", "the vfs faction is not attached");
        }
        StringBuilder sb = new StringBuilder(String.format("%-12s %10s %10s %10s %4s %s%n", "Filesystem", "1K-blocks",
                "Used", "Available", "Use%", "Mounted on"));
        for (Mount m : vfs.mounts()) {
            StatFs s = vfs.statfs(m);
            long k = s.bsize() / 1024 == 0 ? 1 : s.bsize() / 1024;
            long used = s.blocks() - s.bfree();
            long pct = s.blocks() == 0 ? 0 : (used * 100 + s.blocks() - 1) / s.blocks();
            sb.append(String.format("%-12s %10d %10d %10d %3d%% %s%n", m.source, s.blocks() * k, used * k,
                    s.bavail() * k, pct, m.path));
        }
        return sb.toString();
    }
}
