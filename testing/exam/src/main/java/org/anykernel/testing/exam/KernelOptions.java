package org.anykernel.testing.exam;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.anykernel.launcher.BootConfigurationFile;
import org.anykernel.launcher.KernelLock;
import org.anykernel.launcher.MavenRepository;
import org.anykernel.launcher.Profile;
import org.anykernel.launcher.ProfileBundle;
import org.ops4j.pax.exam.Option;

/**
 * Pax Exam options that provision a kernel profile from its feature file, as {@code anyk boot} boots it
 * (the same {@link Profile} reader):
 * <pre>
 * &#64;Configuration
 * public Option[] config() {
 *     return options(KernelOptions.profile("microkernel"), junitBundles());
 * }
 * </pre>
 * The bundles come from the local Maven repository with the profile's start levels, the framework
 * properties from the feature, and the configurations (domain descriptors among them) are applied by
 * kernel-base before any driver starts.
 */
public final class KernelOptions {
    private KernelOptions() {
    }

    /**
     * The options of a packaged profile (or a feature file path), with variables set as
     * {@code "NAME=VALUE"} strings.
     *
     * @throws org.anykernel.launcher.ProfileException for an unknown profile, a malformed feature, an unknown
     *                                                 variable or a bundle missing from the local repository
     */
    public static Option profile(String profile, String... variables) {
        Profile p = Profile.load(List.of(profile))
                .withVariables(Profile.parseAssignments(Arrays.asList(variables))).checkDescriptors();
        List<Option> options = new ArrayList<>();
        for (ProfileBundle b : p.bundles(MavenRepository.local())) {
            options.add(bundle(b.location()).startLevel(b.startOrder()).start());
        }
        return composite(options(options, p.frameworkProperties(), p.configurations()));
    }

    /**
     * The options of a composed kernel, as {@code anyk compose FEATURE... -o DIR} makes it and {@code anyk boot DIR}
     * boots it: the features (packaged names or feature file paths) are composed into a new directory (checked,
     * resolved, locked), and the kernel is provisioned from that directory's bundles, after their checksums are
     * checked, with the lock's start orders, framework properties and configurations.
     *
     * @throws IllegalStateException for an invalid composition, with anyk's message (its root cause first)
     */
    public static Option composed(List<String> features, String... variables) {
        Path dir = tempDir("anyk-composed-").resolve("kernel");
        compose(features, variables, dir);
        KernelLock lock = KernelLock.read(dir);
        List<Option> options = new ArrayList<>();
        for (ProfileBundle b : lock.verify(dir, dir.toString())) {
            options.add(bundle(b.location()).startLevel(b.startOrder()).start());
        }
        options.add(frameworkProperty("anykernel.itest.composed").value(dir.toString()));
        return composite(options(options, lock.frameworkProperties(), lock.configurations()));
    }

    /**
     * Runs {@code anyk compose} in a JVM of its own, as a user would: composing starts an OSGi framework (to resolve
     * against its system bundle), and Felix's JVM-wide URL handlers must stay the test container's alone.
     */
    private static void compose(List<String> features, String[] variables, Path dir) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", classPath(), "org.anykernel.launcher.cli.Anyk", "compose"));
        String repo = System.getProperty("maven.repo.local");
        if (repo != null) {
            cmd.add(1, "-Dmaven.repo.local=" + repo);
        }
        cmd.addAll(features);
        for (String v : variables) {
            cmd.add("-V");
            cmd.add(v);
        }
        cmd.add("-o");
        cmd.add(dir.toString());
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("anyk compose " + features + " did not end within 120 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("anyk compose " + features + " failed: " + out.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** This JVM's class path: Surefire and Failsafe give it in a property of their own when java.class.path is their booter's. */
    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) {
            cp = System.getProperty("java.class.path");
        }
        if (cp == null || cp.isBlank()) {
            throw new IllegalStateException("cannot tell this JVM's class path, to run anyk compose");
        }
        return cp;
    }

    private static Option[] options(List<Option> options, Map<String, String> framework, Map<String, ? extends Map<String, ?>> configurations) {
        framework.forEach((k, v) -> {
            // Pax Exam sets the start levels itself
            if (!k.equals("org.osgi.framework.startlevel.beginning")) {
                options.add(frameworkProperty(k).value(v));
            }
        });
        if (!framework.containsKey("gosh.args")) {
            // a test has no terminal, and the shell must not read the test runner's standard input
            options.add(frameworkProperty("gosh.args").value("--nointeractive"));
        }
        Path file = bootFile();
        try {
            BootConfigurationFile.write(configurations, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        options.add(frameworkProperty(BootConfigurationFile.PROPERTY).value(file.toAbsolutePath().toString()));
        return options.toArray(Option[]::new);
    }

    private static Path tempDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                } catch (IOException e) {
                    // a temporary directory: best effort
                }
            }, "anyk-exam-cleanup"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file for the boot configurations that is gone when the test JVM ends. */
    private static Path bootFile() {
        try {
            Path dir = Files.createTempDirectory("anyk-exam-");
            Path file = dir.resolve("boot-configurations.properties");
            file.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
