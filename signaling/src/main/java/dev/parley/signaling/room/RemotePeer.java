package dev.parley.signaling.room;

import com.fasterxml.jackson.databind.JsonNode;

/** A member of a room connected to another node, as this node knows it. */
public record RemotePeer(String peerId, String userId, JsonNode meta, String node, long order) {
}
