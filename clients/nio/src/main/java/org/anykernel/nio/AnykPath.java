package org.anykernel.nio;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Stat;

/**
 * A path in an {@link AnykFileSystem}: a Unix path string ("/" separated, one root "/"), kept without repeated or
 * trailing slashes. Purely lexical except {@link #toAbsolutePath} (the process's {@code getcwd}) and
 * {@link #toRealPath} ({@code lstat} and {@code readlink}).
 */
public final class AnykPath implements Path {
    /** Symbolic links {@link #toRealPath} follows before giving up, as Linux's MAXSYMLINKS. */
    private static final int MAX_LINKS = 40;

    private final AnykFileSystem fs;
    private final String path;
    private volatile String[] names;

    AnykPath(AnykFileSystem fs, String path) {
        this.fs = fs;
        this.path = clean(path);
    }

    /** Removes repeated and trailing slashes; rejects NUL. */
    private static String clean(String s) {
        if (s.indexOf('\0') >= 0) {
            throw new InvalidPathException(s, "NUL character not allowed");
        }
        StringBuilder b = new StringBuilder(s.length());
        char prev = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '/' && prev == '/') {
                continue;
            }
            b.append(c);
            prev = c;
        }
        if (b.length() > 1 && b.charAt(b.length() - 1) == '/') {
            b.setLength(b.length() - 1);
        }
        return b.toString();
    }

    /** The path string as a syscall takes it ({@code "."} for the empty path). */
    String sys() {
        return path.isEmpty() ? "." : path;
    }

    private String[] names() {
        String[] n = names;
        if (n == null) {
            if (path.isEmpty()) {
                n = new String[] {""};
            } else {
                String body = path.startsWith("/") ? path.substring(1) : path;
                n = body.isEmpty() ? new String[0] : body.split("/");
            }
            names = n;
        }
        return n;
    }

    private AnykPath of(String s) {
        return new AnykPath(fs, s);
    }

    private AnykPath of(boolean absolute, List<String> parts) {
        return of((absolute ? "/" : "") + String.join("/", parts));
    }

    static AnykPath check(Path p) {
        if (p == null) {
            throw new NullPointerException();
        }
        if (!(p instanceof AnykPath a)) {
            throw new ProviderMismatchException(p.getClass().getName() + " is not an anyk path");
        }
        return a;
    }

    @Override
    public AnykFileSystem getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return path.startsWith("/");
    }

    @Override
    public Path getRoot() {
        return isAbsolute() ? of("/") : null;
    }

    @Override
    public Path getFileName() {
        String[] n = names();
        if (n.length == 0) {
            return null;
        }
        if (n.length == 1 && !isAbsolute()) {
            return this;
        }
        return of(n[n.length - 1]);
    }

    @Override
    public Path getParent() {
        String[] n = names();
        if (n.length == 0 || (n.length == 1 && !isAbsolute())) {
            return null;
        }
        return of(isAbsolute(), Arrays.asList(n).subList(0, n.length - 1));
    }

    @Override
    public int getNameCount() {
        return names().length;
    }

    @Override
    public Path getName(int index) {
        String[] n = names();
        if (index < 0 || index >= n.length) {
            throw new IllegalArgumentException("index " + index + " of " + n.length + " names");
        }
        return of(n[index]);
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        String[] n = names();
        if (beginIndex < 0 || beginIndex >= n.length || endIndex > n.length || beginIndex >= endIndex) {
            throw new IllegalArgumentException("subpath(" + beginIndex + ", " + endIndex + ") of " + n.length);
        }
        return of(false, Arrays.asList(n).subList(beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
        if (!(Objects.requireNonNull(other) instanceof AnykPath o) || o.fs != fs) {
            return false;
        }
        if (o.isAbsolute() != isAbsolute()) {
            return false;
        }
        if (o.path.isEmpty()) {
            return path.isEmpty();
        }
        String[] a = names();
        String[] b = o.names();
        if (b.length > a.length) {
            return false;
        }
        for (int i = 0; i < b.length; i++) {
            if (!a[i].equals(b[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean endsWith(Path other) {
        if (!(Objects.requireNonNull(other) instanceof AnykPath o) || o.fs != fs) {
            return false;
        }
        if (o.isAbsolute()) {
            return o.path.equals(path);
        }
        if (o.path.isEmpty()) {
            return path.isEmpty();
        }
        String[] a = names();
        String[] b = o.names();
        if (b.length > a.length) {
            return false;
        }
        for (int i = 0; i < b.length; i++) {
            if (!a[a.length - b.length + i].equals(b[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Path normalize() {
        Deque<String> out = new ArrayDeque<>();
        boolean changed = false;
        for (String n : names()) {
            if (n.equals(".") || n.isEmpty()) {
                changed |= n.equals(".");
            } else if (n.equals("..")) {
                if (!out.isEmpty() && !out.peekLast().equals("..")) {
                    out.removeLast();
                } else if (!isAbsolute()) {
                    out.addLast("..");
                    continue;
                }
                changed = true;
            } else {
                out.addLast(n);
            }
        }
        return changed ? of(isAbsolute(), new ArrayList<>(out)) : this;
    }

    @Override
    public Path resolve(Path other) {
        AnykPath o = check(other);
        if (o.isAbsolute()) {
            return o;
        }
        if (o.path.isEmpty()) {
            return this;
        }
        if (path.isEmpty()) {
            return o;
        }
        return of(path.equals("/") ? "/" + o.path : path + "/" + o.path);
    }

    @Override
    public Path relativize(Path other) {
        AnykPath o = check(other);
        if (o.isAbsolute() != isAbsolute()) {
            throw new IllegalArgumentException("'" + other + "' and '" + this + "': one is absolute, one is not");
        }
        if (o.equals(this)) {
            return of("");
        }
        if (path.isEmpty()) {
            return o;
        }
        String[] a = names(((AnykPath) normalize()));
        String[] b = names(((AnykPath) o.normalize()));
        int common = 0;
        while (common < a.length && common < b.length && a[common].equals(b[common])) {
            common++;
        }
        List<String> out = new ArrayList<>();
        for (int i = common; i < a.length; i++) {
            if (a[i].equals("..")) {
                throw new IllegalArgumentException("cannot relativize '" + other + "' against '" + this + "'");
            }
            out.add("..");
        }
        out.addAll(Arrays.asList(b).subList(common, b.length));
        return of(false, out);
    }

    private static String[] names(AnykPath p) {
        return p.path.isEmpty() ? new String[0] : p.names();
    }

    /** {@code anyk://<file system name><absolute path>}. */
    @Override
    public URI toUri() {
        try {
            return new URI(AnykFileSystemProvider.SCHEME, fs.name(), ((AnykPath) toAbsolutePath()).path, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("no URI for " + this, e);
        }
    }

    /** Resolves a relative path against the process's working directory ({@code getcwd}). */
    @Override
    public Path toAbsolutePath() {
        if (isAbsolute()) {
            return this;
        }
        fs.ensureOpen();
        String cwd;
        try {
            cwd = fs.posix().getcwd();
        } catch (KernelException e) {
            throw new java.io.IOError(Errors.map(e, path, null));
        }
        return of(cwd).resolve(this);
    }

    /**
     * The absolute path without {@code .}, {@code ..} and (unless {@link LinkOption#NOFOLLOW_LINKS}) symbolic links,
     * checked to exist. Links are read with {@code lstat} and {@code readlink}, at most 40 in one call.
     */
    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
        boolean follow = AnykFileSystemProvider.follow(options);
        AnykPath abs = (AnykPath) toAbsolutePath();
        if (!follow) {
            AnykPath n = (AnykPath) abs.normalize();
            fs.provider().lstat(n);
            return n;
        }
        Deque<String> todo = new ArrayDeque<>(Arrays.asList(names(abs)));
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String n = todo.removeFirst();
            if (n.isEmpty() || n.equals(".")) {
                continue;
            }
            if (n.equals("..")) {
                if (!done.isEmpty()) {
                    done.remove(done.size() - 1);
                }
                continue;
            }
            done.add(n);
            String cur = "/" + String.join("/", done);
            try {
                Stat st = fs.posix().lstat(cur);
                if (st.isSymlink()) {
                    if (++links > MAX_LINKS) {
                        throw new FileSystemException(path, null, Errors.ELOOP);
                    }
                    String target = fs.posix().readlink(cur);
                    done.remove(done.size() - 1);
                    if (target.startsWith("/")) {
                        done.clear();
                    }
                    List<String> t = new ArrayList<>(Arrays.asList(target.split("/")));
                    for (int i = t.size() - 1; i >= 0; i--) {
                        todo.addFirst(t.get(i));
                    }
                }
            } catch (KernelException e) {
                throw Errors.map(e, cur, null);
            }
        }
        return of(true, done);
    }

    /** Not supported: an anyk path has no host file. */
    @Override
    public File toFile() {
        throw new UnsupportedOperationException("an anyk: path has no java.io.File");
    }

    /** Not supported: no watch service. */
    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
        throw new UnsupportedOperationException("no watch service on anyk: file systems");
    }

    @Override
    public Iterator<Path> iterator() {
        List<Path> out = new ArrayList<>();
        for (String n : names()) {
            out.add(of(n));
        }
        return out.iterator();
    }

    @Override
    public int compareTo(Path other) {
        return path.compareTo(check(other).path);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AnykPath p && p.fs == fs && p.path.equals(path);
    }

    @Override
    public int hashCode() {
        return path.hashCode();
    }

    @Override
    public String toString() {
        return path;
    }
}
