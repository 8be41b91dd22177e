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
        Map<String, String> framework = p.frameworkProperties();
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
        Map.Entry<String, String> boot = p.writeBootConfigurations(bootFile());
        options.add(frameworkProperty(boot.getKey()).value(boot.getValue()));
        return composite(options.toArray(Option[]::new));
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
