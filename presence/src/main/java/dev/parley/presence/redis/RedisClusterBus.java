package dev.parley.presence.redis;

import dev.parley.presence.cluster.ClusterBus;
import dev.parley.presence.fanout.SerialExecutor;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ClusterBus} over Redis pub/sub (channel {@code parley:bus:<topic>}). Messages arrive on
 * a Netty thread that only hands them to each subscription's serial executor, so handlers run
 * one at a time, in order, off the I/O thread. Lettuce reconnects with jittered backoff and
 * re-subscribes every channel; messages published while Redis is down are lost (at-most-once).
 *
 * <pre>{@code
 * RedisClusterBus bus = new RedisClusterBus("redis://127.0.0.1:6379", "node-a", scheduler);
 * bus.start();
 * ClusterBus.Subscription s = bus.subscribe("node:node-a", bytes -> handle(bytes));
 * bus.publish("node:node-b", payload);
 * }</pre>
 */
public final class RedisClusterBus implements ClusterBus {

    private static final Logger LOG = LoggerFactory.getLogger(RedisClusterBus.class);
    static final String PREFIX = "parley:bus:";
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private record Handler(Consumer<byte[]> consumer, SerialExecutor serial) {
    }

    private final String uri;
    private final String nodeId;
    private final Executor executor;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, List<Handler>> topics = new ConcurrentHashMap<>();
    /** Per topic: completes when Redis confirmed the SUBSCRIBE. */
    private final Map<String, CompletableFuture<Void>> confirmed = new ConcurrentHashMap<>();
    private volatile boolean connected;
    private volatile boolean wasDown;
    private ClientResources resources;
    private RedisClient client;
    private StatefulRedisConnection<String, byte[]> connection;
    private StatefulRedisPubSubConnection<String, byte[]> pubsub;

    public RedisClusterBus(String uri, String nodeId, Executor executor) {
        this.uri = uri;
        this.nodeId = nodeId;
        this.executor = executor;
    }

    /** Connects (fails if Redis is unreachable at start; later outages are survived). */
    public void start() {
        resources = RedisClients.resources();
        client = RedisClients.client(uri, resources);
        connection = client.connect(CODEC);
        pubsub = client.connectPubSub(CODEC);
        pubsub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, byte[] message) {
                dispatch(channel, message);
            }
        });
        pubsub.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> c, SocketAddress a) {
                if (wasDown) {
                    wasDown = false;
                    resubscribeAll();   // connected again once Redis confirms the topics
                } else {
                    connected = true;
                }
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> c) {
                connected = false;
                wasDown = true;
            }
        });
        connected = true;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public boolean isDistributed() {
        return true;
    }

    /** False while the pub/sub connection to Redis is down, or up but its topics not yet re-subscribed. */
    @Override
    public boolean isConnected() {
        return connected && pubsub.isOpen();
    }

    @Override
    public void publish(String topic, byte[] payload) {
        connection.async().publish(PREFIX + topic, payload).whenComplete((n, err) -> {
            if (err != null) {
                LOG.debug("bus publish to {} failed: {}", topic, err.toString());
            }
        });
    }

    @Override
    public Subscription subscribe(String topic, Consumer<byte[]> handler) {
        Handler h = new Handler(handler, new SerialExecutor(executor));
        CompletableFuture<Void> ready;
        lock.lock();
        try {
            List<Handler> list = topics.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>());
            list.add(h);
            if (list.size() == 1) {
                CompletableFuture<Void> f = new CompletableFuture<>();
                confirmed.put(topic, f);
                pubsub.async().subscribe(PREFIX + topic).whenComplete((ok, err) -> {
                    if (err != null) {
                        f.completeExceptionally(err);
                    } else {
                        f.complete(null);
                    }
                });
            }
            ready = confirmed.getOrDefault(topic, CompletableFuture.completedFuture(null));
        } finally {
            lock.unlock();
        }
        return new Subscription() {
            @Override
            public void close() {
                unsubscribe(topic, h);
            }

            @Override
            public CompletionStage<Void> ready() {
                return ready;
            }
        };
    }

    private void unsubscribe(String topic, Handler h) {
        lock.lock();
        try {
            List<Handler> list = topics.get(topic);
            if (list != null && list.remove(h) && list.isEmpty()) {
                topics.remove(topic);
                confirmed.remove(topic);
                pubsub.async().unsubscribe(PREFIX + topic);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Lettuce re-subscribes what Redis had confirmed; a SUBSCRIBE refused during the outage was never
     * confirmed, so every current topic is subscribed again (SUBSCRIBE is idempotent).
     */
    private void resubscribeAll() {
        String[] channels = topics.keySet().stream().map(t -> PREFIX + t).toArray(String[]::new);
        if (channels.length == 0) {
            connected = true;
            return;
        }
        pubsub.async().subscribe(channels).whenComplete((ok, err) -> {
            if (err == null) {
                connected = true;
            } else {
                LOG.debug("re-subscribe after reconnect failed: {}", err.toString());
            }
        });
    }

    private void dispatch(String channel, byte[] message) {
        if (!channel.startsWith(PREFIX)) {
            return;
        }
        List<Handler> list = topics.get(channel.substring(PREFIX.length()));
        if (list == null) {
            return;
        }
        for (Handler h : list) {
            h.serial().execute(() -> h.consumer().accept(message));
        }
    }

    @Override
    public void close() {
        topics.clear();
        RedisClients.shutdown(resources, client, pubsub, connection);
    }
}
