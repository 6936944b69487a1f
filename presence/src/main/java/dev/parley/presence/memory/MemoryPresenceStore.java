package dev.parley.presence.memory;

import dev.parley.presence.model.Channel;
import dev.parley.presence.model.EventId;
import dev.parley.presence.model.Member;
import dev.parley.presence.model.PresenceEvent;
import dev.parley.presence.model.UserPresence;
import dev.parley.presence.model.UserStatus;
import dev.parley.presence.store.History;
import dev.parley.presence.store.NodeConnection;
import dev.parley.presence.store.PresenceStore;
import dev.parley.presence.store.StoreListener;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * {@link PresenceStore} in this process's memory: one lock, plain maps. Events are handed to the
 * listener under the lock, so they arrive in log order. Each channel log gets a new random epoch
 * when it is created, so a log that was dropped (its room emptied) never replays another's events.
 */
public final class MemoryPresenceStore implements PresenceStore {

    private static final class UserState {
        int connections;
        UserStatus status = UserStatus.OFFLINE;
        UserStatus chosen = UserStatus.ONLINE;
        long lastSeen;
        long deadline;
        final Set<String> rooms = new LinkedHashSet<>();
    }

    private static final class MemberState {
        int connections;
        Map<String, String> meta;
        long deadline;
    }

    private static final class Room {
        final Map<String, MemberState> members = new TreeMap<>();
        final Map<String, String> connections = new HashMap<>();
    }

    private static final class NodeConn {
        final String userId;
        final Set<String> rooms = new LinkedHashSet<>();

        NodeConn(String userId) {
            this.userId = userId;
        }
    }

    /** The position of a channel that has no log yet; resuming from it yields a fresh snapshot. */
    private static final EventId NO_LOG = new EventId("none", 0);

    private final ReentrantLock lock = new ReentrantLock();
    private final int logBound;
    private final Map<Channel, ChannelLog> logs = new HashMap<>();
    private final Map<String, Room> rooms = new HashMap<>();
    private final Map<String, UserState> users = new HashMap<>();
    private final Map<String, String> userConnections = new HashMap<>();
    private final Map<String, Long> leases = new HashMap<>();
    private final Map<String, Long> reaping = new HashMap<>();
    private final Map<String, Map<String, NodeConn>> nodeConnections = new HashMap<>();
    private final Set<Channel> subscribed = ConcurrentHashMap.newKeySet();
    private volatile StoreListener listener;

    /** @param logBound events kept per channel for replay */
    public MemoryPresenceStore(int logBound) {
        if (logBound < 1) {
            throw new IllegalArgumentException("logBound < 1");
        }
        this.logBound = logBound;
    }

    @Override
    public void start() {
    }

    @Override
    public void close() {
        subscribed.clear();
    }

    @Override
    public boolean isHealthy() {
        return true;
    }

    @Override
    public void setListener(StoreListener listener) {
        this.listener = listener;
    }

    @Override
    public CompletionStage<Void> subscribe(Channel channel) {
        subscribed.add(channel);
        return done(null);
    }

    @Override
    public CompletionStage<Void> unsubscribe(Channel channel) {
        subscribed.remove(channel);
        return locked(() -> {
            if (channel.kind() == Channel.Kind.ROOM && !rooms.containsKey(channel.room())) {
                logs.remove(channel);   // nobody watches an empty room: forget its log
            }
            return null;
        });
    }

    @Override
    public CompletionStage<Void> connect(String nodeId, String connectionId, String userId, long now) {
        return locked(() -> {
            nodeConn(nodeId, connectionId, userId);
            if (userConnections.putIfAbsent(connectionId, userId) != null) {
                return null;
            }
            UserState u = users.computeIfAbsent(userId, k -> new UserState());
            u.connections++;
            u.deadline = 0;
            if (u.status == UserStatus.OFFLINE) {
                u.status = u.chosen;
                u.lastSeen = now;
                emitStatus(userId, u);
            }
            return null;
        });
    }

