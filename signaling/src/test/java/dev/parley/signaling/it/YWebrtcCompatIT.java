package dev.parley.signaling.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.signaling.SignalingConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** /compat/y-webrtc against y-webrtc's unmodified npm SignalingConn in Node, plus auth and heartbeat. */
class YWebrtcCompatIT {

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void unmodifiedSignalingConnWorks() throws Exception {
        try (TestServer server = TestServer.devMode(SignalingConfig.defaults())) {
            NodeProject.Result r = NodeProject.node(90, "ywebrtc-signaling.mjs", server.ws("/compat/y-webrtc").toString());
            assertEquals(0, r.exit(), r.output());
            assertTrue(r.output().contains("PASS"), r.output());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void withAuthATokenIsRequiredAndLimitsTopics() throws Exception {
        try (TestServer server = TestServer.withAuth(SignalingConfig.defaults())) {
            WebSocketClient client = new WebSocketClient();
            client.start();
            try {
                try (RecordingClient none = RecordingClient.connect(client, server.ws("/compat/y-webrtc"))) {
                    assertEquals(1008, none.awaitClose());
                }
                String t = server.tokens.mint("alice", List.of("allowed"), false, false, Duration.ofMinutes(5));
                try (RecordingClient a = RecordingClient.connect(client, server.ws("/compat/y-webrtc?access_token=" + t))) {
                    a.send("{\"type\":\"subscribe\",\"topics\":[\"allowed\",\"secret\"]}");
                    a.send("{\"type\":\"publish\",\"topic\":\"secret\",\"data\":1}");
                    a.send("{\"type\":\"publish\",\"topic\":\"allowed\",\"data\":2}");
                    var m = a.await(x -> "publish".equals(x.path("type").asText()), Duration.ofSeconds(10), "publish");
                    assertEquals(2, m.path("data").asInt());
                    assertEquals(1, m.path("clients").asInt());
                    a.send("{\"type\":\"ping\"}");
                    a.await(x -> "pong".equals(x.path("type").asText()), Duration.ofSeconds(10), "pong");
                    assertTrue(a.messages.isEmpty(), "the secret topic leaked: " + a.messages);
                }
            } finally {
                client.stop();
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aClientThatDoesNotPongIsClosed() throws Exception {
        SignalingConfig d = SignalingConfig.defaults();
        SignalingConfig fastPing = new SignalingConfig(d.heartbeat(), d.resumeGrace(), d.helloTimeout(), d.maxFrameBytes(),
                d.ratePerSecond(), d.burst(), d.maxRoomsPerSession(), d.maxPeersPerRoom(), d.maxConnections(),
                d.maxQueuedMessages(), d.maxQueuedBytes(), d.resumeBufferMessages(), d.resumeBufferBytes(), d.peerjsKey(),
                d.peerjsDiscovery(), d.peerjsExpire(), d.peerjsAlive(), Duration.ofMillis(300));
        try (TestServer server = TestServer.devMode(fastPing)) {
            WebSocketClient client = new WebSocketClient();
            client.start();
            try (RecordingClient alive = RecordingClient.connect(client, server.ws("/compat/y-webrtc"))) {
                RecordingClient dead = RecordingClient.connect(client, server.ws("/compat/y-webrtc"));
                dead.send("{\"type\":\"subscribe\",\"topics\":[\"t\"]}");
                dead.send("{\"type\":\"publish\",\"topic\":\"t\",\"data\":-5}");
                dead.await(x -> x.path("data").asInt() == -5, Duration.ofSeconds(10), "dead's echo");
                alive.send("{\"type\":\"subscribe\",\"topics\":[\"t\"]}");
                alive.send("{\"type\":\"publish\",\"topic\":\"t\",\"data\":-2}");
                assertEquals(2, alive.await(x -> x.path("data").asInt() == -2, Duration.ofSeconds(10), "echo").path("clients").asInt());
                dead.stopReading();
                long t0 = System.nanoTime();
                // once the dead one is gone (within two ping intervals), alive's publishes count one client
                int clients = 2;
                for (int i = 0; i < 400 && clients != 1; i++) {
                    alive.send("{\"type\":\"publish\",\"topic\":\"t\",\"data\":" + i + "}");
                    int n = i;
                    clients = alive.await(x -> x.path("data").asInt(-1) == n, Duration.ofSeconds(10), "echo").path("clients").asInt();
                    if (clients != 1) {
                        alive.messages.poll(50, TimeUnit.MILLISECONDS);
                    }
                }
                assertEquals(1, clients);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms >= 300, "closed after " + ms + " ms, before a ping went unanswered");
                dead.drop();
            } finally {
                client.stop();
            }
        }
    }
}
