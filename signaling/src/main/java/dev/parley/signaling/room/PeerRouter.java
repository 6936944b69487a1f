package dev.parley.signaling.room;

import java.util.Collection;
import java.util.Optional;

/**
 * Finds peers and delivers directed messages to them, on this node or, through the cluster bus, on
 * another one. Room fan-out goes through {@link RoomRegistry}; everything addressed to one peer goes
 * through here.
 */
public interface PeerRouter extends AutoCloseable {

    /** Makes a session reachable by its peer id (on every node, when the bus is distributed). */
    void register(Session session);

    void unregister(Session session);

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