    @Override
    public CompletionStage<Void> disconnect(String nodeId, String connectionId, long deadline) {
        return locked(() -> {
            Map<String, NodeConn> nc = nodeConnections.get(nodeId);
            if (nc != null) {
                nc.remove(connectionId);
            }
            String userId = userConnections.remove(connectionId);
            if (userId == null) {
                return null;
            }
            UserState u = users.get(userId);
            if (--u.connections <= 0) {
                u.connections = 0;
                u.deadline = deadline;
            }
            return null;
        });
    }

    @Override
    public CompletionStage<Void> join(String nodeId, String connectionId, String userId, String room,
                                      Map<String, String> meta, long now) {
        return locked(() -> {
            nodeConn(nodeId, connectionId, userId).rooms.add(room);
            Room r = rooms.computeIfAbsent(room, k -> new Room());
            if (r.connections.putIfAbsent(connectionId, userId) != null) {
                return null;
            }
            MemberState m = r.members.get(userId);
            if (m == null) {
                m = new MemberState();
                m.meta = Map.copyOf(meta);
                r.members.put(userId, m);
                users.computeIfAbsent(userId, k -> new UserState()).rooms.add(room);
                ChannelLog log = log(Channel.room(room));
                append(log, new PresenceEvent.Join(log.nextId(), room, userId, m.meta));
            }
            m.connections++;
            m.deadline = 0;
            return null;
        });
    }

    @Override
    public CompletionStage<Void> leave(String nodeId, String connectionId, String room, long deadline) {
        return locked(() -> {
            Map<String, NodeConn> nc = nodeConnections.get(nodeId);
            if (nc != null && nc.get(connectionId) != null) {
                nc.get(connectionId).rooms.remove(room);
            }
            Room r = rooms.get(room);
            String userId = r == null ? null : r.connections.remove(connectionId);
            if (userId == null) {
                return null;
            }
            MemberState m = r.members.get(userId);
            if (--m.connections <= 0) {
                m.connections = 0;
                m.deadline = deadline;
            }
            return null;
        });
    }

