package org.anykernel.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class VariablesTest {
    private static final String FEATURE = """
            {"id": "g:a:1",
             "variables": {"echo": true, "n": 3, "ratio": 0.5, "who": "world", "must": null},
             "configurations": {
               "p": {"echo": "${echo}", "n": "${n}", "ratio": "${ratio}", "text": "hello ${who}, n=${n}",
                     "list": ["${who}", "x"], "plain": 5}
             },
             "extensions": {"framework-launching-properties": {"type": "JSON", "kind": "mandatory",
               "json": {"greeting": "hi ${who}", "home": "${user.home}/x", "flag": "${echo}"}}}}
            """;

    private final Profile profile = Profile.parse("test", FEATURE);

    @Test
    void wholeStringReferenceKeepsTheJsonType() {
        Map<String, Object> p = profile.configurations().get("p");
        assertEquals(Boolean.TRUE, p.get("echo"));
        assertEquals(3L, p.get("n"));
        assertEquals(0.5, p.get("ratio"));
        assertEquals(5L, p.get("plain"));
    }

    @Test
    void referenceInsideTextIsReplacedByItsText() {
        Map<String, Object> p = profile.configurations().get("p");
        assertEquals("hello world, n=3", p.get("text"));
        assertArrayEquals(new String[] {"world", "x"}, (String[]) p.get("list"));
    }

    @Test
    void overridesTakeTheDefaultsType() {
        Map<String, Object> p = profile.withVariables(Map.of("echo", "false", "n", "12", "who", "you"))
                .configurations().get("p");
        assertEquals(Boolean.FALSE, p.get("echo"));
        assertEquals(12L, p.get("n"));
        assertEquals("hello you, n=12", p.get("text"));
    }

    @Test
    void unknownVariableListsTheDefinedOnes() {
        ProfileException e = assertThrows(ProfileException.class, () -> profile.withVariables(Map.of("x", "1")));
        assertEquals("unknown variable 'x' (profile defines: echo, n, ratio, who, must)", e.getMessage());
        assertEquals(ProfileException.Kind.INVALID, e.kind());
    }

    @Test
    void overrideOfTheWrongTypeIsRefused() {
        assertEquals("variable 'echo' expects true or false, got 'yes'",
                assertThrows(ProfileException.class, () -> profile.withVariables(Map.of("echo", "yes"))).getMessage());
        assertEquals("variable 'n' expects a number, got 'many'",
                assertThrows(ProfileException.class, () -> profile.withVariables(Map.of("n", "many"))).getMessage());
    }

    @Test
    void frameworkPropertiesLeaveOtherReferencesToTheFramework() {
        Map<String, String> f = profile.frameworkProperties();
        assertEquals("hi world", f.get("greeting"));
        assertEquals("${user.home}/x", f.get("home"));
        assertEquals("true", f.get("flag"));
    }

    @Test
    void configurationWithAnUndefinedVariableIsAnError() {
        Profile p = Profile.parse("t", """
                {"id": "g:a:1", "configurations": {"p": {"k": "${nope}"}}}
                """);
        assertEquals("configuration 'p' key 'k' uses undefined variable 'nope'",
                assertThrows(ProfileException.class, p::configurations).getMessage());
    }

    @Test
    void variableWithoutValueMustBeGiven() {
        Profile p = Profile.parse("t", """
                {"id": "g:a:1", "variables": {"must": null}, "configurations": {"p": {"k": "${must}"}}}
                """);
        assertEquals("configuration 'p' key 'k' uses variable 'must', which has no value: set it with -V must=VALUE",
                assertThrows(ProfileException.class, p::configurations).getMessage());
        assertEquals("given", p.withVariables(Map.of("must", "given")).configurations().get("p").get("k"));
    }

    @Test
    void variablesAreListedWithTheirTypes() {
        assertEquals(List.of("echo", "n", "ratio", "who", "must"), List.copyOf(profile.variables().keySet()));
        assertEquals(3L, profile.variables().get("n"));
    }
}
