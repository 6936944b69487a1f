package dev.parley.signaling.compat.ywebsocket.room;

import java.util.function.Consumer;

/**
 * How rooms on several nodes stay one room: every document update and awareness change a node
 * accepts from its own clients is published, and the other nodes holding the room apply it and
 * pass it to their clients. {@link #NONE} for a single node;
 * {@code dev.parley.signaling.compat.ywebsocket.redis.RedisUpdateStore} over Redis pub/sub.
 * A node never receives its own messages.
 */
public interface RoomBus {

    /**
     * What travels between nodes: a document update, awareness states, or HELLO — "this node has
     * just subscribed to the room": the others answer with the awareness states of their clients.
     */
    enum Kind { UPDATE, AWARENESS, HELLO }

    /** @param payload a Yjs update, or an awareness update (y-protocols encoding) */
    record Message(Kind kind, byte[] payload) { }

    /**
     * Starts delivering the room's messages from other nodes to {@code listener}, off I/O threads,
     * and once subscribed publishes a HELLO so the others send their awareness states.
     */
    void subscribe(String room, Consumer<Message> listener);

    void unsubscribe(String room);

    void publish(String room, Message message);

    /** A single node: nothing to publish, nothing to receive. */
    RoomBus NONE = new RoomBus() {
        @Override
        public void subscribe(String room, Consumer<Message> listener) {
        }

        @Override
        public void unsubscribe(String room) {
        }

        @Override
        public void publish(String room, Message message) {
        }
    };
}
