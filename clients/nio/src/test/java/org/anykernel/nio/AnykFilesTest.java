package org.anykernel.nio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.anykernel.base.api.Credentials;
import org.anykernel.base.api.LibraryKernel;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Standalone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** {@link Files} and {@link FileChannel} on a library kernel with a tmpfs, each test in its own directory. */
class AnykFilesTest {
    private static LibraryKernel kernel;
    private static FileSystem fs;
    private static FileSystem userFs;

    private Path dir;

    @BeforeAll
    static void start() {
        kernel = Standalone.builder("nio-test").drivers("fs-tmpfs").build();
        fs = AnykFileSystems.of("filestest", kernel.posix());
        userFs = AnykFileSystems.of("filestest-user", kernel.spawn("user", new Credentials(1000, 1000, List.of())));
    }

    @AfterAll
    static void stop() throws IOException {
        fs.close();
        userFs.close();
        kernel.close();
    }

    @org.junit.jupiter.api.BeforeEach
    void makeDir(TestInfo info) throws IOException {
        dir = Files.createDirectories(fs.getPath("/tmp/t", info.getTestMethod().orElseThrow().getName()));
    }

    @Test
    void writeReadRoundTrip() throws IOException {
        Path f = dir.resolve("f.bin");
        byte[] data = new byte[200_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        Files.write(f, data);
        assertArrayEquals(data, Files.readAllBytes(f));
        assertEquals(data.length, Files.size(f));
        Files.writeString(f, "line 1\nline 2\n", StandardOpenOption.APPEND);
        List<String> lines = Files.readAllLines(f, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals("line 2", lines.get(lines.size() - 1));
        Files.writeString(f, "short");
        assertEquals("short", Files.readString(f));
        assertTrue(Files.exists(f));
        assertTrue(Files.isRegularFile(f));
        assertFalse(Files.isDirectory(f));
        assertTrue(kernel.posix().stat(f.toString()).isRegular(), "the kernel sees the same file");
    }

    /** The JDK's {@code ExtendedOpenOption.DIRECT} opens the file {@code O_DIRECT} (tmpfs has no cache to bypass). */
    @Test
    void directOpenOptionReachesTheKernel() throws IOException {
        Path f = dir.resolve("direct.bin");
        byte[] data = new byte[10_000];
        java.util.Arrays.fill(data, (byte) 7);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
            int fd = ((AnykFileChannel) ch).fd();
            assertEquals(org.anykernel.base.api.Sys.O_DIRECT,
                    kernel.posix().fcntl(fd, org.anykernel.base.api.Sys.F_GETFL, 0) & org.anykernel.base.api.Sys.O_DIRECT);
            assertEquals(data.length, ch.write(ByteBuffer.wrap(data)));
            ByteBuffer back = ByteBuffer.allocate(data.length);
            assertEquals(data.length, ch.read(back, 0));
            assertArrayEquals(data, back.array());
        }
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            assertEquals(0, kernel.posix().fcntl(((AnykFileChannel) ch).fd(), org.anykernel.base.api.Sys.F_GETFL, 0)
                    & org.anykernel.base.api.Sys.O_DIRECT);
        }
        assertFalse(AnykFileSystemProvider.isDirect(StandardOpenOption.READ));
    }

