package org.anykernel.testing.exam;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.ops4j.pax.exam.Option;

/**
 * Pax Exam options that provision a kernel profile from its feature file, as {@code anyk boot} boots it:
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
     */
    public static Option profile(String profile, String... variables) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (String v : variables) {
            int eq = v.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("variable '" + v + "' is not NAME=VALUE");
            }
            vars.put(v.substring(0, eq), v.substring(eq + 1));
        }
        Profile p = Profile.load(List.of(profile), vars);
        p.checkBundles();
        List<Option> options = new ArrayList<>();
        for (Profile.BundleRef b : p.bundles()) {
            options.add(bundle(b.file().toUri().toString()).startLevel(b.startOrder()).start());
        }
        p.frameworkProperties().forEach((k, v) -> {
            if (!k.equals("org.osgi.framework.startlevel.beginning")) {
                options.add(frameworkProperty(k).value(v));
            }
        });
        try {
            Path dir = Files.createTempDirectory("anyk-exam-");
            options.add(frameworkProperty(Profile.BOOT_CONFIGURATIONS).value(p.writeBootConfigurations(dir).toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!p.frameworkProperties().containsKey("gosh.args")) {
            // a test has no terminal, and the shell must not read the test runner's standard input
            options.add(frameworkProperty("gosh.args").value("--nointeractive"));
        }
        options.add(systemProperty("org.slf4j.simpleLogger.defaultLogLevel").value("warn"));
        return composite(options.toArray(Option[]::new));
    }
}
