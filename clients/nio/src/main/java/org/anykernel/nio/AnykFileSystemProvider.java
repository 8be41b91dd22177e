package org.anykernel.nio;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.anykernel.base.api.DirEntry;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Stat;
import org.anykernel.base.api.Sys;

/**
 * The {@code anyk} scheme: {@code anyk://name/path} is {@code path} in the file system named {@code name}, made by
 * {@link #newFileSystem(URI, Map)} with the {@link Posix} of a kernel process under the key {@code "posix"} (or by
 * {@link AnykFileSystems#of}). Every operation is one or a few syscalls of that process; the file systems are kept
 * in one table shared by all instances of this class (the JDK's installed one and any other).
 */
public final class AnykFileSystemProvider extends FileSystemProvider {
    /** The URI scheme. */
    public static final String SCHEME = "anyk";
    /** The {@code newFileSystem} environment key of the {@link Posix}. */
    public static final String POSIX = "posix";

    private static final ConcurrentMap<String, AnykFileSystem> FILE_SYSTEMS = new ConcurrentHashMap<>();
    private static final int CHUNK = 64 * 1024;

    /** An instance; the JDK makes one through {@code META-INF/services}. */
    public AnykFileSystemProvider() {
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    private static String name(URI uri) {
        if (!SCHEME.equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("not an anyk: URI: " + uri);
        }
        String a = uri.getAuthority();
        if (a == null || a.isEmpty()) {
            throw new IllegalArgumentException("no file system name (authority) in " + uri);
        }
        return a;
    }

    /** A file system named by {@code uri}'s authority, for the {@link Posix} in {@code env.get("posix")}. */
    @Override
    public AnykFileSystem newFileSystem(URI uri, Map<String, ?> env) {
        String name = name(uri);
        if (!(env.get(POSIX) instanceof Posix posix)) {
            throw new IllegalArgumentException("env needs \"posix\": the kernel process's Posix");
        }
        AnykFileSystem fs = new AnykFileSystem(this, name, posix);
        if (FILE_SYSTEMS.putIfAbsent(name, fs) != null) {
            throw new FileSystemAlreadyExistsException(name);
        }
        return fs;
    }

    /** The file system {@code name}, made with {@code posix} if there is none yet. */
    AnykFileSystem getOrCreate(String name, Posix posix) {
        return FILE_SYSTEMS.computeIfAbsent(name, n -> new AnykFileSystem(this, n, posix));
    }

    static void remove(AnykFileSystem fs) {
        FILE_SYSTEMS.remove(fs.name(), fs);
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        AnykFileSystem fs = FILE_SYSTEMS.get(name(uri));
        if (fs == null) {
            throw new FileSystemNotFoundException(uri.toString());
        }
        return fs;
    }

    @Override
    public Path getPath(URI uri) {
        FileSystem fs = getFileSystem(uri);
        String p = uri.getPath();
        return fs.getPath(p == null || p.isEmpty() ? "/" : p);
    }

    // ---- helpers

    static boolean follow(LinkOption... options) {
        for (LinkOption o : options) {
            if (o == LinkOption.NOFOLLOW_LINKS) {
                return false;
            }
            if (o == null) {
                throw new NullPointerException();
            }
        }
        return true;
    }

    /**
     * The JDK's {@code com.sun.nio.file.ExtendedOpenOption.DIRECT} ({@code O_DIRECT}), recognised by name so this
     * bundle needs no import of the unsupported module's package.
     */
    static boolean isDirect(OpenOption o) {
        return o instanceof Enum<?> e && e.name().equals("DIRECT")
                && e.getDeclaringClass().getName().equals("com.sun.nio.file.ExtendedOpenOption");
    }

    private static AnykPath check(Path p) {
        AnykPath a = AnykPath.check(p);
        a.getFileSystem().ensureOpen();
        return a;
    }

    private static Posix px(AnykPath p) {
        return p.getFileSystem().posix();
    }

    Stat stat(AnykPath p, boolean follow) throws IOException {
        p.getFileSystem().ensureOpen();
        try {
            return follow ? px(p).stat(p.sys()) : px(p).lstat(p.sys());
        } catch (KernelException e) {
            throw Errors.map(e, p.toString(), null);
        }
    }

    Stat lstat(AnykPath p) throws IOException {
        return stat(p, false);
    }

    /** {@code lstat}, or {@code null} if there is no such file. */
    private static Stat lstatOrNull(AnykPath p) throws IOException {
        try {
            return px(p).lstat(p.sys());
        } catch (KernelException e) {
            if (e.errno() == Errno.ENOENT) {
                return null;
            }
            throw Errors.map(e, p.toString(), null);
        }
    }

    /** The mode of a {@code posix:permissions} attribute, or {@code dflt}; other attributes are not supported. */
    private static int mode(FileAttribute<?>[] attrs, int dflt) {
        int mode = dflt;
        for (FileAttribute<?> a : attrs) {
            if (a.name().equals("posix:permissions") || a.name().equals("unix:permissions")) {
                mode = AnykAttributes.mode((Set<?>) a.value());
            } else {
                throw new UnsupportedOperationException("attribute '" + a.name() + "' cannot be set at creation");
            }
        }
        return mode;
    }

    // ---- channels

    /** As {@link #newFileChannel}. */
    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        return newFileChannel(path, options, attrs);
    }

