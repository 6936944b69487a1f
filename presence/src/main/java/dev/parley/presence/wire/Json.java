package dev.parley.presence.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/** The module's one ObjectMapper and the metadata (string map) codec. */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() { };

    private Json() {
    }

    public static String encodeMeta(Map<String, String> meta) {
        try {
            return MAPPER.writeValueAsString(meta);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Decodes a string map; throws IllegalArgumentException for anything else. */
    public static Map<String, String> decodeMeta(String json) {
        if (json == null || json.isEmpty()) {
            return Map.of();
        }
        try {
            Map<String, String> m = MAPPER.readValue(json, STRING_MAP);
            return m == null ? Map.of() : m;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("meta must be a JSON object of strings");
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
