package dev.parley.presence.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.presence.PresenceConfig;
import dev.parley.presence.model.EventId;
import dev.parley.presence.model.UserStatus;
import dev.parley.presence.testing.PresenceNode;
import dev.parley.presence.testing.SseClient;
import dev.parley.presence.testing.SseEvent;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The SSE stream on a real Jetty (in-memory store), read by java.net.http. */
@Timeout(60)
class PresenceStreamIT {

    private PresenceNode node;

    private PresenceNode start(PresenceConfig config) throws Exception {
        node = new PresenceNode(config);
        return node;
    }

    private static PresenceConfig config() {
        return PresenceConfig.defaults("it-node")
                .withTimes(Duration.ofMillis(300), Duration.ofSeconds(3), Duration.ofSeconds(15));
    }

    @AfterEach
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    private static void await(java.util.concurrent.CompletionStage<?> s) throws Exception {
        s.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void snapshotFirstThenJoinLeaveStatusInOrder() throws Exception {
        start(config());
        await(node.service.joinRoom("lobby", "ann", "c-ann", Map.of("name", "Ann")));
        try (SseClient sse = SseClient.open(node.url("/v1/presence/stream?room=lobby"))) {
            assertEquals(200, sse.status);
            SseEvent retry = sse.nextFrame();
            assertEquals(2000L, retry.retry());
            SseEvent snap = sse.next("snapshot");
            JsonNode s = snap.json();
            assertEquals("lobby", s.get("room").asText());
            assertFalse(s.get("fresh").asBoolean());
            assertEquals(1, s.get("members").size());
            assertEquals("ann", s.get("members").get(0).get("user").asText());
            assertEquals("Ann", s.get("members").get(0).get("meta").get("name").asText());
            assertEquals("online", s.get("members").get(0).get("status").asText());
            EventId snapId = EventId.parseOrNull(snap.id());
            assertNotNull(snapId);

            await(node.service.joinRoom("lobby", "bob", "c-bob", Map.of()));
            await(node.service.joinRoom("lobby", "bob", "c-bob2", Map.of()));  // second tab: no event
            await(node.service.setStatus("bob", UserStatus.AWAY));
            await(node.service.leaveRoom("lobby", "c-ann"));

            SseEvent join = sse.next("join");
            assertEquals("bob", join.user());
            SseEvent away = sse.next("status");
            assertEquals("bob", away.user());
            assertEquals("away", away.json().get("status").asText());
            SseEvent leave = sse.next("leave");   // after the 300 ms grace
            assertEquals("ann", leave.user());
            long o1 = EventId.parseOrNull(join.id()).offset();
            long o2 = EventId.parseOrNull(away.id()).offset();
            long o3 = EventId.parseOrNull(leave.id()).offset();
            assertEquals(snapId.offset() + 1, o1);
            assertTrue(o1 < o2 && o2 < o3, "ids increase: " + o1 + " " + o2 + " " + o3);
        }
    }

    @Test
    void resumeWithLastEventIdHeaderOrQueryReplaysOnlyWhatWasMissed() throws Exception {
        start(config());
        String lastId;
        try (SseClient sse = SseClient.open(node.url("/v1/presence/stream?room=r"))) {
            sse.next("snapshot");
            await(node.service.joinRoom("r", "u1", "c1", Map.of()));
            lastId = sse.next("join").id();
        }
        await(node.service.joinRoom("r", "u2", "c2", Map.of()));
        await(node.service.joinRoom("r", "u3", "c3", Map.of()));
        try (SseClient sse = SseClient.open(node.url("/v1/presence/stream?room=r"), Map.of("Last-Event-ID", lastId))) {
            assertEquals("u2", sse.next("join").user());
            assertEquals("u3", sse.next("join").user());
            await(node.service.joinRoom("r", "u4", "c4", Map.of()));
            assertEquals("u4", sse.next("join").user());   // live after the replay, no snapshot in between
        }
        try (SseClient sse = SseClient.open(node.url("/v1/presence/stream?room=r&lastEventId=" + lastId))) {
            assertEquals(List.of("u2", "u3", "u4"), List.of(sse.next("join").user(), sse.next("join").user(), sse.next("join").user()));
        }
    }

    @Test
    void unrecoverableGapOrForeignIdGetsAFreshSnapshot() throws Exception {
        start(config().withLimits(10, 1024));
        String lastId;
        try (SseClient sse = SseClient.open(node.url("/v1/presence/stream?room=big"))) {
            sse.next("snapshot");
            await(node.service.joinRoom("big", "first", "c0", Map.of()));
            lastId = sse.next("join").id();
        }
        for (int i = 1; i <= 15; i++) {   // more than the 10 events the log keeps
            await(node.service.joinRoom("big", "u" + i, "c" + i, Map.of()));
        }
        try (SseClient sse = SseClient.open(node.url("/v1/presence/stream?room=big"), Map.of("Last-Event-ID", lastId))) {
            SseEvent snap = sse.next("snapshot");
            assertTrue(snap.json().get("fresh").asBoolean());
            assertEquals(16, snap.json().get("members").size());
        }
        for (String bogus : List.of("zzzz:3", "garbage")) {
            try (SseClient sse = SseClient.open(node.url("/v1/presence/stream?room=big"), Map.of("Last-Event-ID", bogus))) {
                assertTrue(sse.next("snapshot").json().get("fresh").asBoolean());
            }
        }
    }

    @Test
    void keepAliveCommentsOnAnIdleStream() throws Exception {
        start(config().withTimes(Duration.ofMillis(300), Duration.ofSeconds(3), Duration.ofMillis(200)));
        try (SseClient sse = SseClient.open(node.url("/v1/presence/stream?room=quiet"))) {
            sse.next("snapshot");
            int comments = 0;
            while (comments < 2) {
                SseEvent f = sse.nextFrame();
                if (f.comment() != null) {
                    assertEquals("keep-alive", f.comment());
                    comments++;
                }
            }
        }
    }

    @Test
    void watchlistStreamCarriesOnlyTheWatchedUsersStatus() throws Exception {
        start(config());
        try (SseClient sse = SseClient.open(node.url("/v1/presence/stream?user=ann,bob"))) {
            SseEvent snap = sse.next("snapshot");
            assertEquals(2, snap.json().get("users").size());
            assertEquals("offline", snap.json().get("users").get(0).get("status").asText());
            await(node.service.connect("zed", "cz"));   // not watched
            await(node.service.connect("bob", "cb"));
            await(node.service.setStatus("bob", UserStatus.AWAY));
            await(node.service.disconnect("cb"));
            SseEvent on = sse.next("status");
            assertEquals("bob", on.user());
            assertEquals("online", on.json().get("status").asText());
            assertEquals("away", sse.next("status").json().get("status").asText());
            SseEvent off = sse.next("status");
            assertEquals("offline", off.json().get("status").asText());
            assertTrue(off.json().get("lastSeen").asLong() > 0);
        }
    }

    @Test
    void slowSubscriberIsDroppedWithoutDelayingOthers() throws Exception {
        node = new PresenceNode(config().withLimits(1000, 8), 4096);
        String bigValue = "x".repeat(500);
        Map<String, String> meta = new HashMap<>();
        for (int i = 0; i < 16; i++) {
            meta.put("k" + i, bigValue);   // ~8 KB per join frame
        }
        try (Socket slow = new Socket()) {
            slow.setReceiveBufferSize(4096);
            slow.connect(new java.net.InetSocketAddress("127.0.0.1", node.port()));
            OutputStream out = slow.getOutputStream();
            out.write(("GET /v1/presence/stream?room=busy HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            try (SseClient fast = SseClient.open(node.url("/v1/presence/stream?room=busy"))) {
                fast.next("snapshot");
                // the slow socket never reads: its frames pile up until its buffer of 8 overflows
                int sent = 0;
                long dropped = 0;
                while (dropped == 0 && sent < 400) {
                    await(node.service.joinRoom("busy", "u" + sent, "c" + sent, meta));
                    SseEvent e = fast.next("join");
                    assertEquals("u" + sent, e.user(), "the fast subscriber gets every event, in order");
                    sent++;
                    dropped = (long) node.meters.counter("parley.presence.subscribers.dropped").count();
                }
                assertEquals(1, dropped, "the slow subscriber was dropped after " + sent + " events");
                System.out.println("slow subscriber dropped after " + sent + " events of ~8 KB");
                assertEquals(1, node.service.subscriberCount());
                // the slow socket was aborted: reading it ends in EOF or a reset
                slow.setSoTimeout(10_000);
                InputStream in = slow.getInputStream();
                byte[] buf = new byte[65536];
                try {
                    while (in.read(buf) >= 0) {
                        // drain what the kernel held; the stream then ends
                    }
                } catch (java.net.SocketException reset) {
                    // reset by the server: also fine
                }
                await(node.service.joinRoom("busy", "after", "c-after", Map.of()));
                assertEquals("after", fast.next("join").user());
            }
        }
    }

    @Test
    void tokensFromQueryOrHeaderAndOriginChecks() throws Exception {
        dev.parley.auth.TokenVerifier tokens = dev.parley.auth.TokenVerifier.of("0123456789abcdef0123456789abcdef", java.time.Clock.systemUTC());
        start(config().withAuth(tokens, dev.parley.auth.OriginPolicy.of(List.of("https://app.example.com"))));
        String ann = tokens.mint("ann", List.of("team"), false, false, Duration.ofMinutes(5));
        try (SseClient none = SseClient.open(node.url("/v1/presence/stream?room=team"))) {
            assertEquals(401, none.status);
        }
        try (SseClient q = SseClient.open(node.url("/v1/presence/stream?room=team&access_token=" + ann))) {
            assertEquals(200, q.status);
            q.next("snapshot");
        }
        try (SseClient h = SseClient.open(node.url("/v1/presence/stream?room=team"), Map.of("Authorization", "Bearer " + ann,
                "Origin", "https://app.example.com"))) {
            assertEquals(200, h.status);
            h.next("snapshot");
        }
        try (SseClient other = SseClient.open(node.url("/v1/presence/stream?room=secret&access_token=" + ann))) {
            assertEquals(403, other.status);
        }
        try (SseClient evil = SseClient.open(node.url("/v1/presence/stream?room=team&access_token=" + ann), Map.of("Origin", "https://evil.example"))) {
            assertEquals(403, evil.status);
        }
        try (SseClient bad = SseClient.open(node.url("/v1/presence/stream?access_token=" + ann))) {
            assertEquals(400, bad.status);
        }
    }

    @Test
    void statusPostAndQueries() throws Exception {
        dev.parley.auth.TokenVerifier tokens = dev.parley.auth.TokenVerifier.of("0123456789abcdef0123456789abcdef", java.time.Clock.systemUTC());
        start(config().withAuth(tokens, dev.parley.auth.OriginPolicy.of(List.of())));
        String ann = tokens.mint("ann", null, false, false, Duration.ofMinutes(5));
        String ro = tokens.mint("viewer", null, true, false, Duration.ofMinutes(5));
        await(node.service.joinRoom("team", "ann", "c1", Map.of("name", "Ann")));
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.util.function.BiFunction<String, String, java.net.http.HttpResponse<String>> post = (token, body) -> {
            try {
                return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.url("/v1/presence/status")))
                        .header("Authorization", "Bearer " + token)
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        assertEquals(204, post.apply(ann, "{\"status\":\"away\"}").statusCode());
        assertEquals(400, post.apply(ann, "{\"status\":\"sleepy\"}").statusCode());
        assertEquals(400, post.apply(ann, "not json").statusCode());
        assertEquals(403, post.apply(ro, "{\"status\":\"away\"}").statusCode());
        java.net.http.HttpResponse<String> room = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(node.url("/v1/presence/rooms/team"))).header("Authorization", "Bearer " + ann).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, room.statusCode());
        JsonNode r = dev.parley.presence.wire.Json.MAPPER.readTree(room.body());
        assertEquals("away", r.get("members").get(0).get("status").asText());
        assertNotEquals("", r.get("id").asText());
        java.net.http.HttpResponse<String> users = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(node.url("/v1/presence/users?ids=ann,nobody&access_token=" + ann))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        JsonNode u = dev.parley.presence.wire.Json.MAPPER.readTree(users.body());
        assertEquals(List.of("away", "offline"), List.of(u.get("users").get(0).get("status").asText(), u.get("users").get(1).get("status").asText()));
        List<Integer> codes = new ArrayList<>();
        for (String path : List.of("/v1/presence/nothing", "/v1/presence/users")) {
            codes.add(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.url(path + "?access_token=" + ann))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
        }
        assertEquals(List.of(404, 400), codes);
    }
}
