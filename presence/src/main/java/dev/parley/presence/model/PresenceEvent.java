package dev.parley.presence.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an SSE client receives. Every event carries the {@link EventId} of its channel's log; a
 * {@link Snapshot}'s id is the log position it reflects, so events after it apply on top.
 */
public sealed interface PresenceEvent {

    EventId id();

    Channel channel();

    /** SSE event name. */
    String type();

    /** A user's first connection in a room arrived. */
    record Join(EventId id, String room, String userId, Map<String, String> meta) implements PresenceEvent {
        public Join {
            meta = Map.copyOf(meta);
        }

        public Channel channel() {
            return Channel.room(room);
        }

        public String type() {
            return "join";
        }
    }

    /** A user's last connection in a room left and the grace period passed (or its node died). */
    record Leave(EventId id, String room, String userId) implements PresenceEvent {
        public Channel channel() {
            return Channel.room(room);
        }

        public String type() {
            return "leave";
        }
    }

    /** A user's status changed; {@code room} is set when the event belongs to a room's log. */
    record Status(EventId id, String room, String userId, UserStatus status, long lastSeen) implements PresenceEvent {
        public Status {
            Objects.requireNonNull(status, "status");
        }

        public Channel channel() {
            return room == null ? Channel.USERS : Channel.room(room);
        }

        public String type() {
            return "status";
        }
    }

    /**
     * The whole state of a channel at {@code id}: members of a room, or the watched users.
     * {@code fresh} is true when it replaces a resume that could not be replayed (history lost).
     */
    record Snapshot(EventId id, Channel channel, List<Member> members, List<UserPresence> users, boolean fresh)
            implements PresenceEvent {
        public Snapshot {
            members = List.copyOf(members);
            users = List.copyOf(users);
        }

        public Snapshot asFresh(boolean f) {
            return new Snapshot(id, channel, members, users, f);
        }

        public String type() {
            return "snapshot";
        }
    }
}
