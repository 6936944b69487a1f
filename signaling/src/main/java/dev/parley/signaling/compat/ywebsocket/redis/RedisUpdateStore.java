package dev.parley.signaling.compat.ywebsocket.redis;

import dev.parley.signaling.compat.ywebsocket.room.UpdateStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each room's Yjs updates in a Redis list, {@code <prefix><room>}: {@code RPUSH} per update,
 * {@code LRANGE 0 -1} on load. One connection, so appends complete in the order they were made;
 * {@link #close()} waits (up to 5 s) for the last one, so a graceful restart loses nothing.
 * Callers must not block on the returned stages on Lettuce's threads.
 */
public final class RedisUpdateStore implements UpdateStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisUpdateStore.class);

    private final RedisClient client;
    private final StatefulRedisConnection<byte[], byte[]> connection;
    private final RedisAsyncCommands<byte[], byte[]> redis;
    private final String prefix;
    private final AtomicReference<CompletableFuture<?>> last = new AtomicReference<>(CompletableFuture.completedFuture(null));

    private RedisUpdateStore(RedisClient client, StatefulRedisConnection<byte[], byte[]> connection, String prefix) {
        this.client = client;
        this.connection = connection;
        this.redis = connection.async();
        this.prefix = prefix;
    }

    /** Connects now (fails fast if Redis is unreachable); Lettuce reconnects by itself afterwards. */
    public static RedisUpdateStore connect(String uri, String keyPrefix) {
        RedisURI redisUri = RedisURI.create(uri);
        redisUri.setTimeout(Duration.ofSeconds(5));
        RedisClient client = RedisClient.create(redisUri);
        try {
            return new RedisUpdateStore(client, client.connect(ByteArrayCodec.INSTANCE), keyPrefix);
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
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

    @Override
    public boolean isPersistent() {
        return true;
    }

    @Override
    public void close() {
        try {
            last.get().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("the last document update may not be stored: {}", e.toString());
        }
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
