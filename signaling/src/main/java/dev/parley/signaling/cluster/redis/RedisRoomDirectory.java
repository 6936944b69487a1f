package dev.parley.signaling.cluster.redis;

import dev.parley.presence.redis.RedisClients;
import dev.parley.signaling.cluster.RoomDirectory;
import dev.parley.signaling.compat.peerjs.PeerjsDirectory;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link RoomDirectory} on Redis. Keys ({@code parley:s:} prefix, hash-tagged so each script touches
 * one slot): {@code {r:R}:m} hash peerId → "node\norder\nuser\nmeta", {@code {r:R}:ord} join
 * counter, {@code {n}:leases} zset node → lease expiry, {@code {n:N}:m} set of "room\u001fpeer" a
 * node owns (for reaping), {@code {i}:rooms} zset of the rooms with members (the index the
 * operator listing pages, score 0, name order), {@code {s:ID}} a parked session (string, PX = resume grace).
 * Membership changes are Lua scripts; connection handling is presence's (jittered reconnect,
 * commands rejected while disconnected).
 */
public final class RedisRoomDirectory implements RoomDirectory {

    static final String P = "parley:s:";
    private static final char SEP = '\u001f';

    private static final String JOIN = """
            if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return {-2} end
            if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[2]) then return {-1} end
            local ord = redis.call('INCR', KEYS[2])
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[3] .. '\\n' .. ord .. '\\n' .. ARGV[4] .. '\\n' .. ARGV[5])
            local out = redis.call('HGETALL', KEYS[1])
            table.insert(out, 1, ord)
            return out
            """;
    private static final String PUT = """
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            local n = tonumber(string.match(ARGV[2], '^[^\\n]*\\n(%d+)'))
            local c = tonumber(redis.call('GET', KEYS[2]) or '0')
            if n and n > c then redis.call('SET', KEYS[2], n) end
            return 1
            """;
    /** Returns the members left in the room after removing this one, or -1 when it was not removed. */
    private static final String LEAVE = """
            local v = redis.call('HGET', KEYS[1], ARGV[1])
            if v and string.sub(v, 1, string.len(ARGV[2]) + 1) == ARGV[2] .. '\\n' then
              redis.call('HDEL', KEYS[1], ARGV[1])
              return redis.call('HLEN', KEYS[1])
            end
            return -1
            """;
    /** A room's members per node: {node, count, node, count, ...}. */
    private static final String COUNT = """
            local vals = redis.call('HVALS', KEYS[1])
            local counts = {}
            local order = {}
            for i = 1, #vals do
              local n = string.match(vals[i], '^([^\\n]*)\\n')
              if n then
                if not counts[n] then
                  counts[n] = 0
                  table.insert(order, n)
                end
                counts[n] = counts[n] + 1
              end
            end
            local out = {}
            for _, n in ipairs(order) do
              table.insert(out, n)
              table.insert(out, counts[n])
            end
            return out
            """;
    private static final String CLAIM = """
            local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
            if s and tonumber(s) < tonumber(ARGV[2]) then
              redis.call('ZREM', KEYS[1], ARGV[1])
              return 1
            end
            return 0
            """;

    private final String uri;
    private final Duration leaseTtl;
    private ClientResources resources;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private RedisAsyncCommands<String, String> redis;
    private RedisPeerjsDirectory peerjs;

    public RedisRoomDirectory(String uri, Duration leaseTtl) {
        this.uri = uri;
        this.leaseTtl = leaseTtl;
    }

    /** Connects; fails if Redis is unreachable now (later outages are survived). */
    public void start() {
        resources = RedisClients.resources();
        client = RedisClients.client(uri, resources);
        connection = client.connect();
        redis = connection.async();
        peerjs = new RedisPeerjsDirectory(redis, PEERJS_TTL, System::currentTimeMillis);
    }

    /** How long a PeerJS id outlives its node's last refresh (a third of it between refreshes). */
    static final Duration PEERJS_TTL = Duration.ofSeconds(15);

    /** The cluster-wide PeerJS realm, on this directory's connection (after {@link #start()}). */
    @Override
    public PeerjsDirectory peerjsIds() {
        return peerjs;
    }

    @Override
    public Duration leaseTtl() {
        return leaseTtl;
    }

    static String roomKey(String room) {
        return P + "{r:" + room + "}:m";
    }

    private static String orderKey(String room) {
        return P + "{r:" + room + "}:ord";
    }

