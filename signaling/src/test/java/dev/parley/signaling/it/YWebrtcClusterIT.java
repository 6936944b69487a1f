package dev.parley.signaling.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.signaling.SignalingConfig;
import dev.parley.signaling.compat.ywebrtc.YWebrtcHub;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * /compat/y-webrtc on two nodes sharing a real redis-server: topics span the nodes. Once with
 * y-webrtc's unmodified SignalingConn in Node, once at protocol level with the recording client.
 */
class YWebrtcClusterIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void unmodifiedSignalingConnsOnTwoNodesShareTopics() throws Exception {
        try (RedisNodes nodes = new RedisNodes(SignalingConfig.defaults())) {
            NodeProject.Result r = NodeProject.node(120, "ywebrtc-cluster.mjs",
                    nodes.n1.ws("/compat/y-webrtc").toString(), nodes.n2.ws("/compat/y-webrtc").toString());
            assertEquals(0, r.exit(), r.output());
            assertTrue(r.output().contains("PASS"), r.output());
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void busChannelFollowsLocalSubscribersAndEachPublishArrivesOnce() throws Exception {
        String channel = "parley:bus:" + YWebrtcHub.BUS_PREFIX + "t";
        try (RedisNodes nodes = new RedisNodes(SignalingConfig.defaults())) {
            WebSocketClient client = new WebSocketClient();
            client.start();
            try (RecordingClient a = RecordingClient.connect(client, nodes.n1.ws("/compat/y-webrtc"));
                 RecordingClient a2 = RecordingClient.connect(client, nodes.n1.ws("/compat/y-webrtc"));
                 RecordingClient b = RecordingClient.connect(client, nodes.n2.ws("/compat/y-webrtc"));
                 RecordingClient b2 = RecordingClient.connect(client, nodes.n2.ws("/compat/y-webrtc"))) {
                for (RecordingClient c : new RecordingClient[] {a, a2, b, b2}) {
                    c.send("{\"type\":\"subscribe\",\"topics\":[\"t\"]}");
                    ping(c);
                }
                crossUntilDelivered(a, b, "t", "warm-ab");
                crossUntilDelivered(b, a, "t", "warm-ba");
                assertEquals(2, nodes.redis.numsub(channel), "one bus subscription per node, not per client");
                drain(a, a2, b, b2);

                // a publish on n1: a and a2 get it from n1 directly, b and b2 through the bus, each once
                a.send("{\"type\":\"publish\",\"topic\":\"t\",\"data\":\"x\"}");
                JsonNode atB = awaitPublish(b, "x");
                // b's reply was published after n1's own bus copy of x reached Redis, so n1 handles
                // that copy first: were it re-delivered, a2 would see x twice before "after-x"
                b.send("{\"type\":\"publish\",\"topic\":\"t\",\"data\":\"after-x\"}");
                for (RecordingClient c : new RecordingClient[] {a, a2, b2}) {
                    assertEquals("x", awaitPublish(c, null).path("data").asText());
                    assertEquals("after-x", awaitPublish(c, null).path("data").asText(), "x arrived twice");
                }
                assertEquals("after-x", awaitPublish(b, null).path("data").asText());
                assertEquals(4, atB.path("clients").asInt(), "clients counts both nodes' subscribers");

                // a large publish (close to the 64 KiB frame limit) crosses whole
                String big = "y".repeat(60_000);
                a.send("{\"type\":\"publish\",\"topic\":\"t\",\"data\":\"" + big + "\"}");
                assertEquals(big, awaitPublish(b, null).path("data").asText());
                drain(a, a2, b, b2);

                // b unsubscribes: n2 keeps the channel for b2; b gets nothing more
                b.send("{\"type\":\"unsubscribe\",\"topics\":[\"t\"]}");
                ping(b);
                a.send("{\"type\":\"publish\",\"topic\":\"t\",\"data\":\"y1\"}");
                awaitPublish(b2, "y1");
                ping(b);
                assertTrue(b.messages.isEmpty(), "b got a message after unsubscribing: " + b.messages);
                assertEquals(2, nodes.redis.numsub(channel));

                // b2 leaves too: n2 has no subscriber of t, so it drops the channel
                b2.send("{\"type\":\"unsubscribe\",\"topics\":[\"t\"]}");
                ping(b2);
                awaitNumsub(nodes, channel, 1, a);
                a.send("{\"type\":\"publish\",\"topic\":\"t\",\"data\":\"y2\"}");
                awaitPublish(a2, "y2");
                ping(b2);
                assertTrue(b2.messages.isEmpty(), "b2 got a message after unsubscribing: " + b2.messages);
                a.close();
                a2.close();
                awaitNumsub(nodes, channel, 0, b);
            } finally {
                client.stop();
            }
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void crossNodePublishLatency() throws Exception {
        try (RedisNodes nodes = new RedisNodes(SignalingConfig.defaults())) {
            WebSocketClient client = new WebSocketClient();
            client.start();
            try (RecordingClient a = RecordingClient.connect(client, nodes.n1.ws("/compat/y-webrtc"));
                 RecordingClient same = RecordingClient.connect(client, nodes.n1.ws("/compat/y-webrtc"));
                 RecordingClient b = RecordingClient.connect(client, nodes.n2.ws("/compat/y-webrtc"))) {
                for (RecordingClient c : new RecordingClient[] {a, same, b}) {
                    c.send("{\"type\":\"subscribe\",\"topics\":[\"lat\"]}");
                    ping(c);
                }
                crossUntilDelivered(a, b, "lat", "warm");
                int n = 150;   // sequential, well under the 200/s per-connection rate limit's 400 burst
                long[] cross = new long[n];
                long[] local = new long[n];
                for (int i = 0; i < n; i++) {
                    drain(a, same, b);
                    long t0 = System.nanoTime();
                    a.send("{\"type\":\"publish\",\"topic\":\"lat\",\"data\":\"m" + i + "\"}");
                    awaitPublish(same, "m" + i);
                    local[i] = System.nanoTime() - t0;
                    awaitPublish(b, "m" + i);
                    cross[i] = System.nanoTime() - t0;
                }
                System.out.printf("y-webrtc publish latency over %d sequential publishes: same node p50 %.2f ms p99 %.2f ms;"
                                + " other node (via redis-server) p50 %.2f ms p99 %.2f ms%n", n,
                        pct(local, 50), pct(local, 99), pct(cross, 50), pct(cross, 99));
            } finally {
                client.stop();
            }
        }
    }

    private static double pct(long[] nanos, int p) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, s.length * p / 100)] / 1e6;
    }

