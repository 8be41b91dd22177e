package org.anykernel.testing.exam;

import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/** A flat JSON object of a feature extension, read with the Jakarta JSON implementation. */
final class JsonObjects {
    private JsonObjects() {
    }

    static Map<String, Object> parse(String json) {
        Map<String, Object> out = new LinkedHashMap<>();
        try (JsonReader r = Json.createReader(new StringReader(json))) {
            JsonObject o = r.readObject();
            for (Map.Entry<String, JsonValue> e : o.entrySet()) {
                JsonValue v = e.getValue();
                out.put(e.getKey(), v instanceof JsonString s ? s.getString() : v.toString());
            }
        }
        return out;
    }
}
