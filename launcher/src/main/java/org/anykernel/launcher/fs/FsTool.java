package org.anykernel.launcher.fs;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.anykernel.base.api.DirEntry;
import org.anykernel.base.api.Errno;
import org.anykernel.base.api.KernelException;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Stat;
import org.anykernel.base.api.StatFs;
import org.anykernel.base.api.Sys;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code anyk fs IMAGE COMMAND ...}: fs-utils on a file system image. By default it links a standalone library kernel
 * (no OSGi: hw-sim's disk on the image, blk-sim, the VFS and ext2; see {@link FsKernel}), or boots a profile with the
 * driver colocated or isolated; mounts the image on {@code /} (read-only for the commands that only read), runs one
 * command through the kernel's syscalls, and unmounts. Exit codes: 0 success, 1 a kernel
 * or host error ({@code anyk fs: CMD: PATH: message (ERRNO)}), 2 bad usage.
 */
public final class FsTool {
    /** Exit code of a kernel or host error. */
    public static final int FAILED = 1;
    /** Exit code of bad usage. */
    public static final int USAGE = 2;
    private static final Set<String> READ_ONLY = Set.of("ls", "cat", "get", "stat", "df", "readlink");
    /** Files are copied in and out in chunks this big, {@code O_DIRECT}: each is read or written once. */
    private static final int CHUNK = 1 << 20;

    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;
    private Posix px;
    private String image;

    private FsTool(PrintStream out, PrintStream err, boolean terminal) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    /** A kernel or host failure of one command on one path. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String line;
        final int code;

        Failure(String line) {
            this(line, FAILED);
        }

        Failure(String line, int code) {
            super(line, null, false, false);
            this.line = line;
            this.code = code;
        }
    }

    /**
     * Runs {@code command} on {@code image}.
     *
     * @param terminal whether stderr is a terminal (progress bars)
     * @return the exit code
     */
    public static int run(Path image, String placement, List<String> command, PrintStream out, PrintStream err,
                          boolean terminal) {
        FsTool tool = new FsTool(out, err, terminal);
        Map<String, CommandLine> commands = tool.commands();
        if (command.isEmpty()) {
            err.println("anyk fs: missing command (one of: " + String.join(" ", commands.keySet()) + ")");
            return USAGE;
        }
        String name = command.get(0);
        CommandLine sub = commands.get(name);
        if (sub == null) {
            err.println("anyk fs: unknown command '" + name + "' (one of: " + String.join(" ", commands.keySet()) + ")");
            return USAGE;
        }
        CommandLine.ParseResult parsed;
        try {
            parsed = sub.parseArgs(command.subList(1, command.size()).toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            err.println("anyk fs: " + name + ": " + e.getMessage());
            err.println("usage: " + sub.getHelp().synopsis(0).strip());
            return USAGE;
        }
        if (sub.isUsageHelpRequested()) {
            sub.usage(out);
            return 0;
        }
        boolean readOnly = READ_ONLY.contains(name);
        tool.image = image.toString();
        if (!Files.isRegularFile(image)) {
            err.println("anyk fs: " + image + ": no such image file");
            return FAILED;
        }
        int code;
        FsKernel kernel = null;
        try {
            kernel = placement.equals("library") ? FsKernel.library(image, readOnly)
                    : FsKernel.framework(placement, image, err);
            tool.px = kernel.posix();
            try {
                tool.px.mount("/dev/sd0", "/", "ext2", readOnly ? Sys.MS_RDONLY : 0, null);
            } catch (KernelException e) {
                throw failure("mount", image.toString(), e);
            }
            try {
                code = callOp(sub);
            } finally {
                try {
                    tool.px.umount("/");
                } catch (KernelException e) {
                    throw failure("umount", image.toString(), e);
                }
            }
        } catch (Failure f) {
            err.println(f.line);
            code = f.code;
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("anyk fs: " + image + ": " + e.getMessage());
            code = FAILED;
        } finally {
            if (kernel != null) {
                kernel.close();
            }
            tool.endProgress();
        }
        out.flush();
        return code;
    }

    private static int callOp(CommandLine sub) {
        try {
            Object r = ((Callable<?>) sub.getCommand()).call();
            return r instanceof Integer i ? i : 0;
        } catch (Failure f) {
            throw f;
        } catch (CommandLine.ParameterException e) {
            throw new Failure("anyk fs: " + e.getMessage(), USAGE);
        } catch (Exception e) {
            throw new Failure("anyk fs: " + sub.getCommandName() + ": " + e);
        }
    }

    /** One command line per command, by name (each parsed on its own: they share no options). */
    private Map<String, CommandLine> commands() {
        Map<String, CommandLine> out = new java.util.LinkedHashMap<>();
        for (Object op : List.of(new Ls(), new Cat(), new Get(), new Put(), new Mkdir(), new Rm(), new Rmdir(),
                new Mv(), new Ln(), new Chmod(), new StatCmd(), new Df(), new Truncate(), new Readlink())) {
            CommandLine cl = new CommandLine(op);
            out.put(cl.getCommandName(), cl);
        }
        return out;
    }

    @Command(name = "anyk fs")
    private static final class Root {
    }

    // ---- failures

    static Failure failure(String cmd, String path, KernelException e) {
        String msg = e.getMessage();
        String prefix = e.errno().name() + ": ";
        if (msg.startsWith(prefix)) {
            msg = msg.substring(prefix.length());
        }
        if (msg.startsWith(path + ": ")) {
            msg = msg.substring(path.length() + 2);
        }
        return new Failure("anyk fs: " + cmd + ": " + path + ": " + msg + " (" + e.errno().name() + ")");
    }

    static Failure hostFailure(String cmd, Path path, IOException e) {
        Errno errno = e instanceof NoSuchFileException ? Errno.ENOENT
                : e instanceof AccessDeniedException ? Errno.EACCES
                : e instanceof FileAlreadyExistsException ? Errno.EEXIST
                : e instanceof DirectoryNotEmptyException ? Errno.ENOTEMPTY
                : e instanceof NotDirectoryException ? Errno.ENOTDIR : Errno.EIO;
        String reason = e instanceof NoSuchFileException || e instanceof AccessDeniedException
                || e instanceof FileAlreadyExistsException ? errno.description() : String.valueOf(e.getMessage());
        return new Failure("anyk fs: " + cmd + ": " + path + ": " + reason + " (host, " + errno.name() + ")");
    }

    /** Runs {@code r} on image path {@code path}, turning a kernel error into the command's failure line. */
    private <T> T on(String cmd, String path, java.util.function.Supplier<T> r) {
        try {
            return r.get();
        } catch (KernelException e) {
            throw failure(cmd, path, e);
        }
    }

    private void on(String cmd, String path, Runnable r) {
        on(cmd, path, () -> {
            r.run();
            return null;
        });
    }

    // ---- progress

    private long progressStart;
    private boolean progressShown;

    private void progress(String cmd, long done, long total) {
        if (!terminal) {
            return;
        }
        long now = System.nanoTime();
        if (progressStart == 0) {
            progressStart = now;
            return;
        }
        if (now - progressStart < 1_000_000_000L) {
            return;
        }
        int pct = total <= 0 ? 100 : (int) Math.min(100, done * 100 / total);
        int bar = pct / 4;
        err.print("\ranyk fs: " + cmd + ": [" + "#".repeat(bar) + " ".repeat(25 - bar) + "] " + pct + "% "
                + (done >> 20) + "/" + (total >> 20) + " MiB");
        err.flush();
        progressShown = true;
    }

    private void endProgress() {
        if (progressShown) {
            err.println();
            progressShown = false;
        }
    }

    // ---- helpers

    private Stat lstat(String cmd, String path) {
        return on(cmd, path, () -> px.lstat(path));
    }

    private Stat statOrNull(String path) {
        try {
            return px.stat(path);
        } catch (KernelException e) {
            if (e.errno() == Errno.ENOENT) {
                return null;
            }
            throw e;
        }
    }

    private List<String> children(String cmd, String dir) {
        List<String> names = new ArrayList<>();
        for (DirEntry e : on(cmd, dir, () -> px.readdir(dir))) {
            if (!e.name().equals(".") && !e.name().equals("..")) {
                names.add(e.name());
            }
        }
        names.sort(null);
        return names;
    }

    static String child(String dir, String name) {
        return dir.endsWith("/") ? dir + name : dir + "/" + name;
    }

    static String baseName(String path) {
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        int i = p.lastIndexOf('/');
        return i < 0 ? p : p.substring(i + 1);
    }

    static String modeString(int mode) {
        char type = switch (mode & Sys.S_IFMT) {
            case Sys.S_IFDIR -> 'd';
            case Sys.S_IFLNK -> 'l';
            case Sys.S_IFCHR -> 'c';
            case Sys.S_IFBLK -> 'b';
            case Sys.S_IFIFO -> 'p';
            case Sys.S_IFSOCK -> 's';
            default -> '-';
        };
        StringBuilder b = new StringBuilder().append(type);
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            b.append((mode & (0400 >> i)) != 0 ? rwx.charAt(i) : '-');
        }
        if ((mode & Sys.S_ISUID) != 0) {
            b.setCharAt(3, (mode & 0100) != 0 ? 's' : 'S');
        }
        if ((mode & Sys.S_ISGID) != 0) {
            b.setCharAt(6, (mode & 010) != 0 ? 's' : 'S');
        }
        if ((mode & Sys.S_ISVTX) != 0) {
            b.setCharAt(9, (mode & 01) != 0 ? 't' : 'T');
        }
        return b.toString();
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneId.systemDefault());

    static String time(long ns) {
        return TIME.format(Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L)));
    }

    // ---- commands

    @Command(name = "ls", description = "lists directories (names sorted)")
    private final class Ls implements Callable<Integer> {
        @Option(names = "-l", description = "long format") boolean longFormat;
        @Option(names = "-R", description = "recursive") boolean recursive;
        @Option(names = "-a", description = "with . and ..") boolean all;
        @Option(names = {"-h", "--help"}, usageHelp = true) boolean help;
        @Parameters(arity = "0..*", paramLabel = "PATH") List<String> paths = new ArrayList<>();

        @Override
        public Integer call() {
            List<String> ps = paths.isEmpty() ? List.of("/") : paths;
            boolean headers = ps.size() > 1 || recursive;
            boolean first = true;
            for (String p : ps) {
                Stat st = on("ls", p, () -> px.stat(p));
                if (!st.isDirectory()) {
                    line(p, p, lstat("ls", p));
                    continue;
                }
                first = list(p, headers, first);
            }
            return 0;
        }

        private boolean list(String dir, boolean headers, boolean first) {
            if (headers) {
                out.println((first ? "" : "\n") + dir + ":");
            }
            List<String> names = children("ls", dir);
            if (all) {
                names.add(0, "..");
                names.add(0, ".");
            }
            List<String> subdirs = new ArrayList<>();
            for (String n : names) {
                String path = child(dir, n);
                Stat st = longFormat || recursive ? lstat("ls", path) : null;
                line(n, path, st);
                if (recursive && st.isDirectory() && !n.equals(".") && !n.equals("..")) {
                    subdirs.add(path);
                }
            }
            for (String s : subdirs) {
                list(s, true, false);
            }
            return false;
        }

        private void line(String name, String path, Stat st) {
            if (!longFormat) {
                out.println(name);
                return;
            }
            String target = st.isSymlink() ? " -> " + on("ls", path, () -> px.readlink(path)) : "";
            out.printf("%s %3d %5d %5d %10d %s %s%s%n", modeString(st.mode()), st.nlink(), st.uid(), st.gid(),
                    st.size(), time(st.mtimeNs()), name, target);
        }
    }

    @Command(name = "cat", description = "writes files to standard output")
    private final class Cat implements Callable<Integer> {
        @Option(names = {"-h", "--help"}, usageHelp = true) boolean help;
        @Parameters(arity = "1..*", paramLabel = "PATH") List<String> paths;

        @Override
        public Integer call() {
            byte[] buf = new byte[CHUNK];
            for (String p : paths) {
                int fd = on("cat", p, () -> px.open(p, Sys.O_RDONLY | Sys.O_DIRECT));
                try {
                    for (int n; (n = on("cat", p, () -> px.read(fd, buf))) > 0; ) {
                        out.write(buf, 0, n);
                    }
                } finally {
                    px.close(fd);
                }
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "get", description = "copies from the image to the host")
    private final class Get implements Callable<Integer> {
        @Option(names = "-r", description = "directories, recursively") boolean recursive;
        @Option(names = {"-h", "--help"}, usageHelp = true) boolean help;
        @Parameters(index = "0", paramLabel = "SRC") String src;
        @Parameters(index = "1", paramLabel = "DEST") Path dest;

        private long total;
        private long done;

        @Override
        public Integer call() {
            Stat st = lstat("get", src);
            Path to = Files.isDirectory(dest) ? dest.resolve(baseName(src)) : dest;
            if (st.isDirectory() && !recursive) {
                throw new Failure("anyk fs: get: " + src + ": is a directory (use -r)");
            }
            total = size(src, st);
            copy(src, st, to);
            return 0;
        }

        private long size(String path, Stat st) {
            if (!st.isDirectory()) {
                return st.isRegular() ? st.size() : 0;
            }
            long sum = 0;
            for (String n : children("get", path)) {
                String c = child(path, n);
                sum += size(c, lstat("get", c));
            }
            return sum;
        }

        private void copy(String from, Stat st, Path to) {
            try {
                if (st.isDirectory()) {
                    if (!Files.isDirectory(to)) {
                        Files.createDirectory(to);
                    }
                    for (String n : children("get", from)) {
                        String c = child(from, n);
                        copy(c, lstat("get", c), to.resolve(n));
                    }
                } else if (st.isSymlink()) {
                    Files.deleteIfExists(to);
                    Files.createSymbolicLink(to, Path.of(on("get", from, () -> px.readlink(from))));
                    return;
                } else if (st.isRegular()) {
                    copyFile(from, to);
                } else {
                    err.println("anyk fs: get: " + from + ": skipped (not a file, directory or link)");
                    return;
                }
                Files.setPosixFilePermissions(to, perms(st.perm()));
                Files.setLastModifiedTime(to, FileTime.from(Instant.ofEpochSecond(0, st.mtimeNs())));
            } catch (IOException e) {
                throw hostFailure("get", to, e);
            }
        }

        private void copyFile(String from, Path to) throws IOException {
            int fd = on("get", from, () -> px.open(from, Sys.O_RDONLY | Sys.O_DIRECT));
            try (FileChannel ch = FileChannel.open(to, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] buf = new byte[CHUNK];
                long pos = 0;
                for (int n; (n = on("get", from, () -> px.read(fd, buf))) > 0; ) {
                    long base = pos;
                    IOException[] failed = new IOException[1];
                    // runs of zero blocks stay holes on the host
                    forEachDataRun(buf, n, (off, len) -> {
                        try {
                            ch.write(ByteBuffer.wrap(buf, off, len), base + off);
                        } catch (IOException e) {
                            failed[0] = e;
                        }
                    });
                    if (failed[0] != null) {
                        throw failed[0];
                    }
                    pos += n;
                    done += n;
                    progress("get", done, total);
                }
                if (ch.size() < pos) {
                    ch.write(ByteBuffer.wrap(new byte[1]), pos - 1); // a hole up to the end
                }
            } finally {
                px.close(fd);
            }
        }
    }

    /** Block size below which zeros are written rather than left as a hole. */
    static final int HOLE_GRAIN = 4096;

    /** Calls {@code run(off, len)} for each run of {@code buf[0..n)} made of blocks that are not all zeros. */
    static void forEachDataRun(byte[] buf, int n, java.util.function.BiConsumer<Integer, Integer> run) {
        int start = -1;
        for (int at = 0; at < n; at += HOLE_GRAIN) {
            int len = Math.min(HOLE_GRAIN, n - at);
            boolean zero = java.util.Arrays.mismatch(buf, at, at + len, ZEROS, 0, len) < 0;
            if (!zero && start < 0) {
                start = at;
            } else if (zero && start >= 0) {
                run.accept(start, at - start);
                start = -1;
            }
        }
        if (start >= 0) {
            run.accept(start, n - start);
        }
    }

    private static final byte[] ZEROS = new byte[HOLE_GRAIN];

    /** Fills {@code buf} from {@code ch} as far as it goes; 0 at the end. */
    static int readFully(FileChannel ch, byte[] buf) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(buf);
        while (b.hasRemaining() && ch.read(b) > 0) {
            // keep reading: a short read is not the end
        }
        return b.position();
    }

    static Set<PosixFilePermission> perms(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] all = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE
        for (int i = 0; i < 9; i++) {
            if ((mode & (0400 >> i)) != 0) {
                s.add(all[i]);
            }
        }
        return s;
    }

    static int mode(Set<PosixFilePermission> perms) {
        int m = 0;
        for (PosixFilePermission p : perms) {
            m |= 0400 >> p.ordinal();
        }
        return m;
    }

    @Command(name = "put", description = "copies from the host into the image")
    private final class Put implements Callable<Integer> {
        @Option(names = "-r", description = "directories, recursively") boolean recursive;
        @Option(names = {"-h", "--help"}, usageHelp = true) boolean help;
        @Parameters(index = "0", paramLabel = "SRC") Path src;
        @Parameters(index = "1", paramLabel = "DEST") String dest;

        private long total;
        private long done;

        @Override
        public Integer call() {
            if (!Files.exists(src, LinkOption.NOFOLLOW_LINKS)) {
                throw hostFailure("put", src, new NoSuchFileException(src.toString()));
            }
            if (Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS) && !recursive) {
                throw new Failure("anyk fs: put: " + src + ": is a directory (use -r)");
            }
            Stat d = on("put", dest, () -> statOrNull(dest));
            String to = d != null && d.isDirectory() ? child(dest, src.getFileName().toString()) : dest;
            try (Stream<Path> s = Files.walk(src)) {
                total = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            } catch (IOException | java.io.UncheckedIOException e) {
                total = 0;
            }
            copy(src, to);
            return 0;
        }

        private void copy(Path from, String to) {
            try {
                if (Files.isSymbolicLink(from)) {
                    String target = Files.readSymbolicLink(from).toString();
                    Stat existing = on("put", to, () -> {
                        try {
                            return px.lstat(to);
                        } catch (KernelException e) {
                            if (e.errno() == Errno.ENOENT) {
                                return null;
                            }
                            throw e;
                        }
                    });
                    if (existing != null && !existing.isDirectory()) {
                        on("put", to, () -> px.unlink(to));
                    }
                    on("put", to, () -> px.symlink(target, to));
                    return;
                }
                int mode = mode(Files.getPosixFilePermissions(from, LinkOption.NOFOLLOW_LINKS));
                if (Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
                    Stat existing = on("put", to, () -> statOrNull(to));
                    if (existing == null) {
                        on("put", to, () -> px.mkdir(to, mode));
                    }
                    List<Path> kids;
                    try (Stream<Path> s = Files.list(from)) {
                        kids = s.sorted().toList();
                    }
                    for (Path k : kids) {
                        copy(k, child(to, k.getFileName().toString()));
                    }
                } else if (Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) {
                    copyFile(from, to, mode);
                } else {
                    err.println("anyk fs: put: " + from + ": skipped (not a file, directory or link)");
                    return;
                }
                on("put", to, () -> px.chmod(to, mode));
                long mtime = Files.getLastModifiedTime(from, LinkOption.NOFOLLOW_LINKS).to(java.util.concurrent.TimeUnit.NANOSECONDS);
                on("put", to, () -> px.utimens(to, Sys.UTIME_OMIT, mtime, 0));
            } catch (IOException e) {
                throw hostFailure("put", from, e);
            }
        }

        private void copyFile(Path from, String to, int mode) throws IOException {
            int fd = on("put", to,
                    () -> px.open(to, Sys.O_WRONLY | Sys.O_CREAT | Sys.O_TRUNC | Sys.O_DIRECT, mode));
            try (FileChannel ch = FileChannel.open(from, StandardOpenOption.READ)) {
                byte[] buf = new byte[CHUNK];
                long pos = 0;
                for (int n; (n = readFully(ch, buf)) > 0; ) {
                    long base = pos;
                    // runs of zero blocks stay holes in the image
                    forEachDataRun(buf, n, (off, len) -> on("put", to, () -> px.pwrite(fd, buf, off, len, base + off)));
                    pos += n;
                    done += n;
                    progress("put", done, total);
                }
                long size = pos;
                on("put", to, () -> px.ftruncate(fd, size));
            } finally {
                px.close(fd);
            }
        }
    }

    @Command(name = "mkdir", description = "makes directories")
    private final class Mkdir implements Callable<Integer> {
        @Option(names = "-p", description = "with missing parents; no error if it exists") boolean parents;
        @Option(names = "-m", description = "mode (octal, default 755)") String mode = "755";
        @Option(names = {"-h", "--help"}, usageHelp = true) boolean help;
        @Parameters(arity = "1..*", paramLabel = "PATH") List<String> paths;

        @Override
        public Integer call() {
            int m = octal("mkdir", mode);
            for (String p : paths) {
                if (!parents) {
                    on("mkdir", p, () -> px.mkdir(p, m));
                    continue;
                }
                StringBuilder at = new StringBuilder();
                for (String part : p.split("/")) {
                    if (part.isEmpty()) {
                        continue;
                    }
                    at.append('/').append(part);
                    String dir = at.toString();
                    Stat st = on("mkdir", dir, () -> statOrNull(dir));
                    if (st == null) {
                        on("mkdir", dir, () -> px.mkdir(dir, m));
                    } else if (!st.isDirectory()) {
                        throw new Failure("anyk fs: mkdir: " + dir + ": not a directory (ENOTDIR)");
                    }
                }
            }
            return 0;
        }
    }

    static int octal(String cmd, String s) {
        try {
            int m = Integer.parseInt(s, 8);
            if (m < 0 || m > 07777) {
                throw new NumberFormatException();
            }
            return m;
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(new CommandLine(new Root()), cmd + ": bad mode '" + s
                    + "' (octal, e.g. 755)");
        }
    }

    @Command(name = "rm", description = "removes files (and with -r directories)")
    private final class Rm implements Callable<Integer> {
        @Option(names = "-r", description = "directories and their contents") boolean recursive;
        @Option(names = "-f", description = "no error for missing files") boolean force;
        @Option(names = {"-h", "--help"}, usageHelp = true) boolean help;
        @Parameters(arity = "1..*", paramLabel = "PATH") List<String> paths;

        @Override
        public Integer call() {
            for (String p : paths) {
                Stat st;
                try {
                    st = px.lstat(p);
                } catch (KernelException e) {
                    if (force && e.errno() == Errno.ENOENT) {
                        continue;
                    }
                    throw failure("rm", p, e);
                }
                remove(p, st);
            }
            return 0;
        }

        private void remove(String p, Stat st) {
            if (!st.isDirectory()) {
                on("rm", p, () -> px.unlink(p));
                return;
            }
            if (!recursive) {
                throw new Failure("anyk fs: rm: " + p + ": is a directory (use -r) (EISDIR)");
            }
            for (String n : children("rm", p)) {
                String c = child(p, n);
                remove(c, lstat("rm", c));
            }
            on("rm", p, () -> px.rmdir(p));
        }
    }

    @Command(name = "rmdir", description = "removes empty directories")
    private final class Rmdir implements Callable<Integer> {
        @Option(names = {"-h", "--help"}, usageHelp = true) boolean help;
        @Parameters(arity = "1..*", paramLabel = "PATH") List<String> paths;

        @Override
        public Integer call() {
            paths.forEach(p -> on("rmdir", p, () -> px.rmdir(p)));
            return 0;
        }
    }

    @Command(name = "mv", description = "renames (into DEST if it is a directory)")
    private final class Mv implements Callable<Integer> {
        @Option(names = {"-h", "--help"}, usageHelp = true) boolean help;
        @Parameters(index = "0", paramLabel = "SRC") String src;
        @Parameters(index = "1", paramLabel = "DEST") String dest;

        @Override
        public Integer call() {
            Stat d = on("mv", dest, () -> statOrNull(dest));
            Stat s = lstat("mv", src);
            String to = d != null && d.isDirectory() && (!s.isDirectory() || d.ino() != s.ino())
                    ? child(dest, baseName(src)) : dest;
            on("mv", src, () -> px.rename(src, to));
            return 0;
        }
    }

    @Command(name = "ln", description = "makes a hard link, or with -s a symbolic link")
    private final class Ln implements Callable<Integer> {
        @Option(names = "-s", description = "symbolic") boolean symbolic;
        @Option(names = {"-h", "--help"}, usageHelp = true) boolean help;
        @Parameters(index = "0", paramLabel = "TARGET") String target;
        @Parameters(index = "1", paramLabel = "LINK") String link;

        @Override
        public Integer call() {
            if (symbolic) {
                on("ln", link, () -> px.symlink(target, link));
            } else {
                on("ln", link, () -> px.link(target, link));
            }
            return 0;
        }
    }

    @Command(name = "chmod", description = "sets permission bits (octal)")
    private final class Chmod implements Callable<Integer> {
        @Option(names = {"-h", "--help"}, usageHelp = true) boolean help;
        @Parameters(index = "0", paramLabel = "MODE") String mode;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "PATH") List<String> paths;

        @Override
        public Integer call() {
            int m = octal("chmod", mode);
            paths.forEach(p -> on("chmod", p, () -> px.chmod(p, m)));
            return 0;
        }
    }

    @Command(name = "stat", description = "shows what a path is")
    private final class StatCmd implements Callable<Integer> {
        @Option(names = {"-h", "--help"}, usageHelp = true) boolean help;
        @Parameters(arity = "1..*", paramLabel = "PATH") List<String> paths;

        @Override
        public Integer call() {
            for (String p : paths) {
                Stat st = lstat("stat", p);
                String type = switch (st.type()) {
                    case Sys.S_IFDIR -> "directory";
                    case Sys.S_IFLNK -> "symbolic link";
                    case Sys.S_IFREG -> st.size() == 0 ? "regular empty file" : "regular file";
                    case Sys.S_IFCHR -> "character special file";
                    case Sys.S_IFBLK -> "block special file";
                    case Sys.S_IFIFO -> "fifo";
                    default -> "socket";
                };
                String link = st.isSymlink() ? " -> " + on("stat", p, () -> px.readlink(p)) : "";
                out.println("  File: " + p + link);
                out.printf("  Size: %-12d Blocks: %-10d IO Block: %-6d %s%n", st.size(), st.blocks(), st.blksize(), type);
                out.printf(" Inode: %-12d Links: %d%n", st.ino(), st.nlink());
                out.printf("Access: (%04o/%s)  Uid: %d  Gid: %d%n", st.perm(), modeString(st.mode()), st.uid(), st.gid());
                out.println("Access: " + Instant.ofEpochSecond(0, st.atimeNs()));
                out.println("Modify: " + Instant.ofEpochSecond(0, st.mtimeNs()));
                out.println("Change: " + Instant.ofEpochSecond(0, st.ctimeNs()));
            }
            return 0;
        }
    }

    @Command(name = "readlink", description = "prints a symbolic link's target")
    private final class Readlink implements Callable<Integer> {
        @Option(names = {"-h", "--help"}, usageHelp = true) boolean help;
        @Parameters(index = "0", paramLabel = "PATH") String path;

        @Override
        public Integer call() {
            out.println(on("readlink", path, () -> px.readlink(path)));
            return 0;
        }
    }

    @Command(name = "df", description = "shows the file system's size and use")
    private final class Df implements Callable<Integer> {
        @Option(names = {"-h", "--help"}, usageHelp = true) boolean help;

        @Override
        public Integer call() {
            StatFs s = on("df", "/", () -> px.statfs("/"));
            long k = s.bsize() / 1024;
            long used = s.blocks() - s.bfree();
            long pct = s.blocks() == 0 ? 0 : (used * 100 + s.blocks() - 1) / s.blocks();
            out.printf("%-20s %10s %10s %10s %4s %7s %7s%n", "Filesystem", "1K-blocks", "Used", "Available", "Use%",
                    "Inodes", "IFree");
            out.printf("%-20s %10d %10d %10d %3d%% %7d %7d%n", image, s.blocks() * k, used * k, s.bavail() * k, pct,
                    s.files(), s.ffree());
            return 0;
        }
    }

    @Command(name = "truncate", description = "sets files' length")
    private final class Truncate implements Callable<Integer> {
        @Option(names = "-s", required = true, paramLabel = "SIZE", description = "bytes, or with K, M, G") String size;
        @Option(names = {"-h", "--help"}, usageHelp = true) boolean help;
        @Parameters(arity = "1..*", paramLabel = "PATH") List<String> paths;

        @Override
        public Integer call() {
            long n = parseSize(size);
            for (String p : paths) {
                int fd = on("truncate", p, () -> px.open(p, Sys.O_WRONLY | Sys.O_CREAT, 0644));
                try {
                    on("truncate", p, () -> px.ftruncate(fd, n));
                } finally {
                    px.close(fd);
                }
            }
            return 0;
        }
    }

    static long parseSize(String s) {
        String t = s.strip().toUpperCase(java.util.Locale.ROOT);
        long mult = 1;
        if (t.endsWith("K") || t.endsWith("M") || t.endsWith("G")) {
            mult = switch (t.charAt(t.length() - 1)) {
                case 'K' -> 1L << 10;
                case 'M' -> 1L << 20;
                default -> 1L << 30;
            };
            t = t.substring(0, t.length() - 1);
        }
        try {
            long v = Long.parseLong(t);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(v, mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new CommandLine.ParameterException(new CommandLine(new Root()), "truncate: bad size '" + s + "'");
        }
    }
}
