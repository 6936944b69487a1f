package dev.parley.presence.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.presence.ClusterBuses;
import dev.parley.presence.cluster.ClusterBus;
import dev.parley.presence.cluster.LocalClusterBus;
import dev.parley.presence.testing.RedisServer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two RedisClusterBus instances (two "nodes") on one real redis-server. */
@Timeout(60)
class RedisClusterBusIT {

    private RedisServer redis;
    private ScheduledExecutorService executor;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.started();
        executor = Executors.newScheduledThreadPool(2);
    }

    @AfterEach
    void stop() throws Exception {
        executor.shutdownNow();
        redis.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void messagesCrossNodesInOrderOffTheIoThread() throws Exception {
        try (ClusterBus one = ClusterBuses.create(redis.uri(), "one", executor);
             ClusterBus two = ClusterBuses.create(redis.uri(), "two", executor)) {
            assertTrue(one.isDistributed());
            LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
            LinkedBlockingQueue<String> threads = new LinkedBlockingQueue<>();
            ClusterBus.Subscription s = two.subscribe("node:two", p -> {
                got.add(new String(p, StandardCharsets.UTF_8));
                threads.add(Thread.currentThread().getName());
            });
            awaitSubscribed(one, "node:two", got);
            for (int i = 0; i < 200; i++) {
                one.publish("node:two", b("m" + i));
            }
            for (int i = 0; i < 200; i++) {
                assertEquals("m" + i, got.poll(10, TimeUnit.SECONDS));
            }
            for (String t : threads) {
                assertFalse(t.contains("lettuce") || t.contains("nioEventLoop") || t.contains("epoll"), "handler ran on " + t);
            }
            s.close();
        }
    }

    @Test
    void survivesARedisRestart() throws Exception {
        try (ClusterBus one = ClusterBuses.create(redis.uri(), "one", executor);
             ClusterBus two = ClusterBuses.create(redis.uri(), "two", executor)) {
            LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
            two.subscribe("room:x", p -> got.add(new String(p, StandardCharsets.UTF_8)));
            awaitSubscribed(one, "room:x", got);
            redis.kill();
            one.publish("room:x", b("lost"));   // at-most-once: published into the outage, dropped
            redis.start();
            awaitSubscribed(one, "room:x", got);   // Lettuce reconnected and re-subscribed
            one.publish("room:x", b("after"));
            String m;
            do {
                m = got.poll(10, TimeUnit.SECONDS);
                assertNotNull(m, "no message after the restart");
            } while (m.startsWith("probe"));
            assertEquals("after", m);
        }
    }

    @Test
    void factoryGivesTheLocalBusWithoutRedis() {
        ClusterBus bus = ClusterBuses.create(null, "solo", executor);
        assertTrue(bus instanceof LocalClusterBus);
        assertFalse(bus.isDistributed());
        bus.close();
    }

    /** Publishes probes until one arrives: subscription (re-)established end to end. */
    private static void awaitSubscribed(ClusterBus publisher, String topic, LinkedBlockingQueue<String> got) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int i = 0; System.nanoTime() < deadline; i++) {
            publisher.publish(topic, b("probe" + i));
            String m = got.poll(200, TimeUnit.MILLISECONDS);
            if (m != null && m.startsWith("probe")) {
                got.clear();
                return;
            }
        }
        throw new AssertionError("subscription to " + topic + " never delivered");
    }
}
