package dev.parley.presence.model;

import java.util.Locale;

/** A user's status as other users see it. Wire form: lower case ({@code "online"}). */
public enum UserStatus {
    ONLINE, AWAY, OFFLINE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the wire form; throws IllegalArgumentException naming the allowed values. */
    public static UserStatus parse(String s) {
        if (s != null) {
            for (UserStatus v : values()) {
                if (v.wire().equals(s.trim().toLowerCase(Locale.ROOT))) {
                    return v;
                }
            }
        }
        throw new IllegalArgumentException("status must be one of online, away, offline");
    }
}
