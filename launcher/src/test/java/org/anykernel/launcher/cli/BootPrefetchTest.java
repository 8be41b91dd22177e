package org.anykernel.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.anykernel.launcher.KernelLock;
import org.anykernel.launcher.MavenRepository;
import org.anykernel.launcher.embed.BootOptions;
import org.anykernel.launcher.embed.EmbeddedKernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prefetch's class list stays current, and a prefetch is only for a composed kernel's directory. */
class BootPrefetchTest {

    @Test
    void everyListedClassExists() {
        List<String> names = BootPrefetch.classNames();
        assertTrue(names.size() > 100, "the list is there: " + names.size() + " names");
        List<String> gone = new ArrayList<>();
        for (String n : names) {
            try {
                Class.forName(n, false, BootPrefetch.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                gone.add(n);
            }
        }
        assertEquals(List.of(), gone, "classes in boot-classes.txt that no longer exist: remake the list");
        assertTrue(names.contains("org.apache.felix.framework.Felix"), "the framework is in it");
    }

    /** {@code anyk compose base hw-sim} into {@code tmp/k}. */
    private static Path composed(Path tmp) {
        Path dir = tmp.resolve("k");
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(sink, true, StandardCharsets.UTF_8);
        assertEquals(0, Anyk.run(new String[] {"compose", "base", "hw-sim", "-o", dir.toString()}, ps, ps), sink::toString);
        return dir;
    }

    @Test
    void aComposedKernelIsMadeAndInstalledAheadAndStartsWhenTaken(@TempDir Path tmp)
            throws Exception {
        Path dir = composed(tmp);
        PrintStream ps = new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8);
        BootPrefetch.start(new String[] {"boot", "--timeout", "30", dir.toString()}, ps);
        assertNull(BootPrefetch.take(dir + "/"), "only for the directory as typed");
        BootPrefetch.Prefetched p = BootPrefetch.take(dir.toString());
        KernelLock lock = p.lockWithin(10_000);
        assertEquals(KernelLock.read(dir).profile(), lock.profile());
        EmbeddedKernel.Prepared prepared = p.preparedWithin(30_000);
        assertNotNull(prepared, "made and installed");
        assertNull(BootPrefetch.take(dir.toString()), "taken once");
        EmbeddedKernel k = EmbeddedKernel.launch(prepared,
                new BootOptions(Duration.ofSeconds(30),
                        MavenRepository.local()));
        try {
            k.awaitReady();
            assertEquals(lock.verify(dir, dir.toString()).size(), k.context().getBundles().length - 1,
                    "every bundle of the lock is installed");
        } finally {
            assertTrue(k.stop());
        }
    }

    @Test
    void aPreparedKernelThatNobodyTakesIsClosed(@TempDir Path tmp)
            throws Exception {
        Path dir = composed(tmp);
        PrintStream ps = new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8);
        // -V is refused for a composed kernel: the command never takes what was prepared
        String[] args = {"boot", dir.toString(), "-V", "x=y"};
        BootPrefetch.start(args, ps);
        assertEquals(2, Anyk.run(args, ps, ps));
        BootPrefetch.Prefetched p = BootPrefetch.discard();
        EmbeddedKernel.Prepared prepared = p.prepared().get(30,
                TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!prepared.closed() && System.nanoTime() < deadline) {
            Thread.sleep(10); // closed by the completion's callback, which may still be running
        }
        assertTrue(prepared.closed(), "closed, its storage gone");
        assertNull(BootPrefetch.discard(), "once");
    }

    @Test
    void nothingIsPrefetchedForAProfileNameOrAnotherCommand() {
        BootPrefetch.start(new String[] {"boot", "monolithic"}, System.err);
        assertNull(BootPrefetch.take("monolithic"));
        BootPrefetch.start(new String[] {"compose", "/tmp"}, System.err);
        assertNull(BootPrefetch.take("/tmp"));
    }
}
