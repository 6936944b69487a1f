package dev.parley.presence.model;

import java.util.Objects;

/** A user's status, live connection count (all nodes) and last-seen time (epoch millis; 0 = never). */
public record UserPresence(String userId, UserStatus status, int connections, long lastSeen) {

    public UserPresence {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(status, "status");
    }

    public static UserPresence unknown(String userId) {
        return new UserPresence(userId, UserStatus.OFFLINE, 0, 0);
    }
}
