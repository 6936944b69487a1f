package dev.parley.signaling.room;

import com.fasterxml.jackson.databind.JsonNode;

/** A session's membership in one room, with the metadata it joined with. */
public record Member(Session session, JsonNode meta) {

    public String peerId() {
        return session.peerId();
    }
}
