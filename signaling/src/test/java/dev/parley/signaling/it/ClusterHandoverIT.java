package dev.parley.signaling.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.auth.OriginPolicy;
import dev.parley.auth.TokenVerifier;
import dev.parley.presence.redis.RedisClusterBus;
import dev.parley.signaling.SignalingConfig;
import dev.parley.signaling.cluster.redis.RedisRoomDirectory;
import dev.parley.signaling.compat.ywebsocket.it.RedisFixture;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A session hops between two real nodes (each with its own Jetty and Lettuce connections to one real
 * redis-server) while a peer on the first node keeps sending to it: every message arrives exactly
 * once, in the sender's order, with no gap in the session's {@code seq}. The sender is held at most
 * {@link #WINDOW} messages ahead of what the hopping client has read, so messages are in flight at
 * every hand-over: buffered on the old node, racing the take-over, and routed to the new node.
 */
class ClusterHandoverIT {

    static final int MESSAGES = 2000;
    static final int WINDOW = 200;
    static final int[] HOP_AT = {300, 650, 1000, 1350, 1700};
    static final SignalingConfig CONFIG = SignalingConfig.defaults().withLimits(5000, 5000, 16, 256, 50_000);

    private static TestServer node(RedisFixture redis, String id, ExecutorService busThreads) throws Exception {
        RedisClusterBus bus = new RedisClusterBus(redis.uri(), id, busThreads);
        bus.start();
        RedisRoomDirectory directory = new RedisRoomDirectory(redis.uri(), Duration.ofSeconds(15));
        directory.start();
        return new TestServer(CONFIG, TokenVerifier.devMode(), OriginPolicy.of(List.of()),
                TestServer.ice(Duration.ofHours(1)), bus, directory);
    }

    static String signal(String to, int n) {
        return "{\"t\":\"signal\",\"to\":\"" + to + "\",\"kind\":\"candidate\",\"data\":{\"n\":" + n + "}}";
    }

    static String relay(String to, int n) {
        return "{\"t\":\"relay\",\"room\":\"h\",\"to\":\"" + to + "\",\"ch\":\"c\",\"d\":{\"n\":" + n + "}}";
    }

    /** What the hopping client has read: every seq once and in order, each sender stream in order. */
    static final class Reader {
        long lastSeq;
        int nextSignal = 0;
        int nextRelay = 1;
        int read;
        final Semaphore window;

        Reader(Semaphore window) {
            this.window = window;
        }

        void accept(JsonNode m) {
            String t = m.path("t").asText();
            if ("error".equals(t)) {
                fail("error at the hopping client: " + m);
            }
            if (!m.has("seq")) {
                return;
            }
            assertEquals(lastSeq + 1, m.path("seq").asLong(), "seq gap or repeat at " + m);
            lastSeq = m.path("seq").asLong();
            if ("signal".equals(t)) {
                assertEquals(nextSignal, m.path("data").path("n").asInt(), "signal out of order: " + m);
                nextSignal += 2;
            } else if ("relay".equals(t)) {
                assertEquals(nextRelay, m.path("d").path("n").asInt(), "relay out of order: " + m);
                nextRelay += 2;
            } else {
                return;
            }
            read++;
            window.release();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aSessionHoppingBetweenNodesGetsEveryMessageOnceInOrder() throws Exception {
        ExecutorService busThreads = Executors.newFixedThreadPool(4);
        ExecutorService senderThread = Executors.newSingleThreadExecutor();
        WebSocketClient client = new WebSocketClient();
        try (RedisFixture redis = new RedisFixture();
             TestServer n1 = node(redis, "hop-1", busThreads);
             TestServer n2 = node(redis, "hop-2", busThreads)) {
            client.start();
            TestServer[] nodes = {n1, n2};
            RecordingClient sender = RecordingClient.connect(client, n1.ws("/v1/signal"));
            RecordingClient hopper = RecordingClient.connect(client, n1.ws("/v1/signal"));
            sender.hello();
            JsonNode welcome = hopper.hello();
            String sessionId = welcome.path("sessionId").asText();
            String token = welcome.path("resumeToken").asText();
            String peer = welcome.path("peerId").asText();
            sender.send("{\"t\":\"join\",\"room\":\"h\"}");
            sender.expect("joined");
            hopper.send("{\"t\":\"join\",\"room\":\"h\"}");
            Semaphore window = new Semaphore(WINDOW);
            Reader reader = new Reader(window);
            reader.accept(hopper.expect("joined"));
            sender.await("peer-joined");

            Queue<JsonNode> senderErrors = new ConcurrentLinkedQueue<>();
            Future<?> sending = senderThread.submit(() -> {
                for (int n = 0; n < MESSAGES; n++) {
                    if (!window.tryAcquire(30, TimeUnit.SECONDS)) {
                        throw new AssertionError("the hopping client stopped reading at " + n);
                    }
                    sender.send(n % 2 == 0 ? signal(peer, n) : relay(peer, n));
                }
                return null;
            });

            RecordingClient current = hopper;
            List<Long> hopMillis = new java.util.ArrayList<>();
            int at = 0;
            int hops = 0;
            while (reader.read < MESSAGES) {
                JsonNode m = current.messages.poll(20, TimeUnit.SECONDS);
                assertNotNull(m, "nothing for 20 s after " + reader.read + " messages");
                reader.accept(m);
                if (hops < HOP_AT.length && reader.read == HOP_AT[hops]) {
                    // the network drops: whatever reached the client before counts, the rest is replayed
                    current.stopReading();
                    current.drop();
                    current.closed.get(10, TimeUnit.SECONDS);
                    for (JsonNode rest = current.messages.poll(); rest != null; rest = current.messages.poll()) {
                        reader.accept(rest);
                    }
                    at = 1 - at;
                    hops++;
                    current = RecordingClient.connect(client, nodes[at].ws("/v1/signal"));
                    long t0 = System.nanoTime();
                    current.send("{\"t\":\"hello\",\"resume\":{\"sessionId\":\"" + sessionId + "\",\"resumeToken\":\""
                            + token + "\",\"lastSeq\":" + reader.lastSeq + "}}");
                    JsonNode back = current.expect("welcome");
                    hopMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                    assertTrue(back.path("resumed").asBoolean(), "hop " + hops + " not resumed: " + back);
                    assertEquals(peer, back.path("peerId").asText());
                }
            }
            sending.get(30, TimeUnit.SECONDS);
            assertEquals(HOP_AT.length, hops);
            System.out.println("cross-node hand-over under load: hello{resume} -> welcome " + hopMillis + " ms");
            assertEquals(MESSAGES, reader.read);
            for (JsonNode m = sender.messages.poll(); m != null; m = sender.messages.poll()) {
                if ("error".equals(m.path("t").asText())) {
                    senderErrors.add(m);
                }
            }
            assertTrue(senderErrors.isEmpty(), "sender got errors: " + senderErrors);
            assertEquals(3.0, n2.counter("parley.signaling.resumes", "outcome", "succeeded"), "hops onto n2");
            assertEquals(2.0, n1.counter("parley.signaling.resumes", "outcome", "succeeded"), "hops onto n1");
        } finally {
            senderThread.shutdownNow();
            client.stop();
            busThreads.shutdownNow();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aGracefulStopMovesItsSessionsWithoutLoss() throws Exception {
        int messages = 600;
        ExecutorService busThreads = Executors.newFixedThreadPool(4);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        WebSocketClient client = new WebSocketClient();
        try (RedisFixture redis = new RedisFixture();
             TestServer stopping = node(redis, "stop-1", busThreads);
             TestServer staying = node(redis, "stay-2", busThreads)) {
            client.start();
            RecordingClient sender = RecordingClient.connect(client, staying.ws("/v1/signal"));
            RecordingClient hopper = RecordingClient.connect(client, stopping.ws("/v1/signal"));
            sender.hello();
            JsonNode welcome = hopper.hello();
            String peer = welcome.path("peerId").asText();
            sender.send("{\"t\":\"join\",\"room\":\"h\"}");
            sender.expect("joined");
            hopper.send("{\"t\":\"join\",\"room\":\"h\"}");
            Semaphore window = new Semaphore(WINDOW);
            Reader reader = new Reader(window);
            reader.accept(hopper.expect("joined"));
            sender.await("peer-joined");
            Future<?> sending = threads.submit(() -> {
                for (int n = 0; n < messages; n++) {
                    if (!window.tryAcquire(30, TimeUnit.SECONDS)) {
                        throw new AssertionError("the client stopped reading at " + n);
                    }
                    sender.send(n % 2 == 0 ? signal(peer, n) : relay(peer, n));
                }
                return null;
            });
            Future<Boolean> stop = null;
            RecordingClient current = hopper;
            boolean moved = false;
            while (reader.read < messages) {
                JsonNode m = current.messages.poll(20, TimeUnit.SECONDS);
                assertNotNull(m, "nothing for 20 s after " + reader.read + " messages");
                if (stop == null && reader.read == 200) {
                    stop = threads.submit(() -> stopping.service.shutdownGracefully(Duration.ofSeconds(20)));
                }
                if ("bye".equals(m.path("t").asText())) {
                    assertEquals("reconnect", m.path("action").asText());
                    current.closed.get(10, TimeUnit.SECONDS);
                    for (JsonNode rest = current.messages.poll(); rest != null; rest = current.messages.poll()) {
                        reader.accept(rest);
                    }
                    current = RecordingClient.connect(client, staying.ws("/v1/signal"));
                    current.send("{\"t\":\"hello\",\"resume\":{\"sessionId\":\"" + welcome.path("sessionId").asText()
                            + "\",\"resumeToken\":\"" + welcome.path("resumeToken").asText() + "\",\"lastSeq\":"
                            + reader.lastSeq + "}}");
                    JsonNode back = current.expect("welcome");
                    assertTrue(back.path("resumed").asBoolean(), back.toString());
                    moved = true;
                    continue;
                }
                reader.accept(m);
            }
            sending.get(30, TimeUnit.SECONDS);
            assertTrue(moved, "the client never got bye{reconnect}");
            assertTrue(stop.get(30, TimeUnit.SECONDS), "connections did not all close");
            assertEquals(0, stopping.service.nativeHandler().sessionCount(), "the session moved during the drain");
            assertEquals(messages, reader.read);
        } finally {
            threads.shutdownNow();
            client.stop();
            busThreads.shutdownNow();
        }
    }
}
