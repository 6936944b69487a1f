package dev.parley.presence.redis;

import static dev.parley.presence.redis.RedisKeys.NODES;
import static dev.parley.presence.redis.RedisKeys.PENDING_ROOMS;
import static dev.parley.presence.redis.RedisKeys.REAPING;
import static dev.parley.presence.redis.RedisKeys.USERS_CHANNEL;
import static dev.parley.presence.redis.RedisKeys.nodeConns;
import static dev.parley.presence.redis.RedisKeys.nodeRooms;
import static dev.parley.presence.redis.RedisKeys.room;
import static dev.parley.presence.redis.RedisKeys.roomChannel;
import static dev.parley.presence.redis.RedisKeys.roomKeys;
import static dev.parley.presence.redis.RedisKeys.user;
import static dev.parley.presence.redis.RedisKeys.userRooms;

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
import dev.parley.presence.wire.Json;
import io.lettuce.core.Range;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.ZAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PresenceStore} on Redis. Each mutation is one Lua script over one hash tag (atomic, and
 * valid on Redis Cluster), plus at most two small index updates in other slots (the user's room
 * set, the node's connection index) pipelined on the same connection. The number of commands per
 * presence change does not depend on the size of the room.
 *
 * <p>Live events come from one pub/sub connection; its Netty thread only decodes the message and
 * hands it to the {@link StoreListener}. Lettuce re-subscribes after a reconnect; the listener's
 * {@code onReconnected} then lets the caller re-check what it may have missed.
 */
public final class RedisPresenceStore implements PresenceStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisPresenceStore.class);
    private static final long IDLE_LOG_TTL_MS = TimeUnit.HOURS.toMillis(1);

    private static final LuaScript JOIN = new LuaScript("join", ScriptOutputType.INTEGER, true);
    private static final LuaScript LEAVE = new LuaScript("leave", ScriptOutputType.INTEGER, false);
    private static final LuaScript EXPIRE_ROOM = new LuaScript("expire-room", ScriptOutputType.MULTI, true);
    private static final LuaScript ROOM_STATUS = new LuaScript("room-status", ScriptOutputType.INTEGER, true);
    private static final LuaScript SNAPSHOT_ROOM = new LuaScript("snapshot-room", ScriptOutputType.MULTI, false);
    private static final LuaScript HISTORY = new LuaScript("history", ScriptOutputType.MULTI, false);
    private static final LuaScript CONNECT = new LuaScript("connect", ScriptOutputType.MULTI, true);
    private static final LuaScript DISCONNECT = new LuaScript("disconnect", ScriptOutputType.INTEGER, false);
    private static final LuaScript SET_STATUS = new LuaScript("set-status", ScriptOutputType.MULTI, true);
    private static final LuaScript EXPIRE_USERS = new LuaScript("expire-users", ScriptOutputType.MULTI, true);
    private static final LuaScript SNAPSHOT_USERS = new LuaScript("snapshot-users", ScriptOutputType.MULTI, false);
    private static final LuaScript CLAIM_NODES = new LuaScript("claim-nodes", ScriptOutputType.MULTI, false);

    private final String uri;
    private final int logBound;
    private final Map<String, Channel> subscribedChannels = new ConcurrentHashMap<>();
    private volatile StoreListener listener;
    private volatile boolean connected;
    private volatile boolean wasDisconnected;
    private volatile boolean closing;
    private ClientResources resources;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private StatefulRedisPubSubConnection<String, String> pubsub;
    private RedisAsyncCommands<String, String> redis;

    /**
     * @param uri      e.g. {@code redis://127.0.0.1:6379}
     * @param logBound events kept per channel (Streams MAXLEN) for replay
     */
    public RedisPresenceStore(String uri, int logBound) {
        this.uri = uri;
        this.logBound = logBound;
    }

    @Override
    public void start() {
        resources = RedisClients.resources();
        client = RedisClients.client(uri, resources);
        connection = client.connect();
        redis = connection.async();
        pubsub = client.connectPubSub();
        pubsub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                onMessage(channel, message);
            }
        });
        RedisConnectionStateListener state = new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> c, SocketAddress a) {
                connectionUp();
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> c) {
                boolean was = connected && !closing;
                connected = false;
                wasDisconnected = true;
                StoreListener l = listener;
                if (was && l != null) {
                    l.onDisconnected();
                }
            }
        };
        pubsub.addListener(state);
        connection.addListener(state);
        connected = true;
    }

    private void connectionUp() {
        boolean both = connection != null && connection.isOpen() && pubsub != null && pubsub.isOpen();
        if (!both) {
            return;
        }
        connected = true;
        if (wasDisconnected) {
            wasDisconnected = false;
            if (!subscribedChannels.isEmpty()) {   // includes channels whose SUBSCRIBE was rejected during the outage
                pubsub.async().subscribe(subscribedChannels.keySet().toArray(String[]::new));
            }
            StoreListener l = listener;
            if (l != null) {
                l.onReconnected();
            }
        }
    }

    @Override
    public void close() {
        closing = true;
        if (pubsub != null) {
            pubsub.close();
        }
        if (connection != null) {
            connection.close();
        }
        if (client != null) {
            client.shutdown(0, 2, TimeUnit.SECONDS);
        }
        if (resources != null) {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    @Override
    public boolean isHealthy() {
        return connected && connection != null && connection.isOpen() && pubsub.isOpen();
    }

    @Override
    public void setListener(StoreListener listener) {
        this.listener = listener;
    }

    private void onMessage(String redisChannel, String message) {
        Channel c = subscribedChannels.get(redisChannel);
        StoreListener l = listener;
        if (c == null || l == null) {
            return;
        }
        try {
            l.onEvent(RedisEvents.decodeMessage(c, message));
        } catch (RuntimeException e) {
            LOG.warn("dropping malformed presence message on {}: {}", redisChannel, e.toString());
        }
    }

    @Override
    public CompletionStage<Void> subscribe(Channel channel) {
        String name = channelName(channel);
        subscribedChannels.put(name, channel);
        return pubsub.async().subscribe(name).thenApply(v -> null);
    }

    @Override
    public CompletionStage<Void> unsubscribe(Channel channel) {
        String name = channelName(channel);
        subscribedChannels.remove(name);
        return pubsub.async().unsubscribe(name).thenApply(v -> null);
    }

    private static String channelName(Channel c) {
        return c.kind() == Channel.Kind.USERS ? USERS_CHANNEL : roomChannel(c.room());
    }

    private static String newEpoch() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    // ---------------------------------------------------------------- connections and users

    @Override
    public CompletionStage<Void> connect(String nodeId, String connectionId, String userId, long now) {
        redis.hset(nodeConns(nodeId), connectionId, userId);
        String[] keys = {user("conn"), user("cnt"), user("st"), user("chosen"), user("ls"), user("dl"),
                user("log"), user("seq"), userRooms(userId)};
        return CONNECT.<List<Object>>run(redis, keys, connectionId, userId, Long.toString(now), newEpoch(),
                        Integer.toString(logBound), USERS_CHANNEL)
                .thenCompose(r -> statusToRooms(userId, r));
    }

    @Override
    public CompletionStage<Void> disconnect(String nodeId, String connectionId, long deadline) {
        redis.hdel(nodeConns(nodeId), connectionId);
        String[] keys = {user("conn"), user("cnt"), user("dl")};
        return DISCONNECT.<Long>run(redis, keys, connectionId, Long.toString(deadline)).thenApply(r -> null);
    }

    @Override
    public CompletionStage<Void> setStatus(String userId, UserStatus status, long now) {
        if (status == UserStatus.OFFLINE) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("status must be online or away"));
        }
        String[] keys = {user("st"), user("chosen"), user("ls"), user("log"), user("seq"), userRooms(userId)};
        return SET_STATUS.<List<Object>>run(redis, keys, userId, status.wire(), Long.toString(now), newEpoch(),
                        Integer.toString(logBound), USERS_CHANNEL)
                .thenCompose(r -> statusToRooms(userId, r));
    }

    /** After a status change ({status, lastSeen, rooms}) append it to each of the user's rooms' logs. */
    private CompletionStage<Void> statusToRooms(String userId, List<Object> change) {
        if (change == null || change.size() < 3) {
            return CompletableFuture.completedFuture(null);
        }
        String status = (String) change.get(0);
        String lastSeen = (String) change.get(1);
        List<CompletableFuture<Long>> all = new ArrayList<>();
        for (Object room : (List<?>) change.get(2)) {
            all.add(roomStatus((String) room, userId, status, lastSeen).toCompletableFuture());
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    private CompletionStage<Long> roomStatus(String room, String userId, String status, String lastSeen) {
        String[] keys = {room(room, "meta"), room(room, "log"), room(room, "seq")};
        return ROOM_STATUS.run(redis, keys, userId, status, lastSeen, newEpoch(), Integer.toString(logBound),
                roomChannel(room));
    }

    // ---------------------------------------------------------------- rooms

    @Override
    public CompletionStage<Void> join(String nodeId, String connectionId, String userId, String room,
                                      Map<String, String> meta, long now) {
        redis.hset(nodeConns(nodeId), connectionId, userId);
        redis.hset(nodeRooms(nodeId), connectionId + "\n" + room, userId);
        return JOIN.<Long>run(redis, roomKeys(room), connectionId, userId, Json.encodeMeta(meta), newEpoch(),
                        Integer.toString(logBound), roomChannel(room))
                .thenCompose(r -> r == 2
                        ? redis.sadd(userRooms(userId), room).thenApply(x -> (Void) null)
                        : CompletableFuture.completedFuture(null));
    }

    @Override
    public CompletionStage<Void> leave(String nodeId, String connectionId, String room, long deadline) {
        redis.hdel(nodeRooms(nodeId), connectionId + "\n" + room);
        String[] k = roomKeys(room);
        return LEAVE.<Long>run(redis, new String[] {k[0], k[1], k[3]}, connectionId, Long.toString(deadline))
                .thenCompose(r -> r == 2
                        ? redis.zadd(PENDING_ROOMS, ZAddArgs.Builder.lt(), (double) deadline, room).thenApply(x -> (Void) null)
                        : CompletableFuture.completedFuture(null));
    }

    @Override
    public CompletionStage<Integer> expireDue(long now) {
        CompletionStage<Integer> users = EXPIRE_USERS.<List<Object>>run(redis,
                        new String[] {user("cnt"), user("st"), user("chosen"), user("ls"), user("dl"), user("log"), user("seq")},
                        Long.toString(now), newEpoch(), Integer.toString(logBound), USERS_CHANNEL)
                .thenCompose(gone -> {
                    List<CompletableFuture<?>> all = new ArrayList<>();
                    for (Object u : gone) {
                        String userId = (String) u;
                        all.add(redis.smembers(userRooms(userId)).thenCompose(rooms -> {
                            List<CompletableFuture<Long>> each = new ArrayList<>();
                            for (String r : rooms) {
                                each.add(roomStatus(r, userId, "offline", Long.toString(now)).toCompletableFuture());
                            }
                            return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new));
                        }).toCompletableFuture());
                    }
                    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> gone.size());
                });
        CompletionStage<Integer> rooms = redis.zrangebyscore(PENDING_ROOMS, Range.create(Double.NEGATIVE_INFINITY, (double) now))
                .thenCompose(due -> {
                    List<CompletableFuture<Integer>> all = new ArrayList<>();
                    for (String room : due) {
                        all.add(expireRoom(room, now).toCompletableFuture());
                    }
                    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                            .thenApply(v -> all.stream().mapToInt(CompletableFuture::join).sum());
                });
        return users.thenCombine(rooms, Integer::sum);
    }

    /** Runs a room's due deadlines now (also called directly by the node's grace timer). */
    public CompletionStage<Integer> expireRoom(String room, long now) {
        return EXPIRE_ROOM.<List<Object>>run(redis, roomKeys(room), Long.toString(now), newEpoch(),
                        Integer.toString(logBound), roomChannel(room), Long.toString(IDLE_LOG_TTL_MS))
                .thenCompose(r -> {
                    List<?> gone = (List<?>) r.get(0);
                    Object next = r.size() > 1 ? r.get(1) : null;
                    List<CompletableFuture<?>> all = new ArrayList<>();
                    for (Object u : gone) {
                        all.add(redis.srem(userRooms((String) u), room).toCompletableFuture());
                    }
                    if (next != null) {
                        all.add(redis.zadd(PENDING_ROOMS, Double.parseDouble((String) next), room).toCompletableFuture());
                    } else {
                        all.add(redis.zrem(PENDING_ROOMS, room).toCompletableFuture());
                    }
                    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> gone.size());
                });
    }

    // ---------------------------------------------------------------- queries

    @Override
    public CompletionStage<PresenceEvent.Snapshot> snapshot(Channel channel, Collection<String> userIds) {
        if (channel.kind() == Channel.Kind.USERS) {
            List<String> ids = new ArrayList<>(new LinkedHashSet<>(userIds));
            String[] args = new String[ids.size() + 1];
            args[0] = newEpoch();
            for (int i = 0; i < ids.size(); i++) {
                args[i + 1] = ids.get(i);
            }
            return SNAPSHOT_USERS.<List<Object>>run(redis,
                            new String[] {user("st"), user("ls"), user("cnt"), user("seq"), user("log")}, args)
                    .thenApply(r -> {
                        EventId id = new EventId((String) r.get(0), Long.parseLong((String) r.get(1)));
                        List<UserPresence> users = presences(ids, (List<?>) r.get(2), (List<?>) r.get(3), (List<?>) r.get(4));
                        return new PresenceEvent.Snapshot(id, channel, List.of(), users, false);
                    });
        }
        String room = channel.room();
        return SNAPSHOT_ROOM.<List<Object>>run(redis,
                        new String[] {room(room, "cnt"), room(room, "meta"), room(room, "seq"), room(room, "log")}, newEpoch(),
                        Long.toString(IDLE_LOG_TTL_MS))
                .thenCompose(r -> {
                    EventId id = new EventId((String) r.get(0), Long.parseLong((String) r.get(1)));
                    Map<String, String> metas = RedisEvents.pairs((List<?>) r.get(2));
                    Map<String, String> counts = RedisEvents.pairs((List<?>) r.get(3));
                    List<String> ids = metas.keySet().stream().sorted().toList();
                    if (ids.isEmpty()) {
                        return CompletableFuture.completedFuture(new PresenceEvent.Snapshot(id, channel, List.of(), List.of(), false));
                    }
                    String[] idArr = ids.toArray(String[]::new);
                    CompletableFuture<List<io.lettuce.core.KeyValue<String, String>>> st = redis.hmget(user("st"), idArr).toCompletableFuture();
                    CompletableFuture<List<io.lettuce.core.KeyValue<String, String>>> ls = redis.hmget(user("ls"), idArr).toCompletableFuture();
                    return st.thenCombine(ls, (sts, lss) -> {
                        List<Member> members = new ArrayList<>();
                        for (int i = 0; i < idArr.length; i++) {
                            String s = sts.get(i).getValueOrElse(null);
                            String l = lss.get(i).getValueOrElse(null);
                            members.add(new Member(idArr[i], Integer.parseInt(counts.getOrDefault(idArr[i], "0")),
                                    Json.decodeMeta(metas.get(idArr[i])),
                                    s == null ? UserStatus.OFFLINE : UserStatus.parse(s), l == null ? 0 : Long.parseLong(l)));
                        }
                        return new PresenceEvent.Snapshot(id, channel, members, List.of(), false);
                    });
                });
    }

    private static List<UserPresence> presences(List<String> ids, List<?> st, List<?> ls, List<?> cnt) {
        List<UserPresence> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            String s = (String) st.get(i);
            String l = (String) ls.get(i);
            String c = (String) cnt.get(i);
            out.add(new UserPresence(ids.get(i), s == null ? UserStatus.OFFLINE : UserStatus.parse(s),
                    c == null ? 0 : Integer.parseInt(c), l == null ? 0 : Long.parseLong(l)));
        }
        return out;
    }

    @Override
    public CompletionStage<History> history(Channel channel, EventId after) {
        String seq = channel.kind() == Channel.Kind.USERS ? user("seq") : room(channel.room(), "seq");
        String log = channel.kind() == Channel.Kind.USERS ? user("log") : room(channel.room(), "log");
        return HISTORY.<List<Object>>run(redis, new String[] {seq, log}, after.epoch(), Long.toString(after.offset()))
                .thenApply(r -> {
                    if (((Long) r.get(0)) == 0) {
                        return History.LOST;
                    }
                    if (r.size() < 2) {
                        return new History(true, List.of());
                    }
                    List<PresenceEvent> events = new ArrayList<>();
                    for (Object entry : (List<?>) r.get(1)) {
                        events.add(RedisEvents.decodeEntry(channel, after.epoch(), (List<?>) entry));
                    }
                    return new History(true, events);
                });
    }

    // ---------------------------------------------------------------- nodes

    @Override
    public CompletionStage<Boolean> heartbeat(String nodeId, long expiresAt) {
        return redis.zadd(NODES, (double) expiresAt, nodeId).thenApply(added -> added == 1);
    }

    @Override
    public CompletionStage<List<String>> claimExpiredNodes(long now, long claimUntil) {
        return CLAIM_NODES.<List<Object>>run(redis, new String[] {NODES, REAPING}, Long.toString(now), Long.toString(claimUntil))
                .thenApply(r -> r.stream().map(String.class::cast).distinct().toList());
    }

    @Override
    public CompletionStage<List<NodeConnection>> nodeConnections(String nodeId) {
        CompletableFuture<Map<String, String>> conns = redis.hgetall(nodeConns(nodeId)).toCompletableFuture();
        CompletableFuture<Map<String, String>> rooms = redis.hgetall(nodeRooms(nodeId)).toCompletableFuture();
        return conns.thenCombine(rooms, (c, r) -> {
            Map<String, String> users = new HashMap<>(c);
            Map<String, Set<String>> byConn = new HashMap<>();
            r.forEach((field, userId) -> {
                int nl = field.indexOf('\n');
                String conn = field.substring(0, nl);
                users.putIfAbsent(conn, userId);
                byConn.computeIfAbsent(conn, k -> new LinkedHashSet<>()).add(field.substring(nl + 1));
            });
            List<NodeConnection> out = new ArrayList<>();
            users.forEach((conn, userId) -> out.add(new NodeConnection(conn, userId, byConn.getOrDefault(conn, Set.of()))));
            return out;
        });
    }

    @Override
    public CompletionStage<Void> removeNode(String nodeId) {
        redis.zrem(NODES, nodeId);
        redis.zrem(REAPING, nodeId);
        return redis.del(nodeConns(nodeId), nodeRooms(nodeId)).thenApply(x -> null);
    }

    /** The Lettuce command API, for tests and the benchmark that read INFO. */
    public RedisAsyncCommands<String, String> commands() {
        return redis;
    }
}
