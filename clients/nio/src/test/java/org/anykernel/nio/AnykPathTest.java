package org.anykernel.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.ProviderMismatchException;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.anykernel.base.api.LibraryKernel;
import org.anykernel.base.api.Standalone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Path semantics, URIs, matchers and the provider's table of file systems. */
class AnykPathTest {
    private static LibraryKernel kernel;
    private static FileSystem fs;

    @BeforeAll
    static void start() {
        kernel = Standalone.builder("nio-path-test").drivers("fs-tmpfs").build();
        fs = AnykFileSystems.of("pathtest", kernel.posix());
    }

    @AfterAll
    static void stop() throws java.io.IOException {
        fs.close();
        kernel.close();
    }

    private static Path p(String s) {
        return fs.getPath(s);
    }

    @Test
    void parsingAndNames() {
        assertEquals("/a/b/c", p("//a///b/c/").toString());
        assertEquals("a/b", fs.getPath("a", "", "b").toString());
        Path abc = p("/a/b/c");
        assertTrue(abc.isAbsolute());
        assertEquals(3, abc.getNameCount());
        assertEquals(p("c"), abc.getFileName());
        assertEquals(p("/a/b"), abc.getParent());
        assertEquals(p("/"), abc.getRoot());
        assertEquals(p("b"), abc.getName(1));
        assertEquals(p("b/c"), abc.subpath(1, 3));
        assertThrows(IllegalArgumentException.class, () -> abc.subpath(2, 2));
        assertNull(p("/").getFileName());
        assertNull(p("/").getParent());
        assertEquals(0, p("/").getNameCount());
        assertEquals(p("/"), p("/a").getParent());
        assertNull(p("a").getParent());
        assertNull(p("a").getRoot());
        assertEquals(1, p("").getNameCount());
        List<String> names = new ArrayList<>();
        abc.forEach(n -> names.add(n.toString()));
        assertEquals(List.of("a", "b", "c"), names);
    }

    @Test
    void normalizeResolveRelativize() {
        assertEquals(p("/a/c"), p("/a/./b/../c").normalize());
        assertEquals(p("/"), p("/../..").normalize());
        assertEquals(p("../x"), p("a/../../x").normalize());
        assertEquals(p(""), p("a/..").normalize());
        assertEquals(p("/a/b/c"), p("/a").resolve("b/c"));
        assertEquals(p("/x"), p("/a").resolve("/x"));
        assertEquals(p("/a"), p("/a").resolve(""));
        assertEquals(p("/a/sib"), p("/a/b").resolveSibling("sib"));
        assertEquals(p("c/d"), p("/a/b").relativize(p("/a/b/c/d")));
        assertEquals(p("../../x"), p("/a/b").relativize(p("/x")));
        assertEquals(p(""), p("/a/b").relativize(p("/a/b")));
        assertEquals(p("../y"), p("a/x").relativize(p("a/y")));
        assertThrows(IllegalArgumentException.class, () -> p("/a").relativize(p("b")));
        Path q = p("/a/b");
        assertEquals(p("/a/b/c/d"), q.resolve(q.relativize(p("/a/b/c/d"))));
    }

    @Test
    void startsEndsCompare() {
        assertTrue(p("/a/b/c").startsWith("/a/b"));
        assertFalse(p("/a/bc").startsWith("/a/b"));
        assertFalse(p("a/b").startsWith("/a"));
        assertTrue(p("/a/b/c").endsWith("b/c"));
        assertTrue(p("/a/b/c").endsWith("/a/b/c"));
        assertFalse(p("/a/b/c").endsWith("/b/c"));
        assertTrue(p("/a").compareTo(p("/b")) < 0);
        assertEquals(p("/a/b"), p("/a//b/"));
        assertEquals(p("/a/b").hashCode(), p("/a/b").hashCode());
        assertFalse(p("/a/b").equals(Path.of("/a/b")));
        assertThrows(ProviderMismatchException.class, () -> p("/a").resolve(Path.of("b")));
        assertThrows(UnsupportedOperationException.class, () -> p("/a").toFile());
    }

