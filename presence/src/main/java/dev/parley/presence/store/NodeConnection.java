package dev.parley.presence.store;

import java.util.Set;

/** What a store knows about one connection of a node: its user and the rooms it is in. */
public record NodeConnection(String connectionId, String userId, Set<String> rooms) {

    public NodeConnection {
        rooms = Set.copyOf(rooms);
    }
}