    /** The bus subscription is asynchronous: publish from {@code from} until {@code to} gets one (at most 50). */
    private static void crossUntilDelivered(RecordingClient from, RecordingClient to, String topic, String tag)
            throws Exception {
        for (int i = 0; i < 50; i++) {
            from.send("{\"type\":\"publish\",\"topic\":\"" + topic + "\",\"data\":\"" + tag + i + "\"}");
            JsonNode m = to.messages.poll(200, TimeUnit.MILLISECONDS);
            while (m != null) {
                if ((tag + i).equals(m.path("data").asText())) {
                    return;
                }
                m = to.messages.poll(50, TimeUnit.MILLISECONDS);
            }
        }
        fail("no publish crossed from one node to the other in 50 tries");
    }

    /**
     * The next publish with {@code data}, or with {@code null} the next one that is not a warm-up: a
     * warm-up publish crossing through the bus can still be in flight when {@link #drain} clears a
     * queue (a ping proves only the client's own node's order).
     */
    private static JsonNode awaitPublish(RecordingClient c, String data) throws InterruptedException {
        return c.await(m -> "publish".equals(m.path("type").asText())
                && (data == null ? !m.path("data").asText().startsWith("warm-") : data.equals(m.path("data").asText())),
                WAIT, "publish " + data);
    }

    private static void ping(RecordingClient c) throws InterruptedException {
        c.send("{\"type\":\"ping\"}");
        c.await(m -> "pong".equals(m.path("type").asText()), WAIT, "pong");
    }

    /** Pings each client and drops what it received so far (in-flight warm-up publishes included). */
    private static void drain(RecordingClient... cs) throws InterruptedException {
        for (RecordingClient c : cs) {
            ping(c);
            c.messages.clear();
        }
    }

    /** UNSUBSCRIBE goes out asynchronously: re-check after each ping round trip on {@code via}, at most 200 times. */
    private static void awaitNumsub(RedisNodes nodes, String channel, long want, RecordingClient via) throws Exception {
        long got = -1;
        for (int i = 0; i < 200 && (got = nodes.redis.numsub(channel)) != want; i++) {
            ping(via);
        }
        assertEquals(want, got, "bus subscriptions of " + channel);
    }
}
