package org.anykernel.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileTest {
    @TempDir
    Path dir;

    @Test
    void defaultProfileIsMonolithicFromTheFeaturesArtifact() {
        Profile p = Profile.load(List.of());
        assertEquals("monolithic", p.name());
        assertTrue(p.bundleIds().stream().anyMatch(id -> id.startsWith("org.anykernel:kernel-base:")), p.bundleIds()::toString);
        assertTrue(p.bundleIds().stream().noneMatch(id -> id.contains("@")), "versions are filtered in the features jar");
        assertEquals("5", p.frameworkProperties().get("org.osgi.framework.startlevel.beginning"));
        assertEquals(Set.of("devices"), p.domainNames());
        assertEquals(Boolean.TRUE, p.configurations().get("hw.console").get("echo"), "typed variable substitution");
    }

    @Test
    void everyShippedProfileLoads() {
        for (String name : List.of("monolithic", "microkernel", "library")) {
            assertEquals(name, Profile.load(List.of(name)).name());
        }
    }

    @Test
    void unknownProfileNamesTheKnownOnes() {
        ProfileException e = assertThrows(ProfileException.class, () -> Profile.load(List.of("nosuch")));
        assertEquals(ProfileException.Kind.INVALID, e.kind());
        assertTrue(e.getMessage().startsWith("unknown feature 'nosuch' (known: "), e.getMessage());
        assertTrue(e.getMessage().contains("microkernel"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() {
        ProfileException e = assertThrows(ProfileException.class, () -> Profile.load(List.of(dir + "/none.json")));
        assertEquals("feature file " + dir + "/none.json not found", e.getMessage());
    }

    @Test
    void mergesInOrder() throws Exception {
        Path a = Features.write(dir, "a.json", """
                {'id': 'g:a:1', 'variables': {'x': 1, 'y': 'one'},
                 'bundles': [{'id': 'g:b1:1', 'start-order': 1}, {'id': 'g:b2:1', 'start-order': 2}],
                 'configurations': {'p': {'k': 'a', 'only.in.a': true}, 'q': {'k': 'q'}},
                 'extensions': {'framework-launching-properties': {'type': 'JSON', 'kind': 'mandatory',
                    'json': {'f1': 'a', 'f2': 'a'}}}}
                """);
        Path b = Features.write(dir, "b.json", """
                {'id': 'g:b:1', 'variables': {'y': 'two', 'z': true},
                 'bundles': [{'id': 'g:b2:1', 'start-order': 3}, {'id': 'g:b3:1'}],
                 'configurations': {'p': {'k': 'b'}},
                 'extensions': {'framework-launching-properties': {'type': 'JSON', 'kind': 'mandatory',
                    'json': {'f2': 'b', 'n': 7}}}}
                """);
        Profile p = Profile.load(List.of(a.toString(), b.toString()));
        assertEquals("a+b", p.name());
        assertEquals(List.of("g:b1:1", "g:b2:1", "g:b3:1"), p.bundleIds());
        assertEquals(Map.of("k", "b"), p.configurations().get("p"), "a later configuration replaces the earlier one");
        assertEquals(Map.of("k", "q"), p.configurations().get("q"));
        assertEquals(Map.of("f1", "a", "f2", "b", "n", "7"), p.frameworkProperties());
        assertEquals(Map.of("x", 1L, "y", "two", "z", true), p.variables());
    }

    @Test
    void sameBundleAtTwoVersionsIsAConflictNamingBoth() throws Exception {
        Path a = Features.write(dir, "a.json", "{'id': 'g:a:1', 'bundles': [{'id': 'g:lib:1'}]}");
        Path b = Features.write(dir, "b.json", "{'id': 'g:b:1', 'bundles': [{'id': 'g:lib:2'}]}");
        ProfileException e = assertThrows(ProfileException.class, () -> Profile.load(List.of(a.toString(), b.toString())));
        assertEquals("bundle conflict: g:lib:1 (in a) and g:lib:2 (in b)", e.getMessage());
    }

    @Test
    void malformedJsonNamesFileAndPosition() throws Exception {
        Path f = Features.write(dir, "bad.json", "{'id': 'g:a:1',\n 'bundles': [");
        ProfileException e = assertThrows(ProfileException.class, () -> Profile.load(List.of(f.toString())));
        assertEquals(ProfileException.Kind.INVALID, e.kind());
        assertTrue(e.getMessage().startsWith(f + ":2:"), e.getMessage());
        assertTrue(e.getMessage().contains("malformed JSON"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void wrongShapeNamesTheField() throws Exception {
        Path noId = Features.write(dir, "noid.json", "{'bundles': []}");
        assertEquals(noId + ": missing \"id\"",
                assertThrows(ProfileException.class, () -> Profile.load(List.of(noId.toString()))).getMessage());
        Path badBundle = Features.write(dir, "bb.json", "{'id': 'g:a:1', 'bundles': [{'start-order': 1}]}");
        assertEquals(badBundle + ": missing \"bundles[0].id\"",
                assertThrows(ProfileException.class, () -> Profile.load(List.of(badBundle.toString()))).getMessage());
        Path array = Features.write(dir, "arr.json", "[1]");
        assertEquals(array + ": a feature is a JSON object, not an array",
                assertThrows(ProfileException.class, () -> Profile.load(List.of(array.toString()))).getMessage());
    }

    @Test
    void unsupportedMandatoryExtensionIsRefused() throws Exception {
        Path f = Features.write(dir, "ext.json", """
                {'id': 'g:a:1', 'extensions': {'weird': {'type': 'TEXT', 'kind': 'mandatory', 'text': ['x']}}}
                """);
        assertEquals(f + ": mandatory extension 'weird' is not supported",
                assertThrows(ProfileException.class, () -> Profile.load(List.of(f.toString()))).getMessage());
    }

    @Test
    void malformedAssignmentIsRefused() {
        assertEquals(Map.of("a", "b=c"), Profile.parseAssignments(List.of("a=b=c")));
        ProfileException e = assertThrows(ProfileException.class, () -> Profile.parseAssignments(List.of("novalue")));
        assertEquals("malformed variable 'novalue': expected NAME=VALUE", e.getMessage());
    }

    @Test
    void aBadDescriptorStopsTheBootNamingTheField() throws Exception {
        Path overlay = dir.resolve("bad-placement.json");
        java.nio.file.Files.writeString(overlay, """
                {"feature-resource-version": "1.0", "id": "org.example:bad:osgifeature:1",
                 "bundles": [],
                 "configurations": {"org.anykernel.domain~chr": {"placement": "orbital", "components": ["char-std"]}}}
                """);
        ProfileException e = assertThrows(ProfileException.class,
                () -> Profile.load(List.of("microkernel", overlay.toString())).checkDescriptors());
        assertEquals(ProfileException.Kind.INVALID, e.kind());
        assertEquals("profile microkernel+bad-placement: domain chr: field 'placement': unknown placement 'orbital' "
                + "(expected one of colocated, isolated, library)", e.getMessage());
        for (String p : List.of("monolithic", "microkernel", "library")) {
            Profile.load(List.of(p)).checkDescriptors();
        }
    }
}