    private static String nodeKey(String node) {
        return P + "{n:" + node + "}:m";
    }

    private static final String LEASES = P + "{n}:leases";

    /**
     * Index of the rooms that have (or just had) members: a sorted set, every score 0, so ZRANGEBYLEX
     * pages it in name order. Added to after every join and put; a room whose last member left (or
     * was reaped) is removed, then re-added if a join raced in (see {@link #prune}).
     */
    static final String ROOMS = P + "{i}:rooms";

    @Override
    public CompletionStage<JoinOutcome> join(String room, String peerId, String userId, String metaJson, String node,
                                             int maxPeers) {
        CompletionStage<List<Object>> r = redis.eval(JOIN, ScriptOutputType.MULTI,
                new String[] {roomKey(room), orderKey(room)},
                peerId, Integer.toString(maxPeers), node, userId, metaJson);
        return r.thenCompose(out -> {
            long first = (Long) out.get(0);
            if (first == -2) {
                return CompletableFuture.completedFuture(new JoinOutcome(JoinStatus.ALREADY, 0, List.of()));
            }
            if (first == -1) {
                return CompletableFuture.completedFuture(new JoinOutcome(JoinStatus.FULL, 0, List.of()));
            }
            List<Entry> members = new ArrayList<>();
            for (int i = 1; i + 1 < out.size(); i += 2) {
                Entry e = decode((String) out.get(i), (String) out.get(i + 1));
                if (e != null) {
                    members.add(e);
                }
            }
            redis.zadd(ROOMS, 0.0, room);
            return redis.sadd(nodeKey(node), room + SEP + peerId)
                    .thenApply(n -> new JoinOutcome(JoinStatus.JOINED, first, members));
        });
    }

    @Override
    public CompletionStage<Void> put(String room, Entry e) {
        return redis.eval(PUT, ScriptOutputType.INTEGER, new String[] {roomKey(room), orderKey(room)},
                        e.peerId(), encode(e))
                .thenCompose(x -> redis.sadd(nodeKey(e.node()), room + SEP + e.peerId()))
                .thenCompose(x -> redis.zadd(ROOMS, 0.0, room))
                .thenApply(x -> null);
    }

    @Override
    public CompletionStage<Void> leave(String room, String peerId, String node) {
        CompletionStage<Long> left = redis.eval(LEAVE, ScriptOutputType.INTEGER, new String[] {roomKey(room)},
                peerId, node);
        return left.thenCompose(n -> redis.srem(nodeKey(node), room + SEP + peerId)
                        .thenCompose(x -> n != null && n == 0L ? prune(room) : CompletableFuture.completedFuture(null)))
                .thenApply(x -> null);
    }

    /**
     * Drops an emptied room from the index. A join may race in between the leave that emptied it
     * and this: every join adds the room to the index after its member is written, so removing
     * first and then re-checking the room (re-adding it when it has members) never loses one.
     */
    private CompletionStage<Void> prune(String room) {
        return redis.zrem(ROOMS, room)
                .thenCompose(x -> redis.hlen(roomKey(room)))
                .thenCompose(n -> n != null && n > 0 ? redis.zadd(ROOMS, 0.0, room).thenApply(x -> (Void) null)
                        : CompletableFuture.<Void>completedFuture(null));
    }

    @Override
    public CompletionStage<Entry> member(String room, String peerId) {
        return redis.hget(roomKey(room), peerId).thenApply(v -> v == null ? null : decode(peerId, v));
    }

    @Override
    public CompletionStage<RoomPage> rooms(String after, int limit) {
        Range<String> range = after == null ? Range.unbounded()
                : Range.from(Range.Boundary.excluding(after), Range.Boundary.unbounded());
        return redis.zrangebylex(ROOMS, range, Limit.create(0, limit)).thenCompose(names -> {
            List<CompletableFuture<RoomCount>> counts = new ArrayList<>(names.size());
            for (String room : names) {
                CompletionStage<List<Object>> c = redis.eval(COUNT, ScriptOutputType.MULTI,
                        new String[] {roomKey(room)});
                counts.add(c.thenApply(out -> {
                    Map<String, Integer> nodes = new HashMap<>();
                    for (int i = 0; i + 1 < out.size(); i += 2) {
                        nodes.put((String) out.get(i), ((Long) out.get(i + 1)).intValue());
                    }
                    return new RoomCount(room, nodes);
                }).toCompletableFuture());
            }
            return CompletableFuture.allOf(counts.toArray(CompletableFuture[]::new)).thenApply(x -> {
                List<RoomCount> out = new ArrayList<>(counts.size());
                for (CompletableFuture<RoomCount> f : counts) {
                    RoomCount rc = f.join();
                    if (rc.nodes().isEmpty()) {
                        prune(rc.room());   // left over by a leave whose prune did not complete
                    } else {
                        out.add(rc);
                    }
                }
                return new RoomPage(out, names.size() < limit ? null : names.get(names.size() - 1));
            });
        });
    }

