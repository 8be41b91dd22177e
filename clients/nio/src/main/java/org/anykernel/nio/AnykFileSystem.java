package org.anykernel.nio;

import java.io.IOException;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.FileStoreAttributeView;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.StatFs;
import org.anykernel.base.api.Sys;

/**
 * The file systems of one kernel process as a {@link FileSystem}: one root "/", paths resolved by the kernel (its
 * mounts, its working directory, its credentials). Named by the authority of its {@code anyk://name/} URIs.
 */
public final class AnykFileSystem extends FileSystem {
    private final AnykFileSystemProvider provider;
    private final String name;
    private final Posix posix;
    private volatile boolean open = true;

    AnykFileSystem(AnykFileSystemProvider provider, String name, Posix posix) {
        this.provider = provider;
        this.name = name;
        this.posix = posix;
    }

    /** The name in its URIs' authority. */
    public String name() {
        return name;
    }

    /** The process whose syscalls it makes. */
    public Posix posix() {
        return posix;
    }

    void ensureOpen() {
        if (!open) {
            throw new ClosedFileSystemException();
        }
    }

    @Override
    public AnykFileSystemProvider provider() {
        return provider;
    }

    /** Closes this file system and removes it from the provider; the kernel is not touched. */
    @Override
    public void close() {
        if (open) {
            open = false;
            AnykFileSystemProvider.remove(this);
        }
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Whether "/" is mounted read-only ({@code statfs}). */
    @Override
    public boolean isReadOnly() {
        ensureOpen();
        try {
            return (posix.statfs("/").flags() & Sys.MS_RDONLY) != 0;
        } catch (KernelException e) {
            return false;
        }
    }

    @Override
    public String getSeparator() {
        return "/";
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        ensureOpen();
        return List.of(new AnykPath(this, "/"));
    }

    /** One store: the file system mounted on "/". */
    @Override
    public Iterable<FileStore> getFileStores() {
        ensureOpen();
        try {
            return List.of(store("/"));
        } catch (IOException e) {
            return List.of();
        }
    }

    AnykFileStore store(String path) throws IOException {
        try {
            return new AnykFileStore(posix.statfs(path));
        } catch (KernelException e) {
            throw Errors.map(e, path, null);
        }
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return Set.of("basic", "posix", "owner", "unix");
    }

    @Override
    public Path getPath(String first, String... more) {
        ensureOpen();
        StringBuilder b = new StringBuilder(first);
        for (String m : more) {
            if (!m.isEmpty()) {
                if (!b.isEmpty()) {
                    b.append('/');
                }
                b.append(m);
            }
        }
        return new AnykPath(this, b.toString());
    }

    /** {@code glob:} (with {@code * ** ? [..] {a,b}} and backslash escapes) or {@code regex:} over the path string. */
    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        int colon = syntaxAndPattern.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("not syntax:pattern: " + syntaxAndPattern);
        }
        String syntax = syntaxAndPattern.substring(0, colon);
        String pattern = syntaxAndPattern.substring(colon + 1);
        Pattern re;
        if (syntax.equalsIgnoreCase("glob")) {
            re = Pattern.compile(globToRegex(pattern));
        } else if (syntax.equalsIgnoreCase("regex")) {
            re = Pattern.compile(pattern);
        } else {
            throw new UnsupportedOperationException("syntax '" + syntax + "' not recognized");
        }
        return p -> re.matcher(p.toString()).matches();
    }

    /** A regular expression matching what glob {@code g} matches, "/" only crossed by {@code **}. */
    static String globToRegex(String g) {
        StringBuilder re = new StringBuilder("^");
        boolean inGroup = false;
        for (int i = 0; i < g.length(); i++) {
            char c = g.charAt(i);
            switch (c) {
                case '\\' -> {
                    if (++i == g.length()) {
                        throw new java.util.regex.PatternSyntaxException("no character to escape", g, i - 1);
                    }
                    literal(re, g.charAt(i));
                }
                case '*' -> {
                    if (i + 1 < g.length() && g.charAt(i + 1) == '*') {
                        re.append(".*");
                        i++;
                    } else {
                        re.append("[^/]*");
                    }
                }
                case '?' -> re.append("[^/]");
                case '{' -> {
                    if (inGroup) {
                        throw new java.util.regex.PatternSyntaxException("nested group", g, i);
                    }
                    re.append("(?:(?:");
                    inGroup = true;
                }
                case '}' -> {
                    if (inGroup) {
                        re.append("))");
                        inGroup = false;
                    } else {
                        literal(re, c);
                    }
                }
                case ',' -> {
                    if (inGroup) {
                        re.append(")|(?:");
                    } else {
                        literal(re, c);
                    }
                }
                case '[' -> {
                    int end = g.indexOf(']', i + 2);
                    if (end < 0) {
                        throw new java.util.regex.PatternSyntaxException("missing ']'", g, i);
                    }
                    re.append("[[^/]&&[");
                    int j = i + 1;
                    if (g.charAt(j) == '!' || g.charAt(j) == '^') {
                        re.append('^');
                        j++;
                    }
                    for (; j < end; j++) {
                        char d = g.charAt(j);
                        if (d == '-') {
                            re.append('-');
                        } else {
                            if (d == '/') {
                                throw new java.util.regex.PatternSyntaxException("'/' in a bracket expression", g, j);
                            }
                            re.append(d == '\\' || d == '[' || d == '&' || d == '^' ? "\\" + d : String.valueOf(d));
                        }
                    }
                    re.append("]]");
                    i = end;
                }
                default -> literal(re, c);
            }
        }
        if (inGroup) {
            throw new java.util.regex.PatternSyntaxException("missing '}'", g, g.length());
        }
        return re.append('$').toString();
    }

    private static void literal(StringBuilder re, char c) {
        if ("\\^$.|?*+()[]{}".indexOf(c) >= 0) {
            re.append('\\');
        }
        re.append(c);
    }

    /** Numeric names only: "1000" is uid (or gid) 1000; the kernel has no user database. */
    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return new UserPrincipalLookupService() {
            @Override
            public UserPrincipal lookupPrincipalByName(String n) throws IOException {
                return new User(number(n));
            }

            @Override
            public GroupPrincipal lookupPrincipalByGroupName(String n) throws IOException {
                return new Group(number(n));
            }
        };
    }

    private static int number(String n) throws UserPrincipalNotFoundException {
        try {
            int id = Integer.parseInt(n);
            if (id < 0) {
                throw new UserPrincipalNotFoundException(n);
            }
            return id;
        } catch (NumberFormatException e) {
            throw new UserPrincipalNotFoundException(n);
        }
    }

    /** Not supported: the kernel has no change notification. */
    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException("no watch service on anyk: file systems");
    }

    @Override
    public String toString() {
        return "anyk://" + name + "/";
    }

    /** A user id as a principal; its name is the number. */
    public record User(int uid) implements UserPrincipal {
        @Override
        public String getName() {
            return Integer.toString(uid);
        }

        @Override
        public String toString() {
            return getName();
        }
    }

    /** A group id as a principal; its name is the number. */
    public record Group(int gid) implements GroupPrincipal {
        @Override
        public String getName() {
            return Integer.toString(gid);
        }

        @Override
        public String toString() {
            return getName();
        }
    }

    /** One mounted file system, as {@code statfs} describes it. */
    final class AnykFileStore extends FileStore {
        private final StatFs st;

        AnykFileStore(StatFs st) {
            this.st = st;
        }

        @Override
        public String name() {
            return name + ":" + st.fsid();
        }

        /** "tmpfs", "ext2", or the magic number in hex. */
        @Override
        public String type() {
            if (st.type() == 0x01021994L) {
                return "tmpfs";
            }
            if (st.type() == 0xEF53L) {
                return "ext2";
            }
            return "0x" + Long.toHexString(st.type());
        }

        @Override
        public boolean isReadOnly() {
            return (st.flags() & Sys.MS_RDONLY) != 0;
        }

        @Override
        public long getTotalSpace() {
            return st.blocks() * st.bsize();
        }

        @Override
        public long getUsableSpace() {
            return st.bavail() * st.bsize();
        }

        @Override
        public long getUnallocatedSpace() {
            return st.bfree() * st.bsize();
        }

        @Override
        public long getBlockSize() {
            return st.bsize();
        }

        @Override
        public boolean supportsFileAttributeView(Class<? extends FileAttributeView> type) {
            return type == BasicFileAttributeView.class || type == PosixFileAttributeView.class
                    || type == FileOwnerAttributeView.class;
        }

        @Override
        public boolean supportsFileAttributeView(String n) {
            return supportedFileAttributeViews().contains(n);
        }

        @Override
        public <V extends FileStoreAttributeView> V getFileStoreAttributeView(Class<V> type) {
            return null;
        }

        @Override
        public Object getAttribute(String attribute) throws IOException {
            return switch (attribute) {
                case "totalSpace" -> getTotalSpace();
                case "usableSpace" -> getUsableSpace();
                case "unallocatedSpace" -> getUnallocatedSpace();
                case "bytesPerSector" -> getBlockSize();
                default -> throw new UnsupportedOperationException("attribute '" + attribute + "'");
            };
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof AnykFileStore s && s.fs() == AnykFileSystem.this && s.st.fsid() == st.fsid();
        }

        private AnykFileSystem fs() {
            return AnykFileSystem.this;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(st.fsid());
        }

        @Override
        public String toString() {
            return name() + " (" + type() + ")";
        }
    }
}