    @Test
    void uriRoundTrip() {
        Path q = p("/tmp/some dir/f.txt");
        URI u = q.toUri();
        assertEquals("anyk", u.getScheme());
        assertEquals("pathtest", u.getAuthority());
        assertEquals("/tmp/some dir/f.txt", u.getPath());
        assertEquals(q, Path.of(u));
        assertSame(fs, Path.of(URI.create("anyk://pathtest/x")).getFileSystem());
        assertEquals(p("/"), Path.of(URI.create("anyk://pathtest/")));
        assertThrows(FileSystemNotFoundException.class, () -> Path.of(URI.create("anyk://nosuchfs/x")));
    }

    @Test
    void relativePathsUseTheWorkingDirectory() throws Exception {
        kernel.posix().mkdir("/tmp/cwdtest", 0755);
        kernel.posix().chdir("/tmp/cwdtest");
        try {
            assertEquals(p("/tmp/cwdtest/x"), p("x").toAbsolutePath());
            Files.writeString(p("rel.txt"), "relative");
            assertEquals("relative", Files.readString(p("/tmp/cwdtest/rel.txt")));
            assertEquals(p("/tmp/cwdtest/rel.txt"), p("rel.txt").toRealPath());
        } finally {
            kernel.posix().chdir("/");
        }
    }

    @Test
    void matchers() {
        PathMatcher java = fs.getPathMatcher("glob:*.java");
        assertTrue(java.matches(p("A.java")));
        assertFalse(java.matches(p("src/A.java")));
        assertTrue(fs.getPathMatcher("glob:**/*.java").matches(p("/src/main/A.java")));
        assertTrue(fs.getPathMatcher("glob:*.{c,h}").matches(p("x.h")));
        assertFalse(fs.getPathMatcher("glob:*.{c,h}").matches(p("x.o")));
        assertTrue(fs.getPathMatcher("glob:f?[0-9][!a]").matches(p("fx7b")));
        assertFalse(fs.getPathMatcher("glob:f?[0-9][!a]").matches(p("fx7a")));
        assertTrue(fs.getPathMatcher("glob:a\\*b").matches(p("a*b")));
        assertFalse(fs.getPathMatcher("glob:a\\*b").matches(p("axb")));
        assertTrue(fs.getPathMatcher("regex:/t.*/[a-z]+").matches(p("/tmp/abc")));
        assertThrows(UnsupportedOperationException.class, () -> fs.getPathMatcher("wild:*"));
    }

    @Test
    void principalsAndViews() throws Exception {
        var lookup = fs.getUserPrincipalLookupService();
        assertEquals("1000", lookup.lookupPrincipalByName("1000").getName());
        assertEquals("50", lookup.lookupPrincipalByGroupName("50").getName());
        assertThrows(UserPrincipalNotFoundException.class, () -> lookup.lookupPrincipalByName("alice"));
        assertTrue(fs.supportedFileAttributeViews().containsAll(List.of("basic", "posix", "owner")));
        assertThrows(UnsupportedOperationException.class, fs::newWatchService);
        assertEquals("/", fs.getSeparator());
    }

    @Test
    void fileSystemLifecycle() throws Exception {
        URI u = URI.create("anyk://lifecycle/");
        FileSystem made = FileSystems.newFileSystem(u, Map.of("posix", kernel.posix()));
        assertSame(made, FileSystems.getFileSystem(u));
        assertSame(made, AnykFileSystems.of("lifecycle", kernel.posix()));
        assertThrows(FileSystemAlreadyExistsException.class,
                () -> FileSystems.newFileSystem(u, Map.of("posix", kernel.posix())));
        Path inside = made.getPath("/tmp");
        assertTrue(Files.isDirectory(inside));
        made.close();
        assertFalse(made.isOpen());
        assertThrows(FileSystemNotFoundException.class, () -> FileSystems.getFileSystem(u));
        assertThrows(ClosedFileSystemException.class, () -> Files.readAttributes(inside, "basic:size"));
        assertThrows(IllegalArgumentException.class,
                () -> FileSystems.newFileSystem(URI.create("anyk://noposix/"), Map.of()));
    }
}