    @Test
    void walkAndWalkFileTree() throws IOException {
        Set<String> expected = new TreeSet<>();
        expected.add(dir.toString());
        for (int i = 0; i < 3; i++) {
            Path d = dir.resolve("d" + i);
            Files.createDirectory(d);
            expected.add(d.toString());
            for (int j = 0; j < 2; j++) {
                Path sub = d.resolve("s" + j);
                Files.createDirectories(sub);
                expected.add(sub.toString());
                Path f = sub.resolve("f.txt");
                Files.writeString(f, i + "/" + j);
                expected.add(f.toString());
            }
        }
        try (Stream<Path> s = Files.walk(dir)) {
            assertEquals(expected, s.map(Path::toString).collect(Collectors.toCollection(TreeSet::new)));
        }
        try (Stream<Path> s = Files.find(dir, 10, (p, a) -> a.isRegularFile())) {
            assertEquals(6, s.count());
        }
        List<String> visited = new ArrayList<>();
        long[] bytes = {0};
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                visited.add(dir.relativize(file).toString());
                bytes[0] += attrs.size();
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                return d.getFileName().toString().equals("d2") ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }
        });
        assertEquals(Set.of("d0/s0/f.txt", "d0/s1/f.txt", "d1/s0/f.txt", "d1/s1/f.txt"), new HashSet<>(visited));
        assertEquals(12, bytes[0]);
        // delete the tree bottom-up, as common code does
        try (Stream<Path> s = Files.walk(dir.resolve("d0"))) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        assertFalse(Files.exists(dir.resolve("d0")));
    }

    @Test
    void copyFiles(@TempDir java.nio.file.Path host) throws IOException {
        Path a = dir.resolve("a.txt");
        Files.writeString(a, "alpha");
        Files.setPosixFilePermissions(a, PosixFilePermissions.fromString("rw-r-----"));
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(a, old);

        Path b = dir.resolve("b.txt");
        Files.copy(a, b);
        assertEquals("alpha", Files.readString(b));
        assertNotEquals(old, Files.getLastModifiedTime(b));
        assertThrows(FileAlreadyExistsException.class, () -> Files.copy(a, b));

        Files.writeString(a, "alpha 2");
        Files.setLastModifiedTime(a, old);
        Files.copy(a, b, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        assertEquals("alpha 2", Files.readString(b));
        assertEquals(old, Files.getLastModifiedTime(b));
        assertEquals(PosixFilePermissions.fromString("rw-r-----"), Files.getPosixFilePermissions(b));

        // a host file into the kernel and back, through streams and across providers
        java.nio.file.Path hostIn = host.resolve("in.txt");
        Files.writeString(hostIn, "from the host");
        Path inside = dir.resolve("from-host.txt");
        Files.copy(hostIn, inside);
        assertEquals("from the host", Files.readString(inside));
        java.nio.file.Path hostOut = host.resolve("out.txt");
        Files.copy(inside, hostOut);
        assertEquals("from the host", Files.readString(hostOut));
        try (InputStream in = Files.newInputStream(hostIn)) {
            Files.copy(in, dir.resolve("stream.txt"));
        }
        try (OutputStream out = Files.newOutputStream(host.resolve("stream-out.txt"))) {
            Files.copy(dir.resolve("stream.txt"), out);
        }
        assertEquals("from the host", Files.readString(host.resolve("stream-out.txt")));

        // a directory is copied empty
        Path d = Files.createDirectory(dir.resolve("d"));
        Files.writeString(d.resolve("x"), "x");
        Path d2 = dir.resolve("d2");
        Files.copy(d, d2);
        assertTrue(Files.isDirectory(d2));
        try (Stream<Path> s = Files.list(d2)) {
            assertEquals(0, s.count());
        }
        assertThrows(NoSuchFileException.class, () -> Files.copy(dir.resolve("missing"), dir.resolve("m2")));
    }

    @Test
    void moveFiles() throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Files.writeString(a, "A");
        Files.move(a, b);
        assertFalse(Files.exists(a));
        assertEquals("A", Files.readString(b));

        Files.writeString(a, "A2");
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class, () -> Files.move(a, b));
        assertEquals(b.toString(), e.getFile());
        assertEquals("A", Files.readString(b));
        Files.move(a, b, StandardCopyOption.REPLACE_EXISTING);
        assertEquals("A2", Files.readString(b));
        assertFalse(Files.exists(a));

        Path d = Files.createDirectories(dir.resolve("dir/sub"));
        Files.writeString(d.resolve("f"), "f");
        Files.move(dir.resolve("dir"), dir.resolve("moved"), StandardCopyOption.ATOMIC_MOVE);
        assertEquals("f", Files.readString(dir.resolve("moved/sub/f")));
        assertThrows(NoSuchFileException.class, () -> Files.move(dir.resolve("nope"), dir.resolve("x")));
    }

    @Test
    void moveAcrossMounts() throws IOException {
        Posix px = kernel.posix();
        String mnt = "/mnt/x";
        px.mkdir(mnt, 0755);
        px.mount("none", mnt, "tmpfs", 0, "size=1M");
        try {
            Path src = dir.resolve("cross.txt");
            Files.writeString(src, "crossing");
            Files.setPosixFilePermissions(src, PosixFilePermissions.fromString("rwx------"));
            Path dst = fs.getPath(mnt, "cross.txt");
            assertNotEquals(Files.getFileStore(src), Files.getFileStore(fs.getPath(mnt)));
            assertThrows(AtomicMoveNotSupportedException.class,
                    () -> Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE));
            Files.move(src, dst);
            assertFalse(Files.exists(src));
            assertEquals("crossing", Files.readString(dst));
            assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(dst));
            assertTrue(Files.getFileStore(dst).getTotalSpace() > 0);
            assertTrue(Files.getFileStore(dst).getTotalSpace() <= 1 << 20);

            Path full = Files.createDirectory(dir.resolve("full"));
            Files.writeString(full.resolve("f"), "f");
            assertThrows(DirectoryNotEmptyException.class, () -> Files.move(full, fs.getPath(mnt, "full")));
            Files.move(dst, src);
            assertEquals("crossing", Files.readString(src));
            Files.delete(src);

            Path big = fs.getPath(mnt, "big");
            FileSystemException full2 = assertThrows(FileSystemException.class,
                    () -> Files.write(big, new byte[2 << 20]));
            assertTrue(full2.getReason().contains("ENOSPC"), full2.getReason());
            Files.delete(big);
        } finally {
            px.umount(mnt);
            px.rmdir(mnt);
        }
    }

    @Test
    void fileChannels(@TempDir java.nio.file.Path host) throws IOException {
        Path f = dir.resolve("chan.bin");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            assertEquals(10, ch.write(ByteBuffer.wrap("0123456789".getBytes(UTF_8))));
            assertEquals(10, ch.position());
            assertEquals(10, ch.size());
            ByteBuffer direct = ByteBuffer.allocateDirect(3);
            assertEquals(3, ch.read(direct, 4));
            assertEquals("456", new String(bytes(direct.flip()), UTF_8));
            assertEquals(10, ch.position(), "positional reads do not move the position");
            assertEquals(2, ch.write(ByteBuffer.wrap("ab".getBytes(UTF_8)), 2));
            ByteBuffer directOut = ByteBuffer.allocateDirect(2).put("XY".getBytes(UTF_8)).flip();
            ch.position(14);
            assertEquals(2, ch.write(directOut));
            assertEquals(16, ch.size(), "a hole from 10 to 14");
            ch.position(0);
            ByteBuffer all = ByteBuffer.allocate(32);
            assertEquals(16, ch.read(all));
            assertArrayEquals("01ab456789\0\0\0\0XY".getBytes(UTF_8), bytes(all.flip()));
            assertEquals(-1, ch.read(ByteBuffer.allocate(4)));
            assertEquals(-1, ch.read(ByteBuffer.allocate(4), 100));

            ch.truncate(5);
            assertEquals(5, ch.size());
            assertEquals(5, ch.position());
            ch.force(true);
            ch.force(false);

            ByteBuffer[] parts = {ByteBuffer.allocate(2), ByteBuffer.allocate(10)};
            ch.position(0);
            assertEquals(5, ch.read(parts));
            assertEquals("01", new String(parts[0].array(), UTF_8));
            ch.write(new ByteBuffer[] {ByteBuffer.wrap("-g".getBytes(UTF_8)), ByteBuffer.wrap("h".getBytes(UTF_8))});
            assertEquals(8, ch.size());

            java.nio.file.Path hostFile = host.resolve("transfer.bin");
            try (FileChannel out = FileChannel.open(hostFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                assertEquals(8, ch.transferTo(0, 100, out));
            }
            assertEquals("01ab4-gh", Files.readString(hostFile));
            try (FileChannel in = FileChannel.open(hostFile)) {
                assertEquals(8, ch.transferFrom(in, 8, 100));
            }
            assertEquals(16, ch.size());
            assertThrows(UnsupportedOperationException.class, () -> ch.map(FileChannel.MapMode.READ_ONLY, 0, 1));
            assertThrows(UnsupportedOperationException.class, ch::lock);
        }
        assertEquals("01ab4-gh01ab4-gh", Files.readString(f));

        FileChannel closed = FileChannel.open(f);
        closed.close();
        assertThrows(ClosedChannelException.class, () -> closed.read(ByteBuffer.allocate(1)));
        assertThrows(ClosedChannelException.class, closed::size);

        try (FileChannel ro = FileChannel.open(f, StandardOpenOption.READ)) {
            assertThrows(NonWritableChannelException.class, () -> ro.write(ByteBuffer.allocate(1)));
        }
        try (SeekableByteChannel app = Files.newByteChannel(f, StandardOpenOption.APPEND)) {
            app.write(ByteBuffer.wrap("!".getBytes(UTF_8)));
        }
        assertEquals("01ab4-gh01ab4-gh!", Files.readString(f));
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
        assertEquals(f.toString(), e.getFile());

        Path tmp = dir.resolve("delete-on-close");
        try (SeekableByteChannel ch = Files.newByteChannel(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.DELETE_ON_CLOSE, StandardOpenOption.SYNC)) {
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            assertTrue(Files.exists(tmp));
        }
        assertFalse(Files.exists(tmp));
        Path made = dir.resolve("made-0600");
        Files.newByteChannel(made, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))).close();
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(made));
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Test
    void posixAttributes() throws IOException {
        Path f = dir.resolve("perm");
        Files.writeString(f, "p");
        assertEquals(PosixFilePermissions.fromString("rw-r--r--"), Files.getPosixFilePermissions(f),
                "0666 masked by the umask 022");
        Set<PosixFilePermission> rwx = PosixFilePermissions.fromString("rwxr-x---");
        Files.setPosixFilePermissions(f, rwx);
        assertEquals(rwx, Files.getPosixFilePermissions(f));
        assertEquals(0750, kernel.posix().stat(f.toString()).perm());
        assertEquals("0", Files.getOwner(f).getName());

        UserPrincipal u1000 = fs.getUserPrincipalLookupService().lookupPrincipalByName("1000");
        Files.setOwner(f, u1000);
        assertEquals(u1000, Files.getOwner(f));
        PosixFileAttributeView view = Files.getFileAttributeView(f, PosixFileAttributeView.class);
        view.setGroup(fs.getUserPrincipalLookupService().lookupPrincipalByGroupName("77"));
        PosixFileAttributes a = view.readAttributes();
        assertEquals("77", a.group().getName());
        assertEquals("1000", a.owner().getName());
        assertEquals(1, a.size());
        assertTrue(a.isRegularFile());
        assertFalse(a.isOther());
        assertTrue(a.fileKey().toString().startsWith("(dev="));

        FileTime t = FileTime.fromMillis(1_500_000_000_123L);
        view.setTimes(t, t, null);
        assertEquals(t, Files.getLastModifiedTime(f));
        assertEquals(t, Files.readAttributes(f, BasicFileAttributes.class).lastAccessTime());

        Map<String, Object> unix = Files.readAttributes(f, "unix:mode,ino,nlink,uid,gid");
        assertEquals(0100750, unix.get("mode"));
        assertEquals(1, unix.get("nlink"));
        assertEquals(1000, unix.get("uid"));
        assertEquals(77, unix.get("gid"));
        assertEquals(kernel.posix().stat(f.toString()).ino(), unix.get("ino"));
        Map<String, Object> posix = Files.readAttributes(f, "posix:*");
        assertEquals(rwx, posix.get("permissions"));
        assertTrue(Files.readAttributes(f, "*").containsKey("lastModifiedTime"));
        assertThrows(IllegalArgumentException.class, () -> Files.readAttributes(f, "basic:nonsense"));
        assertThrows(UnsupportedOperationException.class, () -> Files.readAttributes(f, "dos:*"));

        Files.setAttribute(f, "unix:mode", 0604);
        assertEquals(PosixFilePermissions.fromString("rw----r--"), Files.getPosixFilePermissions(f));
        Files.setAttribute(f, "posix:permissions", rwx);
        assertEquals(rwx, Files.getPosixFilePermissions(f));
        Files.setAttribute(f, "lastModifiedTime", FileTime.fromMillis(0));
        assertEquals(0, Files.getLastModifiedTime(f).toMillis());

        assertTrue(Files.isHidden(dir.resolve(".hidden")));
        assertFalse(Files.isHidden(f));
        assertTrue(Files.isReadable(f));
        assertTrue(Files.isExecutable(f));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertFalse(Files.isExecutable(f), "root needs some x bit to execute");
    }

    @Test
    void symbolicLinks() throws IOException {
        Path target = dir.resolve("target.txt");
        Files.writeString(target, "through the link");
        Path link = Files.createSymbolicLink(dir.resolve("link"), fs.getPath("target.txt"));
        assertTrue(Files.isSymbolicLink(link));
        assertFalse(Files.isSymbolicLink(target));
        assertEquals(fs.getPath("target.txt"), Files.readSymbolicLink(link));
        assertEquals("through the link", Files.readString(link));
        assertTrue(Files.isRegularFile(link));
        assertFalse(Files.isRegularFile(link, LinkOption.NOFOLLOW_LINKS));
        BasicFileAttributes la = Files.readAttributes(link, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        assertTrue(la.isSymbolicLink());
        assertEquals("target.txt".length(), la.size());
        assertThrows(NotLinkException.class, () -> Files.readSymbolicLink(target));

        Path dirLink = Files.createSymbolicLink(dir.resolve("dirlink"), dir);
        assertEquals(target, dirLink.resolve("link").toRealPath());
        assertEquals(dirLink.resolve("link"), dirLink.resolve("link").toRealPath(LinkOption.NOFOLLOW_LINKS));
        assertEquals(target, dir.resolve("dirlink/../symbolicLinks/./link").toRealPath(), "'..' after a link");
        assertThrows(NoSuchFileException.class, () -> dir.resolve("nothing").toRealPath());

        assertThrows(FileSystemException.class, () -> Files.newByteChannel(link, LinkOption.NOFOLLOW_LINKS));
        Path loop = Files.createSymbolicLink(dir.resolve("loop"), fs.getPath("loop"));
        FileSystemException e = assertThrows(FileSystemException.class, () -> Files.readString(loop));
        assertTrue(e.getReason().contains("symbolic links"), e.getReason());

        List<Class<?>> failures = new ArrayList<>();
        Files.walkFileTree(dir, Set.of(java.nio.file.FileVisitOption.FOLLOW_LINKS), 5, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                failures.add(exc.getClass());
                assertEquals(dirLink, file);
                return FileVisitResult.CONTINUE;
            }
        });
        assertEquals(List.of(java.nio.file.FileSystemLoopException.class), failures, "found by the file keys");

        Path copied = dir.resolve("link-copy");
        Files.copy(link, copied, LinkOption.NOFOLLOW_LINKS);
        assertTrue(Files.isSymbolicLink(copied));
        Files.delete(link);
        assertTrue(Files.exists(target), "deleting a link leaves its target");
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), fs.getPath("/nowhere"));
        assertFalse(Files.exists(dangling));
        assertTrue(Files.exists(dangling, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void hardLinks() throws IOException {
        Path a = dir.resolve("a");
        Files.writeString(a, "one inode");
        Path b = Files.createLink(dir.resolve("b"), a);
        assertTrue(Files.isSameFile(a, b));
        assertTrue(Files.isSameFile(a, dir.resolve("./a")));
        assertEquals(2, Files.getAttribute(a, "unix:nlink"));
        assertEquals(Files.readAttributes(a, BasicFileAttributes.class).fileKey(),
                Files.readAttributes(b, BasicFileAttributes.class).fileKey());
        Path c = dir.resolve("c");
        Files.writeString(c, "one inode");
        assertFalse(Files.isSameFile(a, c));
        Files.delete(a);
        assertEquals("one inode", Files.readString(b));
    }

    @Test
    void directoryStreams() throws IOException {
        for (String n : List.of("a.txt", "b.txt", "c.log", ".hidden.txt")) {
            Files.writeString(dir.resolve(n), n);
        }
        Files.createDirectory(dir.resolve("sub.txt"));
        Set<String> txt = new TreeSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.txt")) {
            for (Path p : ds) {
                assertEquals(dir, p.getParent());
                txt.add(p.getFileName().toString());
            }
        }
        assertEquals(Set.of(".hidden.txt", "a.txt", "b.txt", "sub.txt"), txt);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, Files::isDirectory)) {
            List<Path> dirs = new ArrayList<>();
            ds.forEach(dirs::add);
            assertEquals(List.of(dir.resolve("sub.txt")), dirs);
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(5, s.count());
        }
        assertThrows(NotDirectoryException.class, () -> Files.newDirectoryStream(dir.resolve("a.txt")));
        assertThrows(NoSuchFileException.class, () -> Files.newDirectoryStream(dir.resolve("none")));
        assertThrows(DirectoryNotEmptyException.class, () -> Files.delete(dir));
        assertThrows(FileAlreadyExistsException.class, () -> Files.createDirectory(dir.resolve("sub.txt")));
        Files.delete(dir.resolve("sub.txt"));
        assertFalse(Files.exists(dir.resolve("sub.txt")));
        Path made = Files.createDirectory(dir.resolve("private"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(made));
    }

    @Test
    void accessAndMissingFiles() throws IOException {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "root only");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path asUser = userFs.getPath(secret.toString());
        AccessDeniedException denied = assertThrows(AccessDeniedException.class, () -> Files.readString(asUser));
        assertEquals(secret.toString(), denied.getFile());
        assertFalse(Files.isReadable(asUser));
        assertThrows(AccessDeniedException.class, () -> asUser.getFileSystem().provider()
                .checkAccess(asUser, AccessMode.READ));
        assertThrows(AccessDeniedException.class, () -> Files.writeString(asUser, "x"));
        assertThrows(AccessDeniedException.class, () -> Files.delete(asUser), "/tmp/t/... is root's 0755");
        assertTrue(Files.isReadable(secret));

        Path open = dir.resolve("open");
        Files.writeString(open, "for all");
        assertEquals("for all", Files.readString(userFs.getPath(open.toString())));
        assertTrue(Files.isReadable(userFs.getPath(open.toString())));
        assertFalse(Files.isWritable(userFs.getPath(open.toString())));

        Path missing = dir.resolve("missing/deeper");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Files.readAllBytes(missing));
        assertEquals(missing.toString(), e.getFile());
        assertThrows(NoSuchFileException.class, () -> Files.delete(missing));
        assertThrows(NoSuchFileException.class, () -> Files.readAttributes(missing, BasicFileAttributes.class));
        assertThrows(NoSuchFileException.class, () -> Files.getPosixFilePermissions(missing));
        assertThrows(NoSuchFileException.class, () -> Files.createDirectory(missing));
        assertFalse(Files.exists(missing));
        assertTrue(Files.notExists(missing));
        assertFalse(Files.deleteIfExists(missing));
    }

    @Test
    void commonHelpers() throws IOException {
        Path tmp = Files.createTempFile(dir, "pre", ".suf");
        assertTrue(tmp.getFileName().toString().startsWith("pre"));
        assertEquals(0, Files.size(tmp));
        Path tmpDir = Files.createTempDirectory(dir, "d");
        assertTrue(Files.isDirectory(tmpDir));
        try (java.io.BufferedWriter w = Files.newBufferedWriter(tmp)) {
            for (int i = 0; i < 1000; i++) {
                w.write("line " + i + "\n");
            }
        }
        try (Stream<String> lines = Files.lines(tmp)) {
            assertEquals(1000, lines.count());
        }
        try (java.io.BufferedReader r = Files.newBufferedReader(tmp)) {
            assertEquals("line 0", r.readLine());
        }
        assertTrue(Files.deleteIfExists(tmp));
        assertFalse(Files.deleteIfExists(tmp));
        Path deep = Files.createDirectories(dir.resolve("x/y/z"));
        assertTrue(Files.isDirectory(deep));
        assertEquals(Files.createDirectories(deep), deep, "existing directories are fine");
        Files.writeString(dir.resolve("x/file"), "f");
        assertThrows(FileAlreadyExistsException.class, () -> Files.createDirectories(dir.resolve("x/file")));
    }

    @Test
    void betweenKernels() throws IOException {
        try (LibraryKernel other = Standalone.builder("nio-test-2").drivers("fs-tmpfs").build()) {
            FileSystem ofs = AnykFileSystems.of("filestest-other", other.posix());
            try {
                Path a = dir.resolve("a");
                Files.writeString(a, "between kernels");
                Path b = ofs.getPath("/tmp/b");
                Files.copy(a, b);
                assertEquals("between kernels", Files.readString(b));
                assertFalse(Files.isSameFile(a, b));
                Path c = ofs.getPath("/tmp/c");
                Files.move(a, c);
                assertFalse(Files.exists(a));
                assertEquals("between kernels", other.posix().readdir("/tmp").stream()
                        .filter(e -> e.name().equals("c")).count() == 1 ? Files.readString(c) : "missing");
            } finally {
                ofs.close();
            }
        }
    }

    @Test
    void fileStores() throws IOException {
        FileStore store = Files.getFileStore(dir);
        assertTrue(store.getTotalSpace() > 0);
        assertTrue(store.getUsableSpace() <= store.getTotalSpace());
        assertEquals("tmpfs", store.type());
        assertFalse(store.isReadOnly());
        assertTrue(store.supportsFileAttributeView(PosixFileAttributeView.class));
        assertEquals(1, ((List<?>) fs.getFileStores()).size());
        assertEquals(fs.getPath("/"), fs.getRootDirectories().iterator().next());
    }
}
