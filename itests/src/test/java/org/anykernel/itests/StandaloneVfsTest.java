package org.anykernel.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.anykernel.base.api.LibraryKernel;
import org.anykernel.base.api.Posix;
import org.anykernel.base.api.Standalone;
import org.anykernel.hw.api.DiskController;
import org.anykernel.hw.api.SimHardware;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VFS conformance suite on standalone library kernels (no OSGi: the drivers linked from the class path): on
 * tmpfs, and on ext2 images made by {@code mke2fs} with 1 KiB and 4 KiB blocks, each checked clean by
 * {@code e2fsck -fn} after the suite has run and the file system was unmounted.
 */
class StandaloneVfsTest {
    static final long TMPFS_MAGIC = 0x01021994L;
    static final long EXT2_MAGIC = 0xEF53L;

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> tmpfs() {
        LibraryKernel k = Standalone.builder("vfs-tmpfs").drivers("fs-tmpfs").build();
        Posix px = k.posix();
        px.mkdir("/tmp/conformance", 0755);
        VfsConformance suite = new VfsConformance(px, k::spawn, "/tmp/conformance", TMPFS_MAGIC);
        return Stream.concat(cases(suite), Stream.of(DynamicTest.dynamicTest("close", k::close)));
    }

    @TestFactory
    Stream<DynamicTest> ext2With1KiBBlocks() throws Exception {
        return ext2(1024);
    }

    @TestFactory
    Stream<DynamicTest> ext2With4KiBBlocks() throws Exception {
        return ext2(4096);
    }

    private Stream<DynamicTest> ext2(int blockSize) throws Exception {
        Path img = tmp.resolve("ext2-" + blockSize + ".img");
        Host.run("mke2fs", "-q", "-F", "-t", "ext2", "-b", String.valueOf(blockSize), img.toString(), "64M");
        DiskController disk = SimHardware.imageDisk("sd0", img, false);
        LibraryKernel k = Standalone.builder("vfs-ext2").drivers("blk-sim", "fs-ext2")
                .hardware(disk, Map.of("hw.disk.name", "sd0")).build();
        Posix px = k.posix();
        px.mount("/dev/sd0", "/", "ext2", 0, null);
        px.mkdir("/conformance", 0755);
        VfsConformance suite = new VfsConformance(px, k::spawn, "/conformance", EXT2_MAGIC);
        DynamicTest fsck = DynamicTest.dynamicTest("unmount, then e2fsck -fn is clean", () -> {
            px.umount("/");
            k.close();
            SimHardware.powerOff(disk);
            Host.Result r = Host.run(List.of("e2fsck", "-fn", img.toString()), false);
            assertEquals(0, r.exit(), "e2fsck -fn " + img + ":\n" + r.output());
        });
        return Stream.concat(cases(suite), Stream.of(fsck));
    }

    private static Stream<DynamicTest> cases(VfsConformance suite) {
        return VfsConformance.cases().stream().map(name -> DynamicTest.dynamicTest(name, () -> suite.run(name)));
    }

    /** Host tools (e2fsprogs), run with a bound. */
    static final class Host {
        record Result(int exit, String output) {
        }

        static Result run(String... cmd) throws Exception {
            return run(List.of(cmd), true);
        }

        /** {@code tool} by its path in /usr/sbin or /sbin (where e2fsprogs lives), else as given. */
        static String tool(String name) {
            for (String dir : new String[] {"/usr/sbin/", "/sbin/"}) {
                if (Files.isExecutable(Path.of(dir + name))) {
                    return dir + name;
                }
            }
            return name;
        }

        static Result run(List<String> command, boolean check) throws Exception {
            List<String> cmd = new java.util.ArrayList<>(command);
            cmd.set(0, tool(cmd.get(0)));
            Path out = Files.createTempFile("host", ".out");
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(String.join(" ", cmd) + ": no answer within 60 s");
                }
                Result r = new Result(p.exitValue(), Files.readString(out));
                if (check && r.exit() != 0) {
                    throw new AssertionError(String.join(" ", cmd) + " exited " + r.exit() + ":\n" + r.output());
                }
                return r;
            } finally {
                Files.deleteIfExists(out);
            }
        }
    }
}
