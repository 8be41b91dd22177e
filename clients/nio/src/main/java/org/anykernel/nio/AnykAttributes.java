package org.anykernel.nio;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Stat;
import org.anykernel.base.api.Sys;

/**
 * A file's {@link Stat} as {@link PosixFileAttributes} (which are also the basic ones), the named attributes of the
 * "basic", "posix", "owner" and "unix" views, and the attribute view that reads and changes them
 * ({@code stat}/{@code lstat}, {@code utimensat}, {@code chmod}, {@code chown}/{@code lchown}).
 */
public final class AnykAttributes implements PosixFileAttributes {
    private static final PosixFilePermission[] BITS = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

    private final Stat st;

    AnykAttributes(Stat st) {
        this.st = st;
    }

    /** What the kernel reported. */
    public Stat stat() {
        return st;
    }

    /** The file key: device and inode. */
    public record Key(long dev, long ino) {
        @Override
        public String toString() {
            return "(dev=" + dev + ",ino=" + ino + ")";
        }
    }

    /** The permission set of mode bits {@code mode} (the low nine). */
    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < BITS.length; i++) {
            if ((mode & (1 << i)) != 0) {
                s.add(BITS[i]);
            }
        }
        return s;
    }

    /** The mode bits of a permission set. */
    static int mode(Set<?> perms) {
        int m = 0;
        for (Object o : perms) {
            if (!(o instanceof PosixFilePermission p)) {
                throw new ClassCastException(o + " is not a PosixFilePermission");
            }
            for (int i = 0; i < BITS.length; i++) {
                if (BITS[i] == p) {
                    m |= 1 << i;
                }
            }
        }
        return m;
    }

    private static FileTime time(long ns) {
        return FileTime.from(ns, TimeUnit.NANOSECONDS);
    }

    @Override
    public FileTime lastModifiedTime() {
        return time(st.mtimeNs());
    }

    @Override
    public FileTime lastAccessTime() {
        return time(st.atimeNs());
    }

    /** No birth time in {@code stat}: the last-modified time, as the JDK does where it has none. */
    @Override
    public FileTime creationTime() {
        return lastModifiedTime();
    }

    @Override
    public boolean isRegularFile() {
        return st.isRegular();
    }

    @Override
    public boolean isDirectory() {
        return st.isDirectory();
    }

    @Override
    public boolean isSymbolicLink() {
        return st.isSymlink();
    }

    /** Devices, FIFOs and sockets. */
    @Override
    public boolean isOther() {
        return !isRegularFile() && !isDirectory() && !isSymbolicLink();
    }

    @Override
    public long size() {
        return st.size();
    }

    @Override
    public Object fileKey() {
        return new Key(st.dev(), st.ino());
    }

    @Override
    public UserPrincipal owner() {
        return new AnykFileSystem.User(st.uid());
    }

    @Override
    public GroupPrincipal group() {
        return new AnykFileSystem.Group(st.gid());
    }

    @Override
    public Set<PosixFilePermission> permissions() {
        return permissions(st.mode());
    }

    /** The named attributes of {@code view} ("basic", "posix", "owner", "unix"); {@code names} may hold "*". */
    Map<String, Object> toMap(String view, String[] names) {
        Map<String, Object> all = new LinkedHashMap<>();
        if (!view.equals("owner")) {
            all.put("lastModifiedTime", lastModifiedTime());
            all.put("lastAccessTime", lastAccessTime());
            all.put("creationTime", creationTime());
            all.put("size", size());
            all.put("isRegularFile", isRegularFile());
            all.put("isDirectory", isDirectory());
            all.put("isSymbolicLink", isSymbolicLink());
            all.put("isOther", isOther());
            all.put("fileKey", fileKey());
        }
        if (!view.equals("basic")) {
            all.put("owner", owner());
        }
        if (view.equals("posix") || view.equals("unix")) {
            all.put("permissions", permissions());
            all.put("group", group());
        }
        if (view.equals("unix")) {
            all.put("mode", st.mode());
            all.put("ino", st.ino());
            all.put("dev", st.dev());
            all.put("rdev", st.rdev());
            all.put("nlink", (int) st.nlink());
            all.put("uid", st.uid());
            all.put("gid", st.gid());
            all.put("ctime", time(st.ctimeNs()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (String n : names) {
            if (n.equals("*")) {
                out.putAll(all);
            } else if (all.containsKey(n)) {
                out.put(n, all.get(n));
            } else {
                throw new IllegalArgumentException("'" + n + "' not recognized by view '" + view + "'");
            }
        }
        return out;
    }

    /**
     * The basic, posix and owner view of one path (following a final link or not); {@link #name} is the view it
     * was asked as.
     */
    static final class View implements PosixFileAttributeView {
        private final AnykPath path;
        private final boolean follow;
        private final String name;

        View(AnykPath path, boolean follow, String name) {
            this.path = path;
            this.follow = follow;
            this.name = name;
        }

        private org.anykernel.base.api.Posix posix() {
            path.getFileSystem().ensureOpen();
            return path.getFileSystem().posix();
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public AnykAttributes readAttributes() throws IOException {
            return new AnykAttributes(path.getFileSystem().provider().stat(path, follow));
        }

        /** {@code utimensat}; a {@code null} time is left as it is, the creation time is ignored. */
        @Override
        public void setTimes(FileTime lastModifiedTime, FileTime lastAccessTime, FileTime createTime)
                throws IOException {
            if (lastModifiedTime == null && lastAccessTime == null) {
                return;
            }
            long m = lastModifiedTime == null ? Sys.UTIME_OMIT : lastModifiedTime.to(TimeUnit.NANOSECONDS);
            long a = lastAccessTime == null ? Sys.UTIME_OMIT : lastAccessTime.to(TimeUnit.NANOSECONDS);
            try {
                posix().utimens(path.sys(), a, m, follow ? 0 : Sys.AT_SYMLINK_NOFOLLOW);
            } catch (KernelException e) {
                throw Errors.map(e, path.toString(), null);
            }
        }

        /** {@code chmod} (the setuid, setgid and sticky bits are cleared); a symbolic link's cannot be set. */
        @Override
        public void setPermissions(Set<PosixFilePermission> perms) throws IOException {
            int mode = mode(perms);
            try {
                if (!follow && posix().lstat(path.sys()).isSymlink()) {
                    throw new FileSystemException(path.toString(), null,
                            "cannot set the permissions of a symbolic link");
                }
                posix().chmod(path.sys(), mode);
            } catch (KernelException e) {
                throw Errors.map(e, path.toString(), null);
            }
        }

        @Override
        public void setOwner(UserPrincipal owner) throws IOException {
            if (!(owner instanceof AnykFileSystem.User u)) {
                throw new java.nio.file.ProviderMismatchException("not an anyk user principal: " + owner);
            }
            chown(u.uid(), -1);
        }

        @Override
        public void setGroup(GroupPrincipal group) throws IOException {
            if (!(group instanceof AnykFileSystem.Group g)) {
                throw new java.nio.file.ProviderMismatchException("not an anyk group principal: " + group);
            }
            chown(-1, g.gid());
        }

        void chown(int uid, int gid) throws IOException {
            try {
                if (follow) {
                    posix().chown(path.sys(), uid, gid);
                } else {
                    posix().lchown(path.sys(), uid, gid);
                }
            } catch (KernelException e) {
                throw Errors.map(e, path.toString(), null);
            }
        }

        void chmod(int mode) throws IOException {
            try {
                posix().chmod(path.sys(), mode);
            } catch (KernelException e) {
                throw Errors.map(e, path.toString(), null);
            }
        }

        @Override
        public UserPrincipal getOwner() throws IOException {
            return readAttributes().owner();
        }
    }
}
