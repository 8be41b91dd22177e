package org.anykernel.drivers.fs.ext2;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.anykernel.vfs.api.SetAttr;

/** Applies each change to a driver volume and to a host directory, whose tree is then what the image must hold. */
final class Mirror {
    final Vol v;
    final Path host;

    Mirror(Vol v, Path host) throws IOException {
        this.v = v;
        this.host = Files.createDirectories(host);
    }

    private Path h(String path) {
        return host.resolve(path.substring(1));
    }

    long mkdir(String path) throws IOException {
        Files.createDirectory(h(path));
        return v.mkdir(path);
    }

    long file(String path, byte[] data) throws IOException {
        Files.write(h(path), data);
        return v.file(path, data);
    }

    void write(String path, long pos, byte[] data) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(h(path).toFile(), "rw")) {
            f.seek(pos);
            f.write(data);
        }
        v.write(v.ino(path), pos, data);
    }

    void truncate(String path, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(h(path).toFile(), "rw")) {
            f.setLength(size);
        }
        v.fs.setattr(v.vol, v.ino(path), SetAttr.size(size));
    }

    void symlink(String path, String target) throws IOException {
        Files.createSymbolicLink(h(path), Path.of(target));
        v.symlink(path, target);
    }

    void link(String existing, String path) throws IOException {
        Files.createLink(h(path), h(existing));
        v.link(existing, path);
    }

    void unlink(String path) throws IOException {
        Files.delete(h(path));
        v.unlink(path);
    }

    void rmdir(String path) throws IOException {
        Files.delete(h(path));
        v.rmdir(path);
    }

    void rename(String from, String to) throws IOException {
        Path t = h(to);
        if (Files.isDirectory(t, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(t);
        }
        Files.move(h(from), t, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        v.rename(from, to);
    }
}
