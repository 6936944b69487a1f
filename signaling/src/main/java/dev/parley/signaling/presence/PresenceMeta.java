package dev.parley.signaling.presence;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a {@code join.meta} object into the small string map presence keeps per member: only
 * top-level string/number/boolean fields, at most 16 entries, keys up to 64 and values up to 512
 * characters (longer ones are skipped, not cut), no control characters in keys.
 */
public final class PresenceMeta {

    public static final int MAX_ENTRIES = 16;
    public static final int MAX_KEY = 64;
    public static final int MAX_VALUE = 512;

    private PresenceMeta() {
    }

    public static Map<String, String> of(JsonNode meta) {
        Map<String, String> out = new LinkedHashMap<>();
        if (meta == null || !meta.isObject()) {
            return out;
        }
        Iterator<Map.Entry<String, JsonNode>> it = meta.fields();
        while (it.hasNext() && out.size() < MAX_ENTRIES) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            String k = e.getKey();
            if (!v.isValueNode() || v.isNull() || k.isEmpty() || k.length() > MAX_KEY || hasControl(k)) {
                continue;
            }
            String s = v.asText();
            if (s.length() <= MAX_VALUE) {
                out.put(k, s);
            }
        }
        return out;
    }

    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
