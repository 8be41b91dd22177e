package org.anykernel.testing.exam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import org.anykernel.launcher.ProfileException;
import org.junit.jupiter.api.Test;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.options.CompositeOption;
import org.ops4j.pax.exam.options.FrameworkPropertyOption;
import org.ops4j.pax.exam.options.ProvisionOption;

class KernelOptionsTest {

    private static List<Option> flat(String profile, String... vars) {
        return Arrays.asList(((CompositeOption) KernelOptions.profile(profile, vars)).getOptions());
    }

    @Test
    void provisionsTheProfilesBundlesAtTheirStartLevels() {
        List<Option> options = flat("microkernel");
        ProvisionOption<?> base = options.stream().filter(o -> o instanceof ProvisionOption<?> p && p.getURL().contains("kernel-base"))
                .map(o -> (ProvisionOption<?>) o).findFirst().orElseThrow();
        assertEquals(2, base.getStartLevel());
        assertTrue(options.stream().anyMatch(o -> o instanceof ProvisionOption<?> p && p.getURL().contains("char-std")));
    }

    @Test
    void theBootConfigurationsCarryTheDescriptorsAndVariables() throws Exception {
        FrameworkPropertyOption boot = flat("microkernel", "console.echo=false").stream()
                .filter(o -> o instanceof FrameworkPropertyOption f && f.getKey().equals("anykernel.boot.configurations"))
                .map(o -> (FrameworkPropertyOption) o).findFirst().orElseThrow();
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(Path.of(String.valueOf(boot.getValue())))) {
            p.load(r);
        }
        assertEquals("isolated", p.getProperty("org.anykernel.domain~chr/placement"));
        assertEquals("char-std", p.getProperty("org.anykernel.domain~chr/components[0]"));
        assertEquals("false", p.getProperty("hw.console/echo"));
    }

    @Test
    void anUnknownProfileOrVariableIsAOneLineError() {
        ProfileException e = assertThrows(ProfileException.class, () -> KernelOptions.profile("nope"));
        assertEquals(1, e.getMessage().lines().count());
        e = assertThrows(ProfileException.class, () -> KernelOptions.profile("monolithic", "no.such=1"));
        assertTrue(e.getMessage().contains("no.such"), e.getMessage());
    }
}
