package org.anykernel.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootConfigurationFileTest {
    @TempDir
    Path dir;

    @Test
    void writesPidSlashKeyAndListsAsIndexedKeys() throws Exception {
        Map<String, Map<String, Object>> configs = new LinkedHashMap<>();
        configs.put("org.anykernel.domain~chr", Map.of("placement", "isolated", "components", new String[] {"char-std", "x"},
                "vcpus", 2L, "grants", List.of("a.B")));
        configs.put("hw.console", Map.of("echo", true, "name", "zé"));
        Path file = dir.resolve("boot.properties");
        BootConfigurationFile.write(configs, file);

        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        assertEquals(Map.of(
                "org.anykernel.domain~chr/placement", "isolated",
                "org.anykernel.domain~chr/components[0]", "char-std",
                "org.anykernel.domain~chr/components[1]", "x",
                "org.anykernel.domain~chr/vcpus", "2",
                "org.anykernel.domain~chr/grants[0]", "a.B",
                "hw.console/echo", "true",
                "hw.console/name", "zé"), Map.copyOf(p));
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertEquals(1, text.lines().filter(l -> l.startsWith("#")).count(),
                "one comment line and no date line (formatting it costs the boot the time-zone and locale set-up)");
    }

    @Test
    void keysAndValuesWithPropertiesSyntaxInThemReadBackTheSame() throws Exception {
        Map<String, Object> odd = new LinkedHashMap<>();
        odd.put(" lead = key:#!", " lead and trail ");
        odd.put("back\\slash", "a\\b=c:d#e!f");
        odd.put("tab\tnl\ncr\rff\f", "ctl\u0001\u001f end");
        odd.put("uni", "zé 日本 \uD83D\uDE00");
        odd.put("empty", "");
        Path file = dir.resolve("odd.properties");
        BootConfigurationFile.write(Map.of("p", odd), file);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, String> want = new LinkedHashMap<>();
        odd.forEach((k, v) -> want.put("p/" + k, (String) v));
        assertEquals(want, Map.copyOf(p));
    }

    @Test
    void profileWritesItsSubstitutedConfigurationsAndNamesTheFile() throws Exception {
        Profile profile = Profile.load(List.of("microkernel")).withVariables(Map.of("console.echo", "false"));
        Map.Entry<String, String> property = profile.writeBootConfigurations(dir.resolve("b.properties"));
        assertEquals(BootConfigurationFile.PROPERTY, property.getKey());
        Path file = Path.of(property.getValue());
        assertTrue(file.isAbsolute());
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        assertEquals("false", p.getProperty("hw.console/echo"));
        assertEquals("isolated", p.getProperty("org.anykernel.domain~chr/placement"));
        assertEquals("char-std", p.getProperty("org.anykernel.domain~chr/components[0]"));
        assertEquals("16M", p.getProperty("org.anykernel.domain~chr/memory.quota"));
    }
}
