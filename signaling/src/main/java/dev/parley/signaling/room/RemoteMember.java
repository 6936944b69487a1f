package dev.parley.signaling.room;

import com.fasterxml.jackson.databind.JsonNode;

/** A member of a room connected to another node, as that node announced it on the cluster bus. */
public record RemoteMember(String peerId, String userId, JsonNode meta, String nodeId) { }
