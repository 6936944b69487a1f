package dev.parley.signaling.compat.ywebsocket.redis;

import dev.parley.signaling.compat.ywebsocket.room.RoomBus;
import dev.parley.signaling.compat.ywebsocket.room.UpdateStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.function.Predicate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each room's Yjs updates in a Redis list, {@code <prefix><room>}: {@code RPUSH} per update,
 * {@code LRANGE 0 -1} on load; compaction replaces the entries a snapshot holds by it with one Lua
 * script ({@link #compact}). One connection, so appends complete in the order they were made;
 * {@link #close()} waits (up to 5 s) for the last one (and the last compaction), so a graceful restart loses nothing.
 * Callers must not block on the returned stages on Lettuce's threads.
 *
 * <p>Also the {@link RoomBus} between nodes: {@code PUBLISH <prefix>bus:<room>} with
 * {@code [kind:1][node token:8][payload]} on the same connection, after the update's {@code RPUSH};
 * a second (pub/sub) connection subscribes to the rooms this node holds and hands each message to
 * the executor, skipping this node's own.
 */
public final class RedisUpdateStore implements UpdateStore, RoomBus {

    private static final Logger LOG = LoggerFactory.getLogger(RedisUpdateStore.class);

    private final RedisClient client;
    private final StatefulRedisConnection<byte[], byte[]> connection;
    private final RedisAsyncCommands<byte[], byte[]> redis;
    private final String prefix;
    private final AtomicReference<CompletableFuture<?>> last = new AtomicReference<>(CompletableFuture.completedFuture(null));
    private final AtomicReference<CompletableFuture<?>> compacting = new AtomicReference<>(CompletableFuture.completedFuture(null));
    private final StatefulRedisPubSubConnection<byte[], byte[]> pubsub;
    private final Executor executor;
    private final long nodeToken = new SecureRandom().nextLong();
    private final Map<String, Consumer<Message>> listeners = new ConcurrentHashMap<>();

    private RedisUpdateStore(RedisClient client, StatefulRedisConnection<byte[], byte[]> connection,
                             StatefulRedisPubSubConnection<byte[], byte[]> pubsub, String prefix, Executor executor) {
        this.client = client;
        this.connection = connection;
        this.redis = connection.async();
        this.pubsub = pubsub;
        this.prefix = prefix;
        this.executor = executor;
        pubsub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] message) {
                onMessage(channel, message);
            }
        });
    }

    /** Connects now (fails fast if Redis is unreachable); Lettuce reconnects by itself afterwards. */
    public static RedisUpdateStore connect(String uri, String keyPrefix, Executor executor) {
        RedisURI redisUri = RedisURI.create(uri);
        redisUri.setTimeout(Duration.ofSeconds(5));
        RedisClient client = RedisClient.create(redisUri);
        try {
            return new RedisUpdateStore(client, client.connect(ByteArrayCodec.INSTANCE),
                    client.connectPubSub(ByteArrayCodec.INSTANCE), keyPrefix, executor);
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    private byte[] channel(String room) {
        return (prefix + "bus:" + room).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void subscribe(String room, Consumer<Message> listener) {
        listeners.put(room, listener);
        pubsub.async().subscribe(channel(room)).thenRun(() -> publish(room, new Message(Kind.HELLO, new byte[0])));
    }

    @Override
    public void unsubscribe(String room) {
        listeners.remove(room);
        pubsub.async().unsubscribe(channel(room));
    }

    @Override
    public void publish(String room, Message message) {
        ByteBuffer b = ByteBuffer.allocate(9 + message.payload().length);
        b.put((byte) message.kind().ordinal()).putLong(nodeToken).put(message.payload());
        last.set(redis.publish(channel(room), b.array()).toCompletableFuture());
    }

    /** On a Lettuce thread: decode, drop our own, hand off. */
    private void onMessage(byte[] channel, byte[] message) {
        if (message.length < 9) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(message);
        int kind = b.get();
        if (b.getLong() == nodeToken || kind < 0 || kind >= Kind.values().length) {
            return;
        }
        String ch = new String(channel, StandardCharsets.UTF_8);
        String room = ch.substring(prefix.length() + "bus:".length());
        Consumer<Message> listener = listeners.get(room);
        if (listener == null) {
            return;
        }
        byte[] payload = new byte[message.length - 9];
        b.get(payload);
        Message m = new Message(Kind.values()[kind], payload);
        try {
            executor.execute(() -> listener.accept(m));
        } catch (RejectedExecutionException e) {
            LOG.debug("shutting down: dropped a message for room {}", room);
        }
    }

    private byte[] key(String room) {
        return (prefix + room).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public CompletionStage<List<byte[]>> load(String room) {
        return redis.lrange(key(room), 0, -1).thenApply(List::copyOf);
    }

    @Override
    public CompletionStage<Void> append(String room, byte[] update) {
        CompletableFuture<Void> f = redis.rpush(key(room), update).toCompletableFuture().thenApply(n -> null);
        last.set(f);
        return f;
    }

    /**
     * Replaces, atomically (Redis runs a script alone), the entries equal to {@code ARGV[2..]}
     * (distinct values, each held by the snapshot) by the snapshot {@code ARGV[1]}, put first; the
     * other entries, appended meanwhile ones included, stay in order. If any of those values is no
     * longer in the list, another node compacted first: nothing changes and it answers 0.
     */
    private static final String COMPACT_SCRIPT = String.join("\n",
            "local remove, want = {}, 0",
            "for i = 2, #ARGV do remove[ARGV[i]] = true; want = want + 1 end",
            "local items = redis.call('LRANGE', KEYS[1], 0, -1)",
            "local kept, seen, found = {}, {}, 0",
            "for _, v in ipairs(items) do",
            "  if remove[v] then",
            "    if not seen[v] then seen[v] = true; found = found + 1 end",
            "  else kept[#kept + 1] = v end",
            "end",
            "if found < want then return 0 end",
            "redis.call('DEL', KEYS[1])",
            "redis.call('RPUSH', KEYS[1], ARGV[1])",
            "for i = 1, #kept, 1000 do redis.call('RPUSH', KEYS[1], unpack(kept, i, math.min(i + 999, #kept))) end",
            "return #items - #kept");

    /**
     * Reads the room's list, picks the entries the snapshot holds (on the executor, not on
     * Lettuce's thread) and, if they are at least two and larger than the snapshot, replaces them
     * with {@link #COMPACT_SCRIPT}.
     */
    @Override
    public CompletionStage<Integer> compact(String room, byte[] snapshot, Predicate<byte[]> heldBySnapshot) {
        // one at a time: a compaction that read the list before the previous one rewrote it would
        // find entries gone and do nothing
        CompletableFuture<Integer> done = new CompletableFuture<>();
        compacting.getAndSet(done).handle((ignored, err) -> null)
                .thenCompose(ignored -> compactNow(room, snapshot, heldBySnapshot))
                .whenComplete((n, err) -> {
                    if (err != null) {
                        done.completeExceptionally(err);
                    } else {
                        done.complete(n);
                    }
                });
        return done;
    }

    private CompletableFuture<Integer> compactNow(String room, byte[] snapshot, Predicate<byte[]> heldBySnapshot) {
        byte[] key = key(room);
        return redis.lrange(key, 0, -1).toCompletableFuture().thenApplyAsync(entries -> {
            Map<ByteBuffer, byte[]> held = new LinkedHashMap<>();
            int count = 0;
            long bytes = 0;
            for (byte[] e : entries) {
                if (heldBySnapshot.test(e)) {
                    held.putIfAbsent(ByteBuffer.wrap(e), e);
                    count++;
                    bytes += e.length;
                }
            }
            return count >= 2 && bytes > snapshot.length ? List.copyOf(held.values()) : List.<byte[]>of();
        }, executor).thenCompose(held -> {
            if (held.isEmpty()) {
                return CompletableFuture.completedFuture(0);
            }
            byte[][] args = new byte[held.size() + 1][];
            args[0] = snapshot;
            for (int i = 0; i < held.size(); i++) {
                args[i + 1] = held.get(i);
            }
            RedisFuture<Long> f = redis.eval(COMPACT_SCRIPT.getBytes(StandardCharsets.UTF_8), ScriptOutputType.INTEGER,
                    new byte[][] {key}, args);
            return f.toCompletableFuture().thenApply(Long::intValue);
        });
    }


    @Override
    public boolean isPersistent() {
        return true;
    }

    @Override
    public void close() {
        try {
            compacting.get().exceptionally(e -> null).get(5, TimeUnit.SECONDS);
            last.get().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("the last document update may not be stored: {}", e.toString());
        }
        pubsub.close();
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
