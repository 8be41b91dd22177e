package org.anykernel.drivers.fs.ext2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.anykernel.base.api.DirEntry;
import org.anykernel.base.api.Stat;
import org.anykernel.base.api.Sys;

/** A mounted test volume with path-based conveniences over the driver's handle-based calls. */
final class Vol implements AutoCloseable {
    final Ext2FileSystem fs;
    final long vol;
    final ImageFile dev;
    private boolean unmounted;

    Vol(Ext2FileSystem fs, ImageFile dev, boolean readOnly, String options) {
        this.fs = fs;
        this.dev = dev;
        this.vol = fs.mount(dev, dev.name(), readOnly, options);
    }

    static Vol rw(Path img) throws IOException {
        return new Vol(new Ext2FileSystem(), ImageFile.rw(img), false, null);
    }

    static Vol ro(Path img) throws IOException {
        return new Vol(new Ext2FileSystem(), ImageFile.ro(img), true, null);
    }

    long root() {
        return fs.root(vol);
    }

    static String parentOf(String path) {
        int i = path.lastIndexOf('/');
        return i <= 0 ? "/" : path.substring(0, i);
    }

    static String nameOf(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The inode of an absolute path (symlinks not followed). */
    long ino(String path) {
        long ino = root();
        for (String c : path.split("/")) {
            if (!c.isEmpty()) {
                ino = fs.lookup(vol, ino, c).ino();
            }
        }
        return ino;
    }

    Stat stat(String path) {
        return fs.getattr(vol, ino(path));
    }

    long mkdir(String path) {
        return fs.create(vol, ino(parentOf(path)), nameOf(path), Sys.S_IFDIR | 0755, 0, 0).ino();
    }

    long create(String path) {
        return fs.create(vol, ino(parentOf(path)), nameOf(path), Sys.S_IFREG | 0644, 0, 0).ino();
    }

    long file(String path, byte[] data) {
        long ino = create(path);
        write(ino, 0, data);
        return ino;
    }

    void write(long ino, long pos, byte[] data) {
        int done = 0;
        while (done < data.length) {
            int n = Math.min(data.length - done, 1 << 20);
            assertEquals(n, fs.write(vol, ino, pos + done, data, done, n));
            done += n;
        }
    }

    long symlink(String path, String target) {
        return fs.symlink(vol, ino(parentOf(path)), nameOf(path), target, 0, 0).ino();
    }

    void link(String existing, String path) {
        fs.link(vol, ino(existing), ino(parentOf(path)), nameOf(path));
    }

    void unlink(String path) {
        fs.unlink(vol, ino(parentOf(path)), nameOf(path), false);
    }

    void rmdir(String path) {
        fs.unlink(vol, ino(parentOf(path)), nameOf(path), true);
    }

    void rename(String from, String to) {
        fs.rename(vol, ino(parentOf(from)), nameOf(from), ino(parentOf(to)), nameOf(to));
    }

    byte[] read(long ino) {
        long size = fs.getattr(vol, ino).size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 20];
        long pos = 0;
        while (true) {
            int n = fs.read(vol, ino, pos, buf, 0, buf.length);
            if (n == 0) {
                break;
            }
            out.write(buf, 0, n);
            pos += n;
        }
        assertEquals(size, pos, "bytes read from inode " + ino);
        return out.toByteArray();
    }

    byte[] read(String path) {
        return read(ino(path));
    }

    /** All entries, fetched {@code batch} at a time. */
    List<DirEntry> list(long dir, int batch) {
        List<DirEntry> out = new ArrayList<>();
        long cookie = 0;
        while (true) {
            List<DirEntry> part = fs.readdir(vol, dir, cookie, batch);
            if (part.isEmpty()) {
                return out;
            }
            assertTrue(part.size() <= batch);
            out.addAll(part);
            cookie = part.get(part.size() - 1).next();
        }
    }

    /** Names (without . and ..) to inode numbers. */
    Map<String, Long> names(long dir) {
        Map<String, Long> out = new TreeMap<>();
        for (DirEntry e : list(dir, 100)) {
            if (!e.name().equals(".") && !e.name().equals("..")) {
                assertEquals(null, out.put(e.name(), e.ino()), "duplicate entry " + e.name());
            }
        }
        return out;
    }

    void unmount() {
        if (!unmounted) {
            unmounted = true;
            fs.unmount(vol);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            unmount();
        } finally {
            dev.close();
        }
    }

    /**
     * Asserts the driver's tree under {@code dir} is the host tree {@code host}: names, types, mode, uid, gid, nlink
     * (directories: 2 + subdirectories), sizes, contents, symlink targets.
     */
    void assertMatchesHost(long dir, Path host, boolean top) throws IOException {
        List<DirEntry> all = list(dir, 37);
        long dots = all.stream().filter(e -> e.name().equals(".") && e.ino() == dir).count();
        assertEquals(1, dots, "'.' in " + host);
        assertEquals(1, all.stream().filter(e -> e.name().equals("..")).count(), "'..' in " + host);
        Map<String, Long> names = names(dir);
        if (top) {
            names.remove("lost+found");
        }
        TreeSet<String> hostNames = new TreeSet<>();
        try (Stream<Path> s = Files.list(host)) {
            s.forEach(p -> hostNames.add(p.getFileName().toString()));
        }
        assertEquals(hostNames, names.keySet(), "entries of " + host);
        for (String n : hostNames) {
            Path hp = host.resolve(n);
            Stat st = fs.lookup(vol, dir, n);
            assertEquals(names.get(n), st.ino(), "inode of " + hp);
            Map<String, Object> a = Files.readAttributes(hp, "unix:mode,uid,gid,nlink,size", LinkOption.NOFOLLOW_LINKS);
            assertEquals(Integer.toOctalString((Integer) a.get("mode")), Integer.toOctalString(st.mode()),
                    "mode of " + hp);
            assertEquals(a.get("uid"), st.uid(), "uid of " + hp);
            assertEquals(a.get("gid"), st.gid(), "gid of " + hp);
            if (st.isDirectory()) {
                long subdirs;
                try (Stream<Path> s = Files.list(hp)) {
                    subdirs = s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).count();
                }
                assertEquals(2 + subdirs, st.nlink(), "nlink of " + hp);
                assertMatchesHost(st.ino(), hp, false);
            } else {
                assertEquals(((Number) a.get("nlink")).longValue(), st.nlink(), "nlink of " + hp);
                assertEquals(((Number) a.get("size")).longValue(), st.size(), "size of " + hp);
                if (st.isSymlink()) {
                    assertEquals(Files.readSymbolicLink(hp).toString(), fs.readlink(vol, st.ino()), "target of " + hp);
                } else {
                    assertArrayEquals(Files.readAllBytes(hp), read(st.ino()), "contents of " + hp);
                }
            }
        }
    }
}
