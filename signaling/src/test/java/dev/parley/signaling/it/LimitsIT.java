package dev.parley.signaling.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.signaling.SignalingConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.websocket.api.ExtensionConfig;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every limit of PROTOCOL.md: frame size, rate, rooms, peers, connections, hello timeout, slow consumers. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LimitsIT extends ServerFixture {

    @Test
    void oversizeFrameClosesWith1009() throws Exception {
        server = TestServer.devMode(SignalingConfig.defaults());
        try (RecordingClient a = connect()) {
            a.hello();
            a.send("{\"t\":\"ping\",\"id\":\"" + "x".repeat(70_000) + "\"}");
            assertEquals(1009, a.awaitClose());
        }
    }

    @Test
    void rateLimitAnswersWithRetryAfterAndKeepsTheConnection() throws Exception {
        server = TestServer.devMode(SignalingConfig.defaults().withLimits(5, 5, 16, 50, 100));
        try (RecordingClient a = connect()) {
            a.hello();
            for (int i = 0; i < 8; i++) {
                a.send("{\"t\":\"ping\",\"id\":" + i + "}");
            }
            int pongs = 0;
            long retryAfter = 0;
            for (int i = 0; i < 8; i++) {
                JsonNode m = a.messages.poll(10, TimeUnit.SECONDS);
                if ("pong".equals(m.path("t").asText())) {
                    pongs++;
                } else {
                    assertEquals("rate-limited", m.path("code").asText());
                    assertFalse(m.path("fatal").asBoolean());
                    retryAfter = Math.max(retryAfter, m.path("retryAfterMs").asLong());
                }
            }
            assertTrue(pongs >= 4 && pongs < 8, pongs + " pongs"); // the hello took a token too
            assertTrue(retryAfter > 0);
            // a client that waits retryAfterMs is served again on the same connection
            CompletableFuture.runAsync(() -> a.send("{\"t\":\"ping\",\"id\":\"again\"}"),
                    CompletableFuture.delayedExecutor(retryAfter + 50, TimeUnit.MILLISECONDS));
            assertEquals("again", a.expect("pong").path("id").asText());
            assertFalse(a.closed.isDone());
        }
    }

    @Test
    void floodingPastTheLimitIsFatal1008() throws Exception {
        server = TestServer.devMode(SignalingConfig.defaults().withLimits(1, 2, 16, 50, 100));
        try (RecordingClient a = connect()) {
            a.hello();
            for (int i = 0; i < 50; i++) {
                a.send("{\"t\":\"ping\"}");
            }
            JsonNode fatal = a.await(m -> "rate-limit-abuse".equals(m.path("code").asText()), Duration.ofSeconds(10), "abuse");
            assertTrue(fatal.path("fatal").asBoolean());
            assertEquals(1008, a.awaitClose());
        }
    }

    @Test
    void roomsPerSessionAndPeersPerRoom() throws Exception {
        server = TestServer.devMode(SignalingConfig.defaults().withLimits(100, 100, 2, 2, 100));
        try (RecordingClient a = connect(); RecordingClient b = connect(); RecordingClient c = connect()) {
            a.hello();
            b.hello();
            c.hello();
            a.send("{\"t\":\"join\",\"room\":\"r1\"}");
            a.expect("joined");
            a.send("{\"t\":\"join\",\"room\":\"r2\"}");
            a.expect("joined");
            a.send("{\"t\":\"join\",\"room\":\"r3\"}");
            assertEquals("too-many-rooms", a.expect("error").path("code").asText());
            a.send("{\"t\":\"join\",\"room\":\"r1\"}");
            assertEquals("already-in-room", a.expect("error").path("code").asText());
            b.send("{\"t\":\"join\",\"room\":\"r1\"}");
            b.expect("joined");
            c.send("{\"t\":\"join\",\"room\":\"r1\"}");
            JsonNode full = c.expect("error");
            assertEquals("room-full", full.path("code").asText());
            assertFalse(full.path("fatal").asBoolean());
            c.send("{\"t\":\"ping\"}");
            c.expect("pong");
        }
    }

    @Test
    void connectionsPerNodeAreCapped() throws Exception {
        server = TestServer.devMode(SignalingConfig.defaults().withLimits(100, 100, 2, 2, 2));
        try (RecordingClient a = connect(); RecordingClient b = connect(); RecordingClient c = connect()) {
            JsonNode full = c.expect("error");
            assertEquals("server-full", full.path("code").asText());
            assertTrue(full.path("fatal").asBoolean());
            assertEquals(1013, c.awaitClose());
            a.hello();
            b.hello();
        }
        // slots come back when connections close
        try (RecordingClient d = connect()) {
            d.hello();
        }
    }

    @Test
    void helloTimeoutCloses1008() throws Exception {
        SignalingConfig d = SignalingConfig.defaults().withHeartbeat(Duration.ofMillis(300));
        server = TestServer.devMode(new SignalingConfig(d.heartbeat(), d.resumeGrace(), Duration.ofMillis(300),
                d.maxFrameBytes(), d.ratePerSecond(), d.burst(), d.maxRoomsPerSession(), d.maxPeersPerRoom(),
                d.maxConnections(), d.maxQueuedMessages(), d.maxQueuedBytes(), d.resumeBufferMessages(),
                d.resumeBufferBytes(), d.peerjsKey(), d.peerjsDiscovery(), d.peerjsExpire(), d.peerjsAlive(),
                d.ywebrtcPing()));
        try (RecordingClient a = connect()) {
            assertEquals("hello-timeout", a.expect("error").path("code").asText());
            assertEquals(1008, a.awaitClose());
        }
    }

    @Test
    void slowConsumerIsDroppedAndDoesNotSlowOthers() throws Exception {
        server = TestServer.devMode(SignalingConfig.defaults().withResumeGrace(Duration.ofMillis(100))
                .withQueues(64, 1 << 20, 512, 1 << 20));
        // the stalled reader gets a small socket receive buffer, or the kernel would absorb megabytes first
        ClientConnector small = new ClientConnector();
        small.setReceiveBufferSize(16 * 1024);
        WebSocketClient slowClient = new WebSocketClient(new HttpClient(new HttpClientTransportOverHTTP(small)));
        slowClient.start();
        try (RecordingClient a = connect(); RecordingClient fast = connect()) {
            RecordingClient slow = RecordingClient.connect(slowClient, server.ws("/v1/signal"));
            a.hello();
            fast.hello();
            String ps = slow.hello().path("peerId").asText();
            for (RecordingClient x : new RecordingClient[]{a, fast, slow}) {
                x.send("{\"t\":\"join\",\"room\":\"r\"}");
                x.await("joined");
            }
            slow.stopReading();
            String blob = "y".repeat(16_000);
            int n = 400; // 6.4 MB: more than the server's send buffer (tcp_wmem max 4 MB) and the small receive buffer
            for (int i = 0; i < n; i++) {
                a.send("{\"t\":\"relay\",\"room\":\"r\",\"ch\":\"c\",\"d\":{\"i\":" + i + ",\"b\":\"" + blob + "\"}}");
            }
            JsonNode left = null;
            for (int i = 0; i < n; ) {
                JsonNode m = fast.expectAny();
                if ("peer-left".equals(m.path("t").asText())) {
                    left = m;
                    continue;
                }
                if ("peer-joined".equals(m.path("t").asText())) {
                    continue;
                }
                assertEquals("relay", m.path("t").asText());
                assertEquals(i++, m.path("d").path("i").asInt());
            }
            if (left == null) {
                left = fast.await("peer-left");
            }
            assertEquals(ps, left.path("peerId").asText());
            assertTrue(server.counter("parley.signaling.errors", "code", "slow-consumer") >= 1);
            slow.drop();
        } finally {
            slowClient.stop();
        }
    }

    @Test
    void permessageDeflateIsNegotiatedWhenOffered() throws Exception {
        server = TestServer.devMode(SignalingConfig.defaults());
        RecordingClient a = new RecordingClient();
        ClientUpgradeRequest req = new ClientUpgradeRequest(server.ws("/v1/signal"));
        req.addExtensions("permessage-deflate");
        var session = client.connect(a, req).get(10, TimeUnit.SECONDS);
        try (a) {
            assertTrue(session.getUpgradeResponse().getExtensions().stream()
                    .map(ExtensionConfig::getName).anyMatch("permessage-deflate"::equals));
            a.hello();
            a.send("{\"t\":\"join\",\"room\":\"big\"}");
            a.expect("joined");
        }
        // and not forced on clients that do not offer it
        try (RecordingClient b = RecordingClient.connect(client, server.ws("/v1/signal"), Map.of())) {
            assertTrue(b.session().getUpgradeResponse().getExtensions().isEmpty());
        }
    }
}
