package dev.parley.presence.model;

import java.util.Map;
import java.util.TreeMap;

/** Limits on the small custom metadata a member carries (e.g. display name, avatar URL). */
public final class Meta {

    public static final int MAX_ENTRIES = 16;
    public static final int MAX_KEY = 64;
    public static final int MAX_VALUE = 512;

    private Meta() {
    }

    /** Returns an immutable, ordered copy or throws IllegalArgumentException saying what is too big. */
    public static Map<String, String> check(Map<String, String> meta) {
        if (meta == null) {
            return Map.of();
        }
        if (meta.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("meta has more than " + MAX_ENTRIES + " entries");
        }
        TreeMap<String, String> copy = new TreeMap<>();
        for (Map.Entry<String, String> e : meta.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty() || e.getKey().length() > MAX_KEY) {
                throw new IllegalArgumentException("meta keys must be 1.." + MAX_KEY + " characters");
            }
            if (e.getValue() == null || e.getValue().length() > MAX_VALUE) {
                throw new IllegalArgumentException("meta values must be 0.." + MAX_VALUE + " characters");
            }
            copy.put(e.getKey(), e.getValue());
        }
        return java.util.Collections.unmodifiableMap(copy);
    }
}
