package dev.parley.presence.model;

import java.util.Map;
import java.util.Objects;

/**
 * A user in a room. {@code connections} counts the user's live connections in the room (several
 * tabs are one member); 0 means the last one left and the grace period runs.
 */
public record Member(String userId, int connections, Map<String, String> meta, UserStatus status, long lastSeen) {

    public Member {
        Objects.requireNonNull(userId, "userId");
        meta = Map.copyOf(meta);
        Objects.requireNonNull(status, "status");
    }
}