    @Override
    public CompletionStage<List<Entry>> members(String room) {
        return redis.hgetall(roomKey(room)).thenApply(map -> {
            List<Entry> out = new ArrayList<>(map.size());
            map.forEach((k, v) -> {
                Entry e = decode(k, v);
                if (e != null) {
                    out.add(e);
                }
            });
            return out;
        });
    }

    @Override
    public CompletionStage<List<RoomPeer>> owned(String node) {
        return redis.smembers(nodeKey(node)).thenApply(items -> {
            List<RoomPeer> out = new ArrayList<>();
            for (String item : items) {
                int i = item.lastIndexOf(SEP);
                if (i > 0) {
                    out.add(new RoomPeer(item.substring(0, i), item.substring(i + 1)));
                }
            }
            return out;
        });
    }

    @Override
    public CompletionStage<Boolean> renew(String node, long expiresAtMs) {
        return redis.zadd(LEASES, (double) expiresAtMs, node).thenApply(added -> added == 0);
    }

    @Override
    public CompletionStage<Map<String, Long>> leases() {
        return redis.zrangeWithScores(LEASES, 0, -1).thenApply(list -> {
            Map<String, Long> out = new HashMap<>();
            list.forEach(sv -> out.put(sv.getValue(), (long) sv.getScore()));
            return out;
        });
    }

    @Override
    public CompletionStage<List<RoomPeer>> reap(String node, long nowMs) {
        CompletionStage<Long> claimed = redis.eval(CLAIM, ScriptOutputType.INTEGER, new String[] {LEASES},
                node, Long.toString(nowMs));
        return claimed.thenCompose(won -> {
            if (won == null || won != 1L) {
                return CompletableFuture.completedFuture(List.<RoomPeer>of());
            }
            return redis.smembers(nodeKey(node)).thenCompose(items -> {
                List<RoomPeer> peers = java.util.Collections.synchronizedList(new ArrayList<>());
                List<CompletableFuture<?>> removals = new ArrayList<>();
                for (String item : items) {
                    int i = item.lastIndexOf(SEP);
                    if (i <= 0) {
                        continue;
                    }
                    RoomPeer rp = new RoomPeer(item.substring(0, i), item.substring(i + 1));
                    CompletionStage<Long> left = redis.eval(LEAVE, ScriptOutputType.INTEGER,
                            new String[] {roomKey(rp.room())}, rp.peerId(), node);
                    removals.add(left.thenCompose(n -> {
                        if (n == null || n < 0) {
                            // not the dead node's any more (the session moved to another node): it stays
                            return CompletableFuture.<Void>completedFuture(null);
                        }
                        peers.add(rp);
                        return n == 0L ? prune(rp.room()) : CompletableFuture.<Void>completedFuture(null);
                    }).toCompletableFuture());
                }
                return CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new))
                        .thenCompose(x -> redis.del(nodeKey(node)))
                        .thenApply(x -> List.copyOf(peers));
            });
        });
    }

    @Override
    public CompletionStage<Void> park(String sessionId, String state, Duration ttl) {
        return redis.set(P + "{s:" + sessionId + "}", state, SetArgs.Builder.px(Math.max(1, ttl.toMillis())))
                .thenApply(x -> null);
    }

    @Override
    public CompletionStage<String> unpark(String sessionId) {
        return redis.getdel(P + "{s:" + sessionId + "}");
    }

    static String encode(Entry e) {
        return e.node() + "\n" + e.order() + "\n" + e.userId() + "\n" + e.metaJson();
    }

    static Entry decode(String peerId, String v) {
        String[] parts = v.split("\n", 4);
        if (parts.length < 4) {
            return null;
        }
        try {
            return new Entry(peerId, parts[2], parts[3], parts[0], Long.parseLong(parts[1]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public void close() {
        RedisClients.shutdown(resources, client, connection);
    }
}