    /**
     * {@code open} with the flags of {@code options} and the mode of a {@code posix:permissions} attribute (default
     * 0666, masked by the process's umask); {@code SYNC}/{@code DSYNC} sync after each write, {@code DELETE_ON_CLOSE}
     * unlinks at close.
     */
    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        AnykPath p = check(path);
        boolean read = false;
        boolean write = false;
        boolean append = false;
        boolean truncate = false;
        boolean create = false;
        boolean createNew = false;
        boolean nofollow = false;
        boolean deleteOnClose = false;
        int sync = 0;
        boolean direct = false;
        for (OpenOption o : options) {
            if (o == StandardOpenOption.READ) {
                read = true;
            } else if (o == StandardOpenOption.WRITE) {
                write = true;
            } else if (o == StandardOpenOption.APPEND) {
                append = true;
                write = true;
            } else if (o == StandardOpenOption.TRUNCATE_EXISTING) {
                truncate = true;
            } else if (o == StandardOpenOption.CREATE) {
                create = true;
            } else if (o == StandardOpenOption.CREATE_NEW) {
                createNew = true;
            } else if (o == StandardOpenOption.DELETE_ON_CLOSE) {
                deleteOnClose = true;
            } else if (o == StandardOpenOption.SYNC) {
                sync = 1;
            } else if (o == StandardOpenOption.DSYNC) {
                sync = sync == 1 ? 1 : 2;
            } else if (o == StandardOpenOption.SPARSE) {
                continue;
            } else if (o == LinkOption.NOFOLLOW_LINKS) {
                nofollow = true;
            } else if (isDirect(o)) {
                direct = true;
            } else if (o == null) {
                throw new NullPointerException();
            } else {
                throw new UnsupportedOperationException("open option " + o);
            }
        }
        if (append && read) {
            throw new IllegalArgumentException("READ and APPEND");
        }
        if (append && truncate) {
            throw new IllegalArgumentException("APPEND and TRUNCATE_EXISTING");
        }
        if (!write) {
            read = true;
        }
        int flags = read && write ? Sys.O_RDWR : write ? Sys.O_WRONLY : Sys.O_RDONLY;
        if (write) {
            if (createNew) {
                flags |= Sys.O_CREAT | Sys.O_EXCL;
            } else if (create) {
                flags |= Sys.O_CREAT;
            }
            if (truncate) {
                flags |= Sys.O_TRUNC;
            }
            if (append) {
                flags |= Sys.O_APPEND;
            }
        }
        if (nofollow) {
            flags |= Sys.O_NOFOLLOW;
        }
        if (direct) {
            flags |= Sys.O_DIRECT;
        }
        int mode = mode(attrs, 0666);
        int fd;
        try {
            fd = px(p).open(p.sys(), flags, mode);
        } catch (KernelException e) {
            if (e.errno() == Errno.ELOOP && nofollow) {
                throw new FileSystemException(p.toString(), null, Errors.ELOOP + " or NOFOLLOW_LINKS given");
            }
            throw Errors.map(e, p.toString(), null);
        }
        return new AnykFileChannel(px(p), fd, p.toString(), flags, sync, deleteOnClose);
    }

    // ---- directories and links

    /** The entries of a directory ({@code readdir}, without "." and ".."), read at once, filtered as iterated. */
    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        AnykPath d = check(dir);
        if (filter == null) {
            throw new NullPointerException("filter");
        }
        List<DirEntry> entries;
        try {
            entries = px(d).readdir(d.sys());
        } catch (KernelException e) {
            throw Errors.mapDir(e, d.toString());
        }
        List<Path> paths = new ArrayList<>(entries.size());
        for (DirEntry e : entries) {
            if (!e.name().equals(".") && !e.name().equals("..")) {
                paths.add(d.resolve(e.name()));
            }
        }
        return new DirectoryStream<>() {
            private boolean closed;
            private boolean iterated;

            @Override
            public Iterator<Path> iterator() {
                if (closed) {
                    throw new IllegalStateException("directory stream closed");
                }
                if (iterated) {
                    throw new IllegalStateException("iterator already obtained");
                }
                iterated = true;
                Iterator<Path> it = paths.iterator();
                return new Iterator<>() {
                    private Path next;

                    @Override
                    public boolean hasNext() {
                        while (next == null && !closed && it.hasNext()) {
                            Path p = it.next();
                            try {
                                if (filter.accept(p)) {
                                    next = p;
                                }
                            } catch (IOException e) {
                                throw new DirectoryIteratorException(e);
                            }
                        }
                        return next != null;
                    }

                    @Override
                    public Path next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        Path p = next;
                        next = null;
                        return p;
                    }
                };
            }

            @Override
            public void close() {
                closed = true;
            }
        };
    }

    /** {@code mkdir} with the mode of a {@code posix:permissions} attribute (default 0777, masked by the umask). */
    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        AnykPath d = check(dir);
        int mode = mode(attrs, 0777);
        try {
            px(d).mkdir(d.sys(), mode);
        } catch (KernelException e) {
            throw Errors.map(e, d.toString(), null);
        }
    }

    /** {@code symlink}; no attributes. */
    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
        AnykPath l = check(link);
        AnykPath t = AnykPath.check(target);
        if (attrs.length > 0) {
            throw new UnsupportedOperationException("attributes of a symbolic link: " + attrs[0].name());
        }
        try {
            px(l).symlink(t.toString(), l.sys());
        } catch (KernelException e) {
            throw Errors.map(e, l.toString(), t.toString());
        }
    }

    /** {@code link}: {@code link} becomes a new name of {@code existing}. */
    @Override
    public void createLink(Path link, Path existing) throws IOException {
        AnykPath l = check(link);
        AnykPath x = check(existing);
        if (l.getFileSystem() != x.getFileSystem()) {
            throw new FileSystemException(l.toString(), x.toString(), "hard link across kernels");
        }
        try {
            px(l).link(x.sys(), l.sys());
        } catch (KernelException e) {
            throw Errors.map(e, l.toString(), x.toString());
        }
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        AnykPath l = check(link);
        try {
            return l.getFileSystem().getPath(px(l).readlink(l.sys()));
        } catch (KernelException e) {
            throw Errors.mapLink(e, l.toString());
        }
    }

    /** {@code rmdir} for a directory ({@code lstat}), {@code unlink} for anything else. */
    @Override
    public void delete(Path path) throws IOException {
        AnykPath p = check(path);
        Stat st = lstat(p);
        try {
            if (st.isDirectory()) {
                px(p).rmdir(p.sys());
            } else {
                px(p).unlink(p.sys());
            }
        } catch (KernelException e) {
            throw Errors.map(e, p.toString(), null);
        }
    }

    // ---- copy and move

    private record CopyOpts(boolean replace, boolean attributes, boolean follow, boolean atomic) {
        static CopyOpts of(CopyOption[] options, boolean move) {
            boolean replace = false;
            boolean attributes = move;
            boolean follow = !move;
            boolean atomic = false;
            for (CopyOption o : options) {
                if (o == StandardCopyOption.REPLACE_EXISTING) {
                    replace = true;
                } else if (o == StandardCopyOption.COPY_ATTRIBUTES) {
                    attributes = true;
                } else if (o == LinkOption.NOFOLLOW_LINKS) {
                    follow = false;
                } else if (o == StandardCopyOption.ATOMIC_MOVE && move) {
                    atomic = true;
                } else if (o == null) {
                    throw new NullPointerException();
                } else {
                    throw new UnsupportedOperationException((move ? "move" : "copy") + " option " + o);
                }
            }
            return new CopyOpts(replace, attributes, follow, atomic);
        }
    }

    /**
     * Copies with {@code read}/{@code write} within one kernel (or between two anyk file systems):
     * {@code COPY_ATTRIBUTES} copies the permission bits and the access and modification times,
     * {@code NOFOLLOW_LINKS} copies a link itself, a directory is copied empty.
     */
    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        AnykPath s = check(source);
        AnykPath t = check(target);
        CopyOpts o = CopyOpts.of(options, false);
        Stat st = stat(s, o.follow());
        copy(s, st, t, o);
    }

    private void copy(AnykPath s, Stat st, AnykPath t, CopyOpts o) throws IOException {
        Stat ts = lstatOrNull(t);
        if (ts != null) {
            if (s.getFileSystem() == t.getFileSystem() && ts.dev() == st.dev() && ts.ino() == st.ino()) {
                return;
            }
            if (!o.replace()) {
                throw new FileAlreadyExistsException(t.toString());
            }
            delete(t);
        }
        Posix sp = px(s);
        Posix tp = px(t);
        if (st.isRegular()) {
            copyData(s, t, st.perm());
        } else if (!st.isDirectory() && !st.isSymlink()) {
            throw new FileSystemException(s.toString(), t.toString(), "cannot copy a device, FIFO or socket");
        } else {
            String link = null;
            try {
                link = st.isSymlink() ? sp.readlink(s.sys()) : null;
            } catch (KernelException e) {
                throw Errors.mapLink(e, s.toString());
            }
            try {
                if (link == null) {
                    tp.mkdir(t.sys(), st.perm());
                } else {
                    tp.symlink(link, t.sys());
                }
            } catch (KernelException e) {
                throw Errors.map(e, t.toString(), null);
            }
        }
        if (o.attributes()) {
            try {
                if (!st.isSymlink()) {
                    tp.chmod(t.sys(), st.perm());
                }
                tp.utimens(t.sys(), st.atimeNs(), st.mtimeNs(), st.isSymlink() ? Sys.AT_SYMLINK_NOFOLLOW : 0);
            } catch (KernelException e) {
                throw Errors.map(e, t.toString(), null);
            }
        }
    }

    private static void copyData(AnykPath s, AnykPath t, int mode) throws IOException {
        Posix sp = px(s);
        Posix tp = px(t);
        int in;
        try {
            in = sp.open(s.sys(), Sys.O_RDONLY);
        } catch (KernelException e) {
            throw Errors.map(e, s.toString(), null);
        }
        try {
            int out;
            try {
                out = tp.open(t.sys(), Sys.O_WRONLY | Sys.O_CREAT | Sys.O_EXCL, mode);
            } catch (KernelException e) {
                throw Errors.map(e, t.toString(), null);
            }
            try {
                byte[] buf = new byte[CHUNK];
                while (true) {
                    int n;
                    try {
                        n = sp.read(in, buf, 0, buf.length);
                    } catch (KernelException e) {
                        throw Errors.map(e, s.toString(), null);
                    }
                    if (n <= 0) {
                        break;
                    }
                    for (int off = 0; off < n; ) {
                        int w;
                        try {
                            w = tp.write(out, buf, off, n - off);
                        } catch (KernelException e) {
                            throw Errors.map(e, t.toString(), null);
                        }
                        if (w <= 0) {
                            throw new FileSystemException(t.toString(), null, "write returned " + w);
                        }
                        off += w;
                    }
                }
            } catch (IOException | RuntimeException failure) {
                try {
                    tp.unlink(t.sys()); // no half copy left behind
                } catch (KernelException e) {
                    failure.addSuppressed(e); // the copy's own failure is the one to report, with this one
                }
                throw failure;
            } finally {
                tp.close(out);
            }
        } finally {
            sp.close(in);
        }
    }

    /**
     * {@code rename}. Without {@code REPLACE_EXISTING} an existing target is {@link FileAlreadyExistsException}, with
     * it the target is removed first; across mounts ({@code EXDEV}) or kernels the file is copied (with its
     * attributes, links not followed) and the source deleted, unless {@code ATOMIC_MOVE}; a non-empty directory
     * cannot move across mounts.
     */
    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        AnykPath s = check(source);
        AnykPath t = check(target);
        CopyOpts o = CopyOpts.of(options, true);
        boolean sameKernel = s.getFileSystem() == t.getFileSystem();
        if (o.atomic()) {
            if (!sameKernel) {
                throw new AtomicMoveNotSupportedException(s.toString(), t.toString(), "across kernels");
            }
            try {
                px(s).rename(s.sys(), t.sys());
                return;
            } catch (KernelException e) {
                if (e.errno() == Errno.EXDEV) {
                    throw new AtomicMoveNotSupportedException(s.toString(), t.toString(), "across mounts (EXDEV)");
                }
                throw Errors.map(e, s.toString(), t.toString());
            }
        }
        Stat st = lstat(s);
        Stat ts = lstatOrNull(t);
        if (ts != null) {
            if (sameKernel && ts.dev() == st.dev() && ts.ino() == st.ino()) {
                return;
            }
            if (!o.replace()) {
                throw new FileAlreadyExistsException(t.toString());
            }
            delete(t);
        }
        if (sameKernel) {
            try {
                px(s).rename(s.sys(), t.sys());
                return;
            } catch (KernelException e) {
                if (e.errno() != Errno.EXDEV) {
                    throw Errors.map(e, s.toString(), t.toString());
                }
            }
        }
        if (st.isDirectory()) {
            try {
                if (px(s).readdir(s.sys()).size() > 2) {
                    throw new DirectoryNotEmptyException(s.toString());
                }
            } catch (KernelException e) {
                throw Errors.map(e, s.toString(), null);
            }
        }
        copy(s, st, t, new CopyOpts(false, true, false, false));
        try {
            delete(s);
        } catch (IOException e) {
            try {
                delete(t);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    // ---- questions

    /** Equal paths, or the same device and inode ({@code stat}). */
    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
        AnykPath a = check(path);
        if (a.equals(path2)) {
            return true;
        }
        if (!(path2 instanceof AnykPath b) || b.getFileSystem() != a.getFileSystem()) {
            return false;
        }
        Stat x = stat(a, true);
        Stat y = stat(b, true);
        return x.dev() == y.dev() && x.ino() == y.ino();
    }

    /** A name starting with ".". */
    @Override
    public boolean isHidden(Path path) {
        Path n = check(path).getFileName();
        return n != null && n.toString().startsWith(".");
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
        AnykPath p = check(path);
        return p.getFileSystem().store(p.sys());
    }

    /**
     * {@code stat}, then the permission bits against the process's uid and gid ({@code getuid}, {@code getgid}; its
     * supplementary groups are not known here): root may read and write anything and execute a directory or a file
     * with any x bit. WRITE on a read-only mount is denied.
     */
    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        AnykPath p = check(path);
        Stat st = stat(p, true);
        int want = 0;
        for (AccessMode m : modes) {
            want |= switch (m) {
                case READ -> 4;
                case WRITE -> 2;
                case EXECUTE -> 1;
            };
        }
        if (want == 0) {
            return;
        }
        Posix px = px(p);
        boolean ok;
        try {
            int uid = px.getuid();
            if (uid == 0) {
                ok = (want & 1) == 0 || st.isDirectory() || (st.mode() & 0111) != 0;
            } else {
                int bits = uid == st.uid() ? (st.mode() >> 6) & 7
                        : px.getgid() == st.gid() ? (st.mode() >> 3) & 7 : st.mode() & 7;
                ok = (bits & want) == want;
            }
            if (ok && (want & 2) != 0 && (px.statfs(p.sys()).flags() & Sys.MS_RDONLY) != 0) {
                throw new AccessDeniedException(p.toString(), null, "read-only file system");
            }
        } catch (KernelException e) {
            throw Errors.map(e, p.toString(), null);
        }
        if (!ok) {
            throw new AccessDeniedException(p.toString(), null,
                    "mode " + Integer.toOctalString(st.perm()) + ", owner " + st.uid() + ":" + st.gid());
        }
    }

    // ---- attributes

    /** Basic, posix and owner views ({@code null} for others). */
    @Override
    @SuppressWarnings("unchecked")
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        AnykPath p = AnykPath.check(path);
        boolean follow = follow(options);
        if (type == BasicFileAttributeView.class) {
            return (V) new AnykAttributes.View(p, follow, "basic");
        }
        if (type == PosixFileAttributeView.class) {
            return (V) new AnykAttributes.View(p, follow, "posix");
        }
        if (type == FileOwnerAttributeView.class) {
            return (V) new AnykAttributes.View(p, follow, "owner");
        }
        return null;
    }

    /** {@link BasicFileAttributes} and {@link PosixFileAttributes}, from one {@code stat} or {@code lstat}. */
    @Override
    @SuppressWarnings("unchecked")
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        AnykPath p = check(path);
        if (type != BasicFileAttributes.class && type != PosixFileAttributes.class) {
            throw new UnsupportedOperationException("attributes " + type.getName());
        }
        return (A) new AnykAttributes(stat(p, follow(options)));
    }

    private static String[] viewAndNames(String attributes) {
        int colon = attributes.indexOf(':');
        String view = colon < 0 ? "basic" : attributes.substring(0, colon);
        String names = colon < 0 ? attributes : attributes.substring(colon + 1);
        if (!Set.of("basic", "posix", "owner", "unix").contains(view)) {
            throw new UnsupportedOperationException("view '" + view + "' not supported");
        }
        return new String[] {view, names};
    }

    /** "basic:*", "posix:permissions,owner", "unix:mode,ino,dev,rdev,nlink,uid,gid,ctime" ... */
    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
            throws IOException {
        AnykPath p = check(path);
        String[] vn = viewAndNames(attributes);
        return new AnykAttributes(stat(p, follow(options))).toMap(vn[0], vn[1].split(","));
    }

    /**
     * Times ({@code utimensat}), "permissions" and "unix:mode" ({@code chmod}), "owner", "group", "unix:uid" and
     * "unix:gid" ({@code chown}).
     */
    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        AnykPath p = check(path);
        String[] vn = viewAndNames(attribute);
        String view = vn[0];
        String name = vn[1];
        AnykAttributes.View v = new AnykAttributes.View(p, follow(options), view);
        boolean basic = !view.equals("owner");
        boolean posix = view.equals("posix") || view.equals("unix");
        if (basic && name.equals("lastModifiedTime")) {
            v.setTimes((FileTime) value, null, null);
        } else if (basic && name.equals("lastAccessTime")) {
            v.setTimes(null, (FileTime) value, null);
        } else if (basic && name.equals("creationTime")) {
            v.setTimes(null, null, (FileTime) value);
        } else if (!view.equals("basic") && name.equals("owner")) {
            v.setOwner((UserPrincipal) value);
        } else if (posix && name.equals("permissions")) {
            Set<PosixFilePermission> perms = AnykAttributes.permissions(AnykAttributes.mode((Set<?>) value));
            v.setPermissions(perms);
        } else if (posix && name.equals("group")) {
            v.setGroup((GroupPrincipal) value);
        } else if (view.equals("unix") && name.equals("mode")) {
            v.chmod((Integer) value & 07777);
        } else if (view.equals("unix") && name.equals("uid")) {
            v.chown((Integer) value, -1);
        } else if (view.equals("unix") && name.equals("gid")) {
            v.chown(-1, (Integer) value);
        } else {
            throw new IllegalArgumentException("'" + attribute + "' cannot be set");
        }
    }
}
