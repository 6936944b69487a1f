package dev.parley.presence;

import java.util.LinkedHashMap;
import java.util.Map;

/** A connection served by this node, as signaling reported it: the node's own truth, re-registered after outages. */
final class LocalConnection {

    final String connectionId;
    final String userId;
    final Map<String, Map<String, String>> rooms = new LinkedHashMap<>();

    LocalConnection(String connectionId, String userId) {
        this.connectionId = connectionId;
        this.userId = userId;
    }
}
