package dev.parley.signaling.room;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A local session's membership in one room, with the metadata it joined with and its join order
 * (a per-room counter; cluster-wide when rooms are shared through Redis).
 */
public record Member(Session session, JsonNode meta, long order) {

    public String peerId() {
        return session.peerId();
    }
}
