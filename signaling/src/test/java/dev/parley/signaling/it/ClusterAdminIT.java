package dev.parley.signaling.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.auth.TokenVerifier;
import dev.parley.signaling.SignalingConfig;
import dev.parley.signaling.cluster.RoomDirectory;
import dev.parley.signaling.cluster.redis.RedisRoomDirectory;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The operator API and PeerJS discovery see the whole cluster: two nodes (two Jetty servers) on one
 * real redis-server (bus and room directory), with auth on.
 */
class ClusterAdminIT {

    private static final TokenVerifier TOKENS = TokenVerifier.of(TestServer.AUTH_SECRET, Clock.systemUTC());
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> call(TestServer s, String method, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(s.http(path)).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return RecordingClient.JSON.readTree(r.body());
    }

    /** A connected client that joined {@code room} (its {@code joined} seen), and its peer id. */
    private record Peer(RecordingClient c, String id, JsonNode welcome) implements AutoCloseable {
        @Override
        public void close() {
            c.close();
        }
    }

    private static Peer member(WebSocketClient client, TestServer node, String user, String room) throws Exception {
        String token = TOKENS.mint(user, null, false, false, Duration.ofMinutes(5));
        RecordingClient c = RecordingClient.connect(client, node.ws("/v1/signal?access_token=" + token));
        JsonNode welcome = c.hello();
        c.send("{\"t\":\"join\",\"room\":\"" + room + "\"}");
        c.await("joined");
        return new Peer(c, welcome.path("peerId").asText(), welcome);
    }

