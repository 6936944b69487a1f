package dev.parley.signaling.room;

import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Finds peers and delivers directed messages to them, on this node or, through the cluster bus, on
 * another one. Room fan-out goes through {@link RoomRegistry}; everything addressed to one peer goes
 * through here.
 */
public interface PeerRouter extends AutoCloseable {

    /** Makes a session reachable by its peer id (on every node, when the bus is distributed). */
    void register(Session session);

    void unregister(Session session);

    /**
     * Completes once a registered peer's messages from other nodes are sure to arrive here (its bus
     * topic is subscribed). At once when the bus is not distributed.
     */
    default CompletionStage<Void> reachable(String peerId) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Publishes a marker on a peer's bus topic; every subscriber gets it after everything published on
     * that topic before it. Subscribers on this node report it to {@code onFence}.
     */
    default void fence(String peerId, String fenceId) {
    }

    /** The session of a peer connected to this node. */
    Optional<Session> local(String peerId);

    Collection<Session> localSessions();

    /** Outcome of a directed delivery. */
    enum Delivery { DELIVERED, FORWARDED, UNKNOWN_PEER }

    /**
     * Delivers an encoded (unstamped) sequenced message to a peer. Local peers get it at once; a peer
     * that is not local is tried on the other nodes when the bus is distributed.
     */
    Delivery deliver(String peerId, String encoded, String type);

    @Override
    void close();
}
