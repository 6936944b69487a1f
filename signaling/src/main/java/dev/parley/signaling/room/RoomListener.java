package dev.parley.signaling.room;

/** Told when this node starts and stops holding a room (first local member or pending join, last one gone). */
public interface RoomListener {

    void opened(String room);

    void closed(String room);

    /**
     * An operator broadcast to a room this node holds (cluster mode forwards it to the other nodes),
     * with the cluster message id its local deliveries carried.
     */
    default void broadcast(String room, com.fasterxml.jackson.databind.JsonNode d, String id) {
    }

    /** A cluster-wide id for a message about to be delivered here and published (null: single node). */
    default String nextId() {
        return null;
    }

    RoomListener NONE = new RoomListener() {
        @Override public void opened(String room) { }
        @Override public void closed(String room) { }
    };
}
