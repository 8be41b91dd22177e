package org.anykernel.launcher;

import java.io.StringReader;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.JsonValue.ValueType;
import jakarta.json.stream.JsonLocation;
import jakarta.json.stream.JsonParsingException;

/**
 * Checks that a feature file is well-formed JSON of the shape of an OSGi Feature (Compendium R8, 159)
 * before the feature service reads it: that service reports a missing {@code id} as a
 * {@code NullPointerException}, and we want one line naming the file and the field.
 */
final class FeatureShape {
    private FeatureShape() {
    }

    /** @throws ProfileException naming {@code origin} and what is wrong */
    static void check(String origin, String json) {
        JsonValue root;
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            root = reader.readValue();
        } catch (JsonParsingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? origin : origin + ":" + at.getLineNumber() + ":" + at.getColumnNumber();
            throw ProfileException.invalid(where + ": malformed JSON: " + firstSentence(e.getMessage()));
        } catch (JsonException e) {
            throw ProfileException.invalid(origin + ": malformed JSON: " + firstSentence(e.getMessage()));
        }
        if (root.getValueType() != ValueType.OBJECT) {
            throw bad(origin, "a feature is a JSON object, not " + kind(root));
        }
        JsonObject f = root.asJsonObject();
        expect(origin, f, "id", ValueType.STRING, true);
        expect(origin, f, "name", ValueType.STRING, false);
        expect(origin, f, "variables", ValueType.OBJECT, false);
        expect(origin, f, "configurations", ValueType.OBJECT, false);
        expect(origin, f, "extensions", ValueType.OBJECT, false);
        if (expect(origin, f, "bundles", ValueType.ARRAY, false)) {
            int i = 0;
            for (JsonValue b : f.getJsonArray("bundles")) {
                String where = "bundles[" + i++ + "]";
                if (b.getValueType() != ValueType.OBJECT) {
                    throw bad(origin, where + " must be an object with an \"id\", not " + kind(b));
                }
                expect(origin, b.asJsonObject(), where, "id", ValueType.STRING, true);
                expect(origin, b.asJsonObject(), where, "start-order", ValueType.NUMBER, false);
            }
        }
        if (f.containsKey("configurations")) {
            f.getJsonObject("configurations").forEach((pid, c) -> {
                if (c.getValueType() != ValueType.OBJECT) {
                    throw bad(origin, "configurations." + pid + " must be an object, not " + kind(c));
                }
            });
        }
        if (f.containsKey("extensions")) {
            f.getJsonObject("extensions").forEach((name, e) -> {
                if (e.getValueType() != ValueType.OBJECT) {
                    throw bad(origin, "extensions." + name + " must be an object, not " + kind(e));
                }
            });
        }
    }

    private static boolean expect(String origin, JsonObject o, String key, ValueType type, boolean required) {
        return expect(origin, o, null, key, type, required);
    }

    private static boolean expect(String origin, JsonObject o, String parent, String key, ValueType type, boolean required) {
        String name = parent == null ? key : parent + "." + key;
        JsonValue v = o.get(key);
        if (v == null) {
            if (required) {
                throw bad(origin, "missing \"" + name + "\"");
            }
            return false;
        }
        if (v.getValueType() != type) {
            throw bad(origin, "\"" + name + "\" must be " + article(type) + ", not " + kind(v));
        }
        return true;
    }

    private static ProfileException bad(String origin, String what) {
        return ProfileException.invalid(origin + ": " + what);
    }

    private static String article(ValueType type) {
        return switch (type) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            default -> type.name().toLowerCase();
        };
    }

    private static String kind(JsonValue v) {
        return switch (v.getValueType()) {
            case TRUE, FALSE -> "a boolean";
            case NULL -> "null";
            default -> article(v.getValueType());
        };
    }

    /** Parsson's messages repeat the location and list every expected token: keep the gist. */
    private static String firstSentence(String message) {
        if (message == null) {
            return "unreadable";
        }
        int at = message.indexOf(" at (line no=");
        return at > 0 ? message.substring(0, at) : message;
    }
}
