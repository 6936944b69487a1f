package dev.parley.presence.model;

import java.util.Objects;

/**
 * One event log: a room's membership ({@code room:R}) or the cluster-wide user-status log
 * ({@link #USERS}) that watchlist streams filter.
 */
public record Channel(Kind kind, String room) {

    public enum Kind { ROOM, USERS }

    public static final Channel USERS = new Channel(Kind.USERS, null);
    public static final int MAX_NAME = 128;

    public Channel {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.ROOM) {
            checkName(room, "room");
        } else if (room != null) {
            throw new IllegalArgumentException("users channel has no room");
        }
    }

    public static Channel room(String room) {
        return new Channel(Kind.ROOM, room);
    }

    /** Validates a room or user name: 1..128 chars, no control characters. */
    public static String checkName(String name, String what) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME) {
            throw new IllegalArgumentException(what + " must be 1.." + MAX_NAME + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw new IllegalArgumentException(what + " must not contain control characters");
            }
        }
        return name;
    }

    @Override
    public String toString() {
        return kind == Kind.ROOM ? "room:" + room : "users";
    }
}
