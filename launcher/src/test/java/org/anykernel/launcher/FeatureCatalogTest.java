package org.anykernel.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

/**
 * The build's check of the packaged features: every bundle they name is in the local repository, every feature
 * resolves on its own with the features it declares it needs, and every configuration is taken by a component of
 * the kernel and valid for it. A feature file that breaks any of this fails the build here.
 */
class FeatureCatalogTest {
    private static final FeatureCatalog CATALOG = FeatureCatalog.packaged();
    private static final MavenRepository REPO = MavenRepository.local();

    private static Composition.Plan plan(List<String> features) {
        return Composition.plan(Profile.load(features), REPO, CATALOG, phase -> { });
    }

    @Test
    void thereIsAFeaturePerComponentAndPerProfile() {
        Set<String> names = CATALOG.entries().keySet();
        for (String component : List.of("base", "events", "shell", "logging", "hw-sim", "hw-disk", "hw-nic", "faction-dev", "faction-vfs",
                "faction-net", "char-std", "blk-sim", "fs-tmpfs", "fs-ext2", "nic-sim", "net-inet", "httpd", "library-demo")) {
            assertTrue(names.contains(component), component);
            assertFalse(CATALOG.get(component).orElseThrow().profile(), component);
            assertFalse(CATALOG.get(component).orElseThrow().description().isBlank(), component);
        }
        for (String profile : List.of("monolithic", "microkernel", "library", "net-demo", "net-udp")) {
            assertTrue(CATALOG.get(profile).orElseThrow().profile(), profile);
        }
    }

    @Test
    void everyFeatureResolvesOnItsOwnWithWhatItDeclaresItNeeds() {
        List<String> failures = new ArrayList<>();
        for (String name : CATALOG.entries().keySet()) {
            List<String> closure = CATALOG.closure(name);
            try {
                Composition.Plan p = plan(closure);
                if (!p.bundles().isEmpty() && p.wires().isEmpty()) {
                    failures.add(name + ": no wires");
                }
            } catch (ProfileException e) {
                failures.add(name + " (with " + closure + "): " + e.getMessage());
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void aComponentsDeclaredNeedsAreNotOptional() {
        // take away any one need of a driver and it no longer composes: the declarations are the real dependencies
        for (String driver : List.of("fs-tmpfs", "net-inet", "nic-sim", "blk-sim")) {
            List<String> closure = CATALOG.closure(driver);
            String need = closure.stream().filter(n -> n.startsWith("faction-")).findFirst().orElseThrow();
            List<String> without = new ArrayList<>(closure);
            without.remove(need);
            ProfileException e = assertThrows(ProfileException.class, () -> plan(without));
            assertTrue(e.getMessage().lines().findFirst().orElseThrow().endsWith(": add the feature " + need), e.getMessage());
        }
    }

    @Test
    void closuresPutNeedsFirstAndRefuseUnknownNames() {
        List<String> c = CATALOG.closure("char-std");
        assertEquals("char-std", c.get(c.size() - 1));
        assertEquals("base", c.get(0));
        assertTrue(c.indexOf("faction-dev") < c.indexOf("char-std") && c.indexOf("hw-sim") < c.indexOf("char-std"));
        ProfileException e = assertThrows(ProfileException.class, () -> CATALOG.closure("nosuch"));
        assertEquals("unknown feature 'nosuch'", e.getMessage());
    }

    @Test
    void theSameProfileFromComponentsWiresAsTheProfile() {
        // monolithic has the bundles of these components (faction-net too, for library kernels that want sockets):
        // the resolver wires them the same way
        Composition.Plan profile = plan(List.of("monolithic"));
        List<String> components = new ArrayList<>();
        for (String f : List.of("events", "char-std", "blk-sim", "fs-tmpfs", "fs-ext2", "faction-net", "shell")) {
            for (String n : CATALOG.closure(f)) {
                if (!components.contains(n)) {
                    components.add(n);
                }
            }
        }
        Composition.Plan composed = plan(components);
        assertEquals(new TreeSet<>(profile.bundles().stream().map(ProfileBundle::id).toList()),
                new TreeSet<>(composed.bundles().stream().map(ProfileBundle::id).toList()));
        assertEquals(profile.wires(), composed.wires());
        Map<String, List<String>> byRequirer = Resolution.byRequirer(composed.wires());
        String tmpfs = byRequirer.keySet().stream().filter(k -> k.startsWith("org.anykernel:fs-tmpfs:")).findFirst().orElseThrow();
        assertTrue(byRequirer.get(tmpfs).stream().anyMatch(w -> w.startsWith("osgi.wiring.package org.anykernel.vfs.api;")
                && w.contains(" -> org.anykernel:faction-vfs:")), byRequirer.get(tmpfs)::toString);
    }
}
