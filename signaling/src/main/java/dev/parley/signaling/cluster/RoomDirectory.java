package dev.parley.signaling.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The cluster-wide truth about rooms, node leases and parked sessions, shared by every node (Redis:
 * {@code dev.parley.signaling.cluster.redis.RedisRoomDirectory}). Every call is asynchronous and
 * fails fast while the store is unreachable; callers degrade to local state and re-register later.
 */
public interface RoomDirectory extends AutoCloseable {

    /** A node that does not renew its lease this long is reaped. */
    Duration leaseTtl();

    /** One member of a room as the directory holds it. */
    record Entry(String peerId, String userId, String metaJson, String node, long order) { }

    /** A member of some room, as listed for a node. */
    record RoomPeer(String room, String peerId) { }

    /** Outcome of {@link #join}. */
    enum JoinStatus { JOINED, FULL, ALREADY }

    /** {@code members} includes the joiner; {@code order} is its join order. */
    record JoinOutcome(JoinStatus status, long order, List<Entry> members) { }

    /** Atomically adds a member unless it is there already or the room has {@code maxPeers}. */
    CompletionStage<JoinOutcome> join(String room, String peerId, String userId, String metaJson, String node,
                                      int maxPeers);

    /** Writes a member as is (re-registration, or a session that moved to {@code e.node()}). */
    CompletionStage<Void> put(String room, Entry e);

    /** Removes a member if {@code node} still owns it. */
    CompletionStage<Void> leave(String room, String peerId, String node);

    CompletionStage<List<Entry>> members(String room);

    /** One member, or null when {@code room} has no member {@code peerId}. */
    CompletionStage<Entry> member(String room, String peerId);

    /** A room with members, and how many of them each node holds. */
    record RoomCount(String room, Map<String, Integer> nodes) {
        public RoomCount {
            nodes = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(nodes));
        }

        public int peers() {
            return nodes.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /**
     * A page of {@link #rooms}; {@code next} is the name to pass as {@code after} for the next page,
     * null when this was the last one.
     */
    record RoomPage(List<RoomCount> rooms, String next) { }

    /**
     * The rooms that have members, in name order, from the first with a name after {@code after}
     * (null: from the first): at most {@code limit} of them. Read from an index the directory keeps
     * with every join, leave and reap, never from a scan of the store.
     */
    CompletionStage<RoomPage> rooms(String after, int limit);

    /** The members a node owns (for re-registration: drop those that left while the store was away). */
    CompletionStage<List<RoomPeer>> owned(String node);

    /** Sets this node's lease to expire at {@code expiresAtMs}; true when the lease existed before. */
    CompletionStage<Boolean> renew(String node, long expiresAtMs);

    /** Every node's lease expiry (epoch ms). */
    CompletionStage<Map<String, Long>> leases();

    /**
     * Claims an expired node (only one caller wins) and removes every member it still owns; returns
     * them (empty when someone else won or the lease is not expired).
     */
    CompletionStage<List<RoomPeer>> reap(String node, long nowMs);

    /** Parks a session's resume state for another node ({@code ttl}: the resume grace). */
    CompletionStage<Void> park(String sessionId, String state, Duration ttl);

    /** Takes (reads and deletes) a parked session's state; null when there is none. */
    CompletionStage<String> unpark(String sessionId);

    /** The cluster-wide PeerJS id table on the same store, or null when there is none (in memory). */
    default dev.parley.signaling.compat.peerjs.PeerjsDirectory peerjsIds() {
        return null;
    }

    @Override
    void close();
}
