package dev.parley.signaling.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link RoomDirectory} in this JVM's memory, shared by several in-process nodes (tests, and an
 * in-JVM cluster bus). Same semantics as the Redis one; parked sessions do not expire.
 */
public final class MemoryRoomDirectory implements RoomDirectory {

    private final Duration leaseTtl;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Map<String, Entry>> rooms = new HashMap<>();
    private final Map<String, Long> orders = new HashMap<>();
    private final Map<String, Long> leases = new HashMap<>();
    private final Map<String, Set<RoomPeer>> owned = new HashMap<>();
    private final Map<String, String> parked = new HashMap<>();

    public MemoryRoomDirectory(Duration leaseTtl) {
        this.leaseTtl = leaseTtl;
    }

    @Override
    public Duration leaseTtl() {
        return leaseTtl;
    }

    private <T> CompletionStage<T> locked(java.util.function.Supplier<T> body) {
        lock.lock();
        try {
            return CompletableFuture.completedFuture(body.get());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public CompletionStage<JoinOutcome> join(String room, String peerId, String userId, String metaJson, String node,
                                             int maxPeers) {
        return locked(() -> {
            Map<String, Entry> m = rooms.computeIfAbsent(room, r -> new LinkedHashMap<>());
            if (m.containsKey(peerId)) {
                return new JoinOutcome(JoinStatus.ALREADY, 0, List.of());
            }
            if (m.size() >= maxPeers) {
                return new JoinOutcome(JoinStatus.FULL, 0, List.of());
            }
            long order = orders.merge(room, 1L, Long::sum);
            m.put(peerId, new Entry(peerId, userId, metaJson, node, order));
            owned.computeIfAbsent(node, n -> new LinkedHashSet<>()).add(new RoomPeer(room, peerId));
            return new JoinOutcome(JoinStatus.JOINED, order, new ArrayList<>(m.values()));
        });
    }

    @Override
    public CompletionStage<Void> put(String room, Entry e) {
        return locked(() -> {
            rooms.computeIfAbsent(room, r -> new LinkedHashMap<>()).put(e.peerId(), e);
            orders.merge(room, e.order(), Math::max);
            owned.computeIfAbsent(e.node(), n -> new LinkedHashSet<>()).add(new RoomPeer(room, e.peerId()));
            return null;
        });
    }

    @Override
    public CompletionStage<Void> leave(String room, String peerId, String node) {
        return locked(() -> {
            removeIfOwned(room, peerId, node);
            Set<RoomPeer> o = owned.get(node);
            if (o != null) {
                o.remove(new RoomPeer(room, peerId));
            }
            return null;
        });
    }

    private boolean removeIfOwned(String room, String peerId, String node) {
        Map<String, Entry> m = rooms.get(room);
        boolean removed = false;
        if (m != null) {
            Entry e = m.get(peerId);
            if (e != null && e.node().equals(node)) {
                m.remove(peerId);
                removed = true;
            }
            if (m.isEmpty()) {
                rooms.remove(room);
            }
        }
        return removed;
    }

    @Override
    public CompletionStage<List<Entry>> members(String room) {
        return locked(() -> new ArrayList<>(rooms.getOrDefault(room, Map.of()).values()));
    }

    @Override
    public CompletionStage<Entry> member(String room, String peerId) {
        return locked(() -> rooms.getOrDefault(room, Map.of()).get(peerId));
    }

    @Override
    public CompletionStage<RoomPage> rooms(String after, int limit) {
        return locked(() -> {
            java.util.TreeMap<String, Map<String, Entry>> sorted = new java.util.TreeMap<>(rooms);
            var tail = after == null ? sorted : sorted.tailMap(after, false);
            List<RoomCount> out = new ArrayList<>();
            String last = null;
            for (var e : tail.entrySet()) {
                if (out.size() >= limit) {
                    return new RoomPage(out, last);
                }
                last = e.getKey();
                Map<String, Integer> nodes = new LinkedHashMap<>();
                e.getValue().values().forEach(m -> nodes.merge(m.node(), 1, Integer::sum));
                if (!nodes.isEmpty()) {
                    out.add(new RoomCount(e.getKey(), nodes));
                }
            }
            return new RoomPage(out, null);
        });
    }

    @Override
    public CompletionStage<List<RoomPeer>> owned(String node) {
        return locked(() -> new ArrayList<>(owned.getOrDefault(node, Set.of())));
    }

    @Override
    public CompletionStage<Boolean> renew(String node, long expiresAtMs) {
        return locked(() -> leases.put(node, expiresAtMs) != null);
    }

    @Override
    public CompletionStage<Map<String, Long>> leases() {
        return locked(() -> new HashMap<>(leases));
    }

    @Override
    public CompletionStage<List<RoomPeer>> reap(String node, long nowMs) {
        return locked(() -> {
            Long exp = leases.get(node);
            if (exp == null || exp >= nowMs) {
                return List.of();
            }
            leases.remove(node);
            List<RoomPeer> peers = new ArrayList<>();
            for (RoomPeer rp : owned.getOrDefault(node, Set.of())) {
                if (removeIfOwned(rp.room(), rp.peerId(), node)) {
                    peers.add(rp);   // not one that moved to another node meanwhile
                }
            }
            owned.remove(node);
            return peers;
        });
    }

    @Override
    public CompletionStage<Void> park(String sessionId, String state, Duration ttl) {
        return locked(() -> {
            parked.put(sessionId, state);
            return null;
        });
    }

    @Override
    public CompletionStage<String> unpark(String sessionId) {
        return locked(() -> parked.remove(sessionId));
    }

    /** Shared by several nodes: closing one of them must not clear it. */
    @Override
    public void close() {
    }
}
