package org.anykernel.vfs.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

import org.anykernel.base.api.Credentials;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Stat;
import org.anykernel.base.spi.KernelContext;
import org.anykernel.vfs.api.FileSystem;

/**
 * Name lookup: a path to a node, one component at a time, as namei does. Absolute paths start at the root,
 * relative ones at the working directory; {@code .} stays, {@code ..} goes back along the directories walked (so
 * it leaves a mounted volume through the directory it is mounted on, and stops at the root); a directory
 * something is mounted on is replaced by the mounted root; symbolic links are followed in the middle of a path
 * always and at its end when asked, at most {@link #MAX_LINKS} in one lookup ({@code ELOOP}); search permission is
 * checked on every directory passed. A path or a link target that lands below a name space another faction serves
 * ({@code /dev}) ends the walk with a {@link Foreign}.
 */
final class Lookup {
    /** Symbolic links followed in one lookup before {@code ELOOP}, as Linux's MAXSYMLINKS. */
    static final int MAX_LINKS = 40;
    /** Longest path, in bytes. */
    static final int PATH_MAX = 4096;

    /** The walk left the VFS: {@code abs} is served by another faction's name space. */
    static final class Foreign extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient KernelContext.Resolved where;
        final String abs;

        Foreign(KernelContext.Resolved where, String abs) {
            super(abs, null, false, false);
            this.where = where;
            this.abs = abs;
        }
    }

    /**
     * A path resolved up to its last component.
     *
     * @param dir      the directory the last component is in
     * @param name     the last component ({@code null} for the root itself; may be {@code .} or {@code ..})
     * @param slash    whether the path ended with a slash (the last component must be a directory)
     * @param ancestors the directories above {@code dir}, nearest first
     */
    record Parent(Node dir, String name, boolean slash, Deque<Node> ancestors) {
    }

    private final Vfs vfs;

    Lookup(Vfs vfs) {
        this.vfs = vfs;
    }

    /** The node {@code path} names, following a final symbolic link if {@code follow}. */
    Node resolve(Credentials c, String cwd, String path, boolean follow) {
        return walk(c, cwd, path, follow, null);
    }

    /** As {@link #resolve}, also leaving the directories above the result in {@code ancestors}. */
    Node walk(Credentials c, String cwd, String path, boolean follow, Deque<Node> ancestors) {
        check(path);
        Deque<Node> stack = ancestors == null ? new ArrayDeque<>() : ancestors;
        Deque<String> comps = new ArrayDeque<>();
        boolean slash = path.length() > 1 && path.endsWith("/");
        Node cur = start(c, cwd, path, stack, comps);
        int links = 0;
        while (!comps.isEmpty()) {
            String name = comps.pollFirst();
            boolean last = comps.isEmpty();
            if (name.equals(".")) {
                requireDir(cur, name);
                continue;
            }
            if (name.equals("..")) {
                requireDir(cur, name);
                if (!stack.isEmpty()) {
                    cur = stack.pop();
                }
                continue;
            }
            Node next = child(c, cur, name, path);
            if (next.isLink() && (!last || follow || slash)) {
                if (++links > MAX_LINKS) {
                    throw new KernelException(Errno.ELOOP, path, "more than " + MAX_LINKS + " symbolic links");
                }
                String target = next.mount().fs.readlink(next.mount().vol, next.ino());
                if (target.isEmpty()) {
                    throw new KernelException(Errno.ENOENT, path, "symbolic link " + name + " is empty");
                }
                split(target, comps, true);
                if (target.startsWith("/")) {
                    stack.clear();
                    cur = vfs.root(path);
                    foreignCheck("/" + String.join("/", comps));
                }
                continue;
            }
            stack.push(cur);
            cur = next;
        }
        if (slash && !cur.isDir()) {
            throw new KernelException(Errno.ENOTDIR, path, "not a directory (trailing slash)");
        }
        return cur;
    }

    /** Resolves all of {@code path} but its last component. */
    Parent parent(Credentials c, String cwd, String path) {
        check(path);
        String p = path;
        boolean slash = false;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
            slash = true;
        }
        int i = p.lastIndexOf('/');
        String name = p.substring(i + 1);
        String dirPath = i < 0 ? "." : i == 0 ? "/" : p.substring(0, i);
        if (p.equals("/")) {
            return new Parent(vfs.root(path), null, true, new ArrayDeque<>());
        }
        checkName(path, name);
        Deque<Node> stack = new ArrayDeque<>();
        Node dir = walk(c, cwd, dirPath, true, stack);
        requireDir(dir, dirPath);
        if (!name.equals(".") && !name.equals("..") && p.startsWith("/") && i == 0) {
            foreignCheck(p); // "/dev" itself, as a last component
        }
        return new Parent(dir, name, slash, stack);
    }

    /**
     * The node {@code name} names in directory {@code dir}, with the mounted root in place of a mount point;
     * errors name {@code path}, the path being looked up.
     */
    Node child(Credentials c, Node dir, String name, String path) {
        Node n = find(c, dir, name, path);
        if (n == null) {
            throw new KernelException(Errno.ENOENT, path, "no such file or directory");
        }
        return n;
    }

    /** As {@link #child(Credentials, Node, String, String)}, naming {@code name} in errors. */
    Node child(Credentials c, Node dir, String name) {
        return child(c, dir, name, name);
    }

    /** The node, or null if {@code name} does not exist in {@code dir} (asked without an exception). */
    Node childOrNull(Credentials c, Node dir, String name) {
        return find(c, dir, name, name);
    }

    private Node find(Credentials c, Node dir, String name, String path) {
        requireDir(dir, path);
        Mount m = dir.mount();
        if (!c.isRoot()) {
            Perm.check(c, m.fs.getattr(m.vol, dir.ino()), Perm.X, path);
        }
        Stat st = m.fs.lookupIfPresent(m.vol, dir.ino(), name);
        return st == null ? null : vfs.cross(new Node(m, st.ino(), st.mode()));
    }

    private Node start(Credentials c, String cwd, String path, Deque<Node> stack, Deque<String> comps) {
        if (path.startsWith("/")) {
            foreignCheck(normalize("/", path));
            split(path, comps, false);
            return vfs.root(path);
        }
        foreignCheck(normalize(cwd, path));
        Node cur = vfs.root(path);
        Deque<String> cw = new ArrayDeque<>();
        split(cwd, cw, false);
        for (String name : cw) {
            Node next = child(c, cur, name, cwd);
            stack.push(cur);
            cur = next;
        }
        split(path, comps, false);
        return cur;
    }

    private void foreignCheck(String abs) {
        KernelContext.Resolved r = vfs.kernel().resolve(abs);
        if (r != null && r.space() != vfs) {
            throw new Foreign(r, abs);
        }
    }

    private static void split(String path, Deque<String> comps, boolean front) {
        String[] parts = path.split("/");
        if (front) {
            for (int i = parts.length - 1; i >= 0; i--) {
                if (!parts[i].isEmpty()) {
                    comps.addFirst(parts[i]);
                }
            }
        } else {
            for (String s : parts) {
                if (!s.isEmpty()) {
                    comps.addLast(s);
                }
            }
        }
        for (String s : comps) {
            if (s.getBytes(StandardCharsets.UTF_8).length > FileSystem.NAME_MAX) {
                throw new KernelException(Errno.ENAMETOOLONG, s.substring(0, 16) + "...",
                        "name longer than " + FileSystem.NAME_MAX + " bytes");
            }
        }
    }

    private static void requireDir(Node n, String what) {
        if (!n.isDir()) {
            throw new KernelException(Errno.ENOTDIR, what, "not a directory");
        }
    }

    /** Checks a path argument: not empty, no NUL, not longer than {@link #PATH_MAX}. */
    static void check(String path) {
        if (path.isEmpty()) {
            throw new KernelException(Errno.ENOENT, "\"\"", "empty path");
        }
        if (path.length() >= PATH_MAX) {
            throw new KernelException(Errno.ENAMETOOLONG, path.substring(0, 32) + "...",
                    "path longer than " + PATH_MAX);
        }
        if (path.indexOf('\0') >= 0) {
            throw new KernelException(Errno.EINVAL, path.replace('\0', '?'), "path contains NUL");
        }
    }

    static void checkName(String path, String name) {
        if (name.getBytes(StandardCharsets.UTF_8).length > FileSystem.NAME_MAX) {
            throw new KernelException(Errno.ENAMETOOLONG, path, "name longer than " + FileSystem.NAME_MAX + " bytes");
        }
    }

    /** {@code path} against {@code cwd}, with {@code .}, {@code ..} and repeated slashes removed lexically. */
    static String normalize(String cwd, String path) {
        Deque<String> out = new ArrayDeque<>();
        for (String s : ((path.startsWith("/") ? "" : cwd + "/") + path).split("/")) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                out.pollLast();
            } else {
                out.addLast(s);
            }
        }
        return "/" + String.join("/", out);
    }
}
