package org.anykernel.testing.exam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileTest {

    @Test
    void readsThePackagedMicrokernelProfile() {
        Profile p = Profile.load(List.of("microkernel"), Map.of());
        assertEquals("microkernel", p.name());
        assertEquals(List.of("chr"), p.domains());
        assertTrue(p.bundles().stream().anyMatch(b -> b.id().startsWith("org.anykernel:kernel-base:") && b.startOrder() == 2));
        assertEquals("isolated", p.configurations().get("org.anykernel.domain~chr").get("placement"));
        assertEquals(Boolean.TRUE, p.configurations().get("hw.console").get("echo"), "a whole-string variable keeps its type");
        assertEquals("microkernel", p.frameworkProperties().get("anykernel.profile"));
    }

    @Test
    void variablesAreSetAndChecked() {
        Profile p = Profile.load(List.of("monolithic"), Map.of("console.echo", "false"));
        assertEquals(Boolean.FALSE, p.configurations().get("hw.console").get("echo"));
        Profile.ProfileException e = assertThrows(Profile.ProfileException.class,
                () -> Profile.load(List.of("monolithic"), Map.of("no.such", "1")));
        assertEquals("unknown variable 'no.such' (profile defines: console.echo)", e.getMessage());
    }

    @Test
    void malformedAndUnknownProfilesAreOneLine(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{ \"id\": ");
        Profile.ProfileException e = assertThrows(Profile.ProfileException.class, () -> Profile.load(List.of(bad.toString()), Map.of()));
        assertTrue(e.getMessage().startsWith(bad + ": not a valid feature: "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        e = assertThrows(Profile.ProfileException.class, () -> Profile.load(List.of("nope"), Map.of()));
        assertEquals("unknown profile 'nope' (known: monolithic, microkernel, library)", e.getMessage());
    }

    @Test
    void bootConfigurationsKeepListsAsIndexedKeys(@TempDir Path dir) throws Exception {
        Profile p = Profile.load(List.of("microkernel"), Map.of());
        Path f = p.writeBootConfigurations(dir);
        Properties props = new Properties();
        try (var r = Files.newBufferedReader(f)) {
            props.load(r);
        }
        assertEquals("char-std", props.getProperty("org.anykernel.domain~chr/components[0]"));
        assertEquals("org.anykernel.hw.api.ConsolePort", props.getProperty("org.anykernel.domain~chr/grants[0]"));
        assertEquals("isolated", props.getProperty("org.anykernel.domain~chr/placement"));
        assertArrayEquals(new Object[] {"char-std"}, (Object[]) Profile.substitute(new Object[] {"char-std"}, Map.of()));
    }
}