    private static JsonNode room(JsonNode list, String name) {
        for (JsonNode r : list) {
            if (name.equals(r.path("room").asText())) {
                return r;
            }
        }
        return null;
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void roomsPeersAndKickFromAnyNode() throws Exception {
        try (RedisNodes nodes = new RedisNodes(SignalingConfig.defaults(), true, TOKENS)) {
            String admin = TOKENS.mint("ops", null, false, true, Duration.ofMinutes(5));
            String user = TOKENS.mint("carol", null, false, false, Duration.ofMinutes(5));
            WebSocketClient client = new WebSocketClient();
            client.start();
            try (Peer a = member(client, nodes.n1, "alice", "alpha");
                 Peer b = member(client, nodes.n2, "bob", "alpha");
                 Peer c = member(client, nodes.n2, "carl", "alpha");
                 Peer d = member(client, nodes.n2, "dora", "beta")) {
                // every join is in the directory before its joined: the listing is exact from either node
                for (TestServer asked : new TestServer[] {nodes.n1, nodes.n2}) {
                    HttpResponse<String> r = call(asked, "GET", "/admin/rooms", admin);
                    assertEquals(200, r.statusCode(), r.body());
                    JsonNode list = json(r);
                    assertEquals(2, list.size(), r.body());
                    assertEquals("alpha", list.get(0).path("room").asText(), "name order");
                    assertEquals(3, list.get(0).path("peers").asInt());
                    assertEquals(1, list.get(0).path("nodes").path("n1").asInt());
                    assertEquals(2, list.get(0).path("nodes").path("n2").asInt());
                    assertEquals("beta", list.get(1).path("room").asText());
                    assertEquals(1, list.get(1).path("peers").asInt());
                    assertEquals(1, list.get(1).path("nodes").path("n2").asInt());
                    assertTrue(list.get(1).path("nodes").path("n1").isMissingNode());
                }
                // pages in name order
                HttpResponse<String> first = call(nodes.n1, "GET", "/admin/rooms?limit=1", admin);
                assertEquals(1, json(first).size());
                assertEquals("alpha", first.headers().firstValue("Parley-Next-After").orElseThrow());
                JsonNode second = json(call(nodes.n1, "GET", "/admin/rooms?limit=1&after=alpha", admin));
                assertEquals("beta", second.get(0).path("room").asText());
                assertEquals(400, call(nodes.n1, "GET", "/admin/rooms?limit=0", admin).statusCode());

                // a room with no member on the node asked is listed from the directory
                HttpResponse<String> betaPeers = call(nodes.n1, "GET", "/admin/rooms/beta/peers", admin);
                assertEquals(200, betaPeers.statusCode(), betaPeers.body());
                assertEquals(d.id(), json(betaPeers).get(0).path("peerId").asText());
                assertEquals("dora", json(betaPeers).get(0).path("userId").asText());
                assertEquals("remote", json(betaPeers).get(0).path("state").asText());
                assertEquals("n2", json(betaPeers).get(0).path("node").asText());
                assertEquals(404, call(nodes.n1, "GET", "/admin/rooms/nowhere/peers", admin).statusCode());

                // auth as before, on every node and for every operation
                for (TestServer asked : new TestServer[] {nodes.n1, nodes.n2}) {
                    assertEquals(401, call(asked, "GET", "/admin/rooms", null).statusCode());
                    assertEquals(403, call(asked, "GET", "/admin/rooms", user).statusCode());
                    assertEquals(401, call(asked, "POST", "/admin/rooms/alpha/peers/" + b.id() + "/kick", null).statusCode());
                    assertEquals(403, call(asked, "POST", "/admin/rooms/alpha/peers/" + b.id() + "/kick", user).statusCode());
                }

                // kick from n1 of a peer held by n2: confirmed by n2, the session ends, everyone sees it leave
                long t0 = System.nanoTime();
                HttpResponse<String> kick = call(nodes.n1, "POST", "/admin/rooms/alpha/peers/" + b.id() + "/kick", admin);
                System.out.printf("[measure] cross-node kick, HTTP round trip: %.1f ms%n", (System.nanoTime() - t0) / 1e6);
                assertEquals(200, kick.statusCode(), kick.body());
                assertTrue(json(kick).path("kicked").asBoolean());
                assertEquals("n2", json(kick).path("node").asText());
                assertEquals("kicked", b.c().await("error").path("code").asText());
                assertEquals("disconnect", b.c().await("bye").path("action").asText());
                assertEquals(1008, b.c().awaitClose());
                for (Peer other : new Peer[] {a, c}) {
                    JsonNode left = other.c().await("peer-left");
                    assertEquals(b.id(), left.path("peerId").asText());
                    assertEquals("kicked", left.path("reason").asText());
                }
                assertEquals(1.0, nodes.n2.counter("parley.signaling.errors", "code", "kicked"));
                // gone: a second kick, from either node, finds nobody
                assertEquals(404, call(nodes.n1, "POST", "/admin/rooms/alpha/peers/" + b.id() + "/kick", admin).statusCode());
                assertEquals(404, call(nodes.n2, "POST", "/admin/rooms/alpha/peers/" + b.id() + "/kick", admin).statusCode());
                // unknown peer, and a real peer named in a room it is not in
                assertEquals(404, call(nodes.n1, "POST", "/admin/rooms/alpha/peers/nobody/kick", admin).statusCode());
                assertEquals(404, call(nodes.n1, "POST", "/admin/rooms/alpha/peers/" + d.id() + "/kick", admin).statusCode());

                // a kick on the node that holds the peer stays local
                HttpResponse<String> local = call(nodes.n2, "POST", "/admin/rooms/beta/peers/" + d.id() + "/kick", admin);
                assertEquals(200, local.statusCode(), local.body());
                assertEquals("n2", json(local).path("node").asText());
                assertEquals(1008, d.c().awaitClose());

                // a session kicked by another node cannot be resumed, on any node
                String token = TOKENS.mint("bob", null, false, false, Duration.ofMinutes(5));
                try (RecordingClient again = RecordingClient.connect(client, nodes.n1.ws("/v1/signal?access_token=" + token))) {
                    again.send("{\"t\":\"hello\",\"resume\":{\"sessionId\":\"" + b.welcome().path("sessionId").asText()
                            + "\",\"resumeToken\":\"" + b.welcome().path("resumeToken").asText() + "\",\"lastSeq\":0}}");
                    assertEquals("resume-failed", again.await("error").path("code").asText());
                    JsonNode fresh = again.await("welcome");
                    assertEquals(false, fresh.path("resumed").asBoolean());
                    assertNotEquals(b.id(), fresh.path("peerId").asText());
                }
            } finally {
                client.stop();
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aKickWhoseNodeDoesNotAnswerIsA504WithinTheWait() throws Exception {
        try (RedisNodes nodes = new RedisNodes(SignalingConfig.defaults(), true, TOKENS);
             RedisRoomDirectory raw = new RedisRoomDirectory(nodes.redis.uri(), Duration.ofSeconds(15))) {
            raw.start();
            // a member held by node n9, whose lease is live but which runs no Parley (it hangs)
            raw.renew("n9", System.currentTimeMillis() + 60_000).toCompletableFuture().get(5, TimeUnit.SECONDS);
            raw.put("ghost-room", new RoomDirectory.Entry("p9", "u9", "{}", "n9", 1)).toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            String admin = TOKENS.mint("ops", null, false, true, Duration.ofMinutes(5));
            JsonNode listed = room(json(call(nodes.n1, "GET", "/admin/rooms", admin)), "ghost-room");
            assertEquals(1, listed.path("nodes").path("n9").asInt());
            long t0 = System.nanoTime();
            HttpResponse<String> kick = call(nodes.n1, "POST", "/admin/rooms/ghost-room/peers/p9/kick", admin);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals(504, kick.statusCode(), kick.body());
            assertEquals("node-timeout", json(kick).path("error").asText());
            assertEquals("n9", json(kick).path("node").asText());
            assertTrue(ms >= 1900 && ms < 10_000, "answered after " + ms + " ms");

            // a larger listing: 500 rooms of 4 members on two nodes, pages of 1,000 and of 100
            java.util.List<java.util.concurrent.CompletableFuture<Void>> puts = new java.util.ArrayList<>();
            for (int r = 0; r < 500; r++) {
                for (int m = 0; m < 4; m++) {
                    puts.add(raw.put(String.format("bulk-%03d", r), new RoomDirectory.Entry("p" + r + "-" + m, "u",
                            "{\"n\":" + m + "}", m % 2 == 0 ? "n1" : "n2", m + 1)).toCompletableFuture());
                }
            }
            java.util.concurrent.CompletableFuture.allOf(puts.toArray(java.util.concurrent.CompletableFuture[]::new))
                    .get(30, TimeUnit.SECONDS);
            for (int round = 0; round < 3; round++) {
                long l0 = System.nanoTime();
                JsonNode all = json(call(nodes.n2, "GET", "/admin/rooms?limit=1000", admin));
                double allMs = (System.nanoTime() - l0) / 1e6;
                assertEquals(501, all.size());
                JsonNode bulk = room(all, "bulk-123");
                assertEquals(4, bulk.path("peers").asInt());
                assertEquals(2, bulk.path("nodes").path("n1").asInt());
                l0 = System.nanoTime();
                HttpResponse<String> page = call(nodes.n2, "GET", "/admin/rooms?limit=100&after=bulk-199", admin);
                double pageMs = (System.nanoTime() - l0) / 1e6;
                assertEquals("bulk-200", json(page).get(0).path("room").asText());
                assertEquals("bulk-299", page.headers().firstValue("Parley-Next-After").orElseThrow());
                System.out.printf("[measure] GET /admin/rooms, 501 rooms / 2,001 members: %.1f ms; a page of 100: %.1f ms%n",
                        allMs, pageMs);
            }
        }
    }

    private static final SignalingConfig DISCOVERY = SignalingConfig.defaults()
            .withPeerjs(true, Duration.ofSeconds(5), Duration.ofSeconds(90));

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void peerjsPeersAndFreshIdsSpanTheCluster() throws Exception {
        try (RedisNodes nodes = new RedisNodes(DISCOVERY, true)) {
            WebSocketClient client = new WebSocketClient();
            client.start();
            try (RecordingClient p1 = RecordingClient.connect(client,
                         nodes.n1.ws("/compat/peerjs/peerjs?key=peerjs&id=one&token=t1"));
                 RecordingClient p2 = RecordingClient.connect(client,
                         nodes.n2.ws("/compat/peerjs/peerjs?key=peerjs&id=two&token=t2"))) {
                // OPEN comes once the id is claimed in the directory (and indexed)
                assertEquals("OPEN", p1.expectAny().path("type").asText());
                assertEquals("OPEN", p2.expectAny().path("type").asText());
                for (TestServer asked : new TestServer[] {nodes.n1, nodes.n2}) {
                    HttpResponse<String> r = call(asked, "GET", "/compat/peerjs/peerjs/peers", null);
                    assertEquals(200, r.statusCode(), r.body());
                    Set<String> ids = new HashSet<>();
                    json(r).forEach(n -> ids.add(n.asText()));
                    assertEquals(Set.of("one", "two"), ids, "listed from " + asked.port());
                    HttpResponse<String> id = call(asked, "GET", "/compat/peerjs/peerjs/id", null);
                    assertEquals(200, id.statusCode());
                    assertTrue(id.body().matches("[0-9a-f-]{36}"), id.body());
                }
                assertEquals(404, call(nodes.n1, "GET", "/compat/peerjs/wrong-key/peers", null).statusCode());
            } finally {
                client.stop();
            }
        }
    }
}