    @Override
    public CompletionStage<Void> setStatus(String userId, UserStatus status, long now) {
        if (status == UserStatus.OFFLINE) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("status must be online or away"));
        }
        return locked(() -> {
            UserState u = users.get(userId);
            if (u == null || u.status == UserStatus.OFFLINE) {
                return null;
            }
            u.chosen = status;
            if (u.status != status) {
                u.status = status;
                u.lastSeen = now;
                emitStatus(userId, u);
            }
            return null;
        });
    }

    @Override
    public CompletionStage<Integer> expireDue(long now) {
        return locked(() -> {
            int n = 0;
            for (Iterator<Map.Entry<String, Room>> it = rooms.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Room> re = it.next();
                for (Iterator<Map.Entry<String, MemberState>> mi = re.getValue().members.entrySet().iterator(); mi.hasNext(); ) {
                    Map.Entry<String, MemberState> me = mi.next();
                    MemberState m = me.getValue();
                    if (m.connections == 0 && m.deadline > 0 && m.deadline <= now) {
                        mi.remove();
                        UserState u = users.get(me.getKey());
                        if (u != null) {
                            u.rooms.remove(re.getKey());
                        }
                        ChannelLog log = log(Channel.room(re.getKey()));
                        append(log, new PresenceEvent.Leave(log.nextId(), re.getKey(), me.getKey()));
                        n++;
                    }
                }
                if (re.getValue().members.isEmpty() && re.getValue().connections.isEmpty()) {
                    it.remove();
                    if (!subscribed.contains(Channel.room(re.getKey()))) {
                        logs.remove(Channel.room(re.getKey()));   // a later resume gets a fresh snapshot
                    }
                }
            }
            for (Map.Entry<String, UserState> ue : users.entrySet()) {
                UserState u = ue.getValue();
                if (u.connections == 0 && u.deadline > 0 && u.deadline <= now) {
                    u.deadline = 0;
                    u.status = UserStatus.OFFLINE;
                    u.chosen = UserStatus.ONLINE;
                    u.lastSeen = now;
                    emitStatus(ue.getKey(), u);
                    n++;
                }
            }
            return n;
        });
    }

    @Override
    public CompletionStage<PresenceEvent.Snapshot> snapshot(Channel channel, Collection<String> userIds) {
        return locked(() -> {
            // queries of rooms nobody watches must not create logs (GET of arbitrary names costs nothing)
            ChannelLog existing = logs.get(channel);
            EventId id = existing != null ? existing.position()
                    : subscribed.contains(channel) ? log(channel).position() : NO_LOG;
            if (channel.kind() == Channel.Kind.USERS) {
                List<UserPresence> out = new ArrayList<>();
                for (String u : new LinkedHashSet<>(userIds)) {
                    out.add(presence(u));
                }
                return new PresenceEvent.Snapshot(id, channel, List.of(), out, false);
            }
            List<Member> members = new ArrayList<>();
            Room r = rooms.get(channel.room());
            if (r != null) {
                for (Map.Entry<String, MemberState> e : r.members.entrySet()) {
                    UserPresence p = presence(e.getKey());
                    members.add(new Member(e.getKey(), e.getValue().connections, e.getValue().meta, p.status(), p.lastSeen()));
                }
            }
            return new PresenceEvent.Snapshot(id, channel, members, List.of(), false);
        });
    }

    @Override
    public CompletionStage<History> history(Channel channel, EventId after) {
        return locked(() -> {
            ChannelLog log = logs.get(channel);
            return log == null ? History.LOST : log.after(after);
        });
    }

    @Override
    public CompletionStage<Boolean> heartbeat(String nodeId, long expiresAt) {
        return locked(() -> leases.put(nodeId, expiresAt) == null);
    }

    @Override
    public CompletionStage<List<String>> claimExpiredNodes(long now, long claimUntil) {
        return locked(() -> {
            List<String> claimed = new ArrayList<>();
            for (Iterator<Map.Entry<String, Long>> it = leases.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Long> e = it.next();
                if (e.getValue() < now) {
                    it.remove();
                    reaping.put(e.getKey(), claimUntil);
                    claimed.add(e.getKey());
                }
            }
            for (Map.Entry<String, Long> e : reaping.entrySet()) {
                if (e.getValue() < now) {
                    e.setValue(claimUntil);
                    claimed.add(e.getKey());
                }
            }
            return claimed;
        });
    }

    @Override
    public CompletionStage<List<NodeConnection>> nodeConnections(String nodeId) {
        return locked(() -> {
            List<NodeConnection> out = new ArrayList<>();
            nodeConnections.getOrDefault(nodeId, Map.of()).forEach((id, c) -> out.add(new NodeConnection(id, c.userId, c.rooms)));
            return out;
        });
    }

    @Override
    public CompletionStage<Void> removeNode(String nodeId) {
        return locked(() -> {
            leases.remove(nodeId);
            reaping.remove(nodeId);
            nodeConnections.remove(nodeId);
            return null;
        });
    }

    private NodeConn nodeConn(String nodeId, String connectionId, String userId) {
        return nodeConnections.computeIfAbsent(nodeId, k -> new HashMap<>())
                .computeIfAbsent(connectionId, k -> new NodeConn(userId));
    }

    private UserPresence presence(String userId) {
        UserState u = users.get(userId);
        return u == null ? UserPresence.unknown(userId) : new UserPresence(userId, u.status, u.connections, u.lastSeen);
    }

    private void emitStatus(String userId, UserState u) {
        ChannelLog ul = log(Channel.USERS);
        append(ul, new PresenceEvent.Status(ul.nextId(), null, userId, u.status, u.lastSeen));
        for (String room : u.rooms) {
            ChannelLog rl = log(Channel.room(room));
            append(rl, new PresenceEvent.Status(rl.nextId(), room, userId, u.status, u.lastSeen));
        }
    }

    private ChannelLog log(Channel c) {
        return logs.computeIfAbsent(c, k -> new ChannelLog(logBound));
    }

    private void append(ChannelLog log, PresenceEvent e) {
        log.append(e);
        StoreListener l = listener;
        if (l != null && subscribed.contains(e.channel())) {
            l.onEvent(e);
        }
    }

    private <T> CompletionStage<T> locked(Supplier<T> body) {
        lock.lock();
        try {
            return done(body.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            lock.unlock();
        }
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
