package dev.parley.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.support.JsonSocket;
import dev.parley.server.support.SseReader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two and three in-process nodes on one real redis-server: rooms, relays and presence span the nodes. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusterRoomsIT extends RedisClusterFixture {

    static InProcessNode node(String id) throws Exception {
        return new InProcessNode(clusterFlags(id, "1500ms", "500ms"));
    }

    @Test
    void rosterEventsSignalsAndRelaysCrossNodes() throws Exception {
        try (InProcessNode a = node("rooms-a"); InProcessNode b = node("rooms-b"); InProcessNode c = node("rooms-c");
             SseReader sseOnB = b.roomStream("standup");
             Peer ann = a.connect(); Peer bob = b.connect(); Peer carol = c.connect()) {
            sseOnB.await("snapshot");

            JsonNode annJoined = ann.join("standup", "Ann");
            assertEquals(0, annJoined.path("peers").size());
            // presence: a join made through signaling on A is seen by an SSE stream on B
            JsonNode pj = JsonSocket.JSON.readTree(sseOnB.await("join").data());
            assertEquals(ann.userId(), pj.path("user").asText());
            assertEquals("Ann", pj.path("meta").path("name").asText());

            JsonNode bobJoined = bob.join("standup", "Bob");
            assertEquals(1, bobJoined.path("peers").size());
            JsonNode annInRoster = bobJoined.path("peers").get(0);
            assertEquals(ann.peerId(), annInRoster.path("peerId").asText());
            assertEquals("Ann", annInRoster.path("meta").path("name").asText());
            JsonNode bobArrived = ann.await("peer-joined");
            assertEquals(bob.peerId(), bobArrived.path("peerId").asText());
            assertEquals("Bob", bobArrived.path("meta").path("name").asText());
            assertNotEquals(annInRoster.path("polite").asBoolean(), bobArrived.path("polite").asBoolean(),
                    "exactly one side of the pair is polite");

            JsonNode carolJoined = carol.join("standup", "Carol");
            assertEquals(2, carolJoined.path("peers").size());
            assertEquals(ann.peerId(), carolJoined.path("peers").get(0).path("peerId").asText(), "join order");
            assertEquals(bob.peerId(), carolJoined.path("peers").get(1).path("peerId").asText(), "join order");
            assertEquals(carol.peerId(), ann.await("peer-joined").path("peerId").asText());
            assertEquals(carol.peerId(), bob.await("peer-joined").path("peerId").asText());

            // a directed signal across nodes, with the server-stamped from
            bob.send("{\"t\":\"signal\",\"to\":\"" + ann.peerId() + "\",\"kind\":\"offer\",\"data\":{\"type\":\"offer\",\"sdp\":\"v=0\"}}");
            JsonNode sig = ann.await("signal");
            assertEquals(bob.peerId(), sig.path("from").asText());
            assertEquals("offer", sig.path("kind").asText());

            // room relays from A reach B and C in order
            for (int i = 0; i < 30; i++) {
                ann.send("{\"t\":\"relay\",\"room\":\"standup\",\"ch\":\"yjs\",\"d\":{\"i\":" + i + "}}");
            }
            for (Peer p : new Peer[] {bob, carol}) {
                for (int i = 0; i < 30; i++) {
                    JsonNode r = p.await("relay");
                    assertEquals(ann.peerId(), r.path("from").asText());
                    assertEquals(i, r.path("d").path("i").asInt(), "in order per sender");
                }
            }
            // a relay to one peer on another node
            carol.send("{\"t\":\"relay\",\"room\":\"standup\",\"to\":\"" + bob.peerId() + "\",\"ch\":\"c\",\"d\":{\"x\":1}}");
            JsonNode direct = bob.await("relay");
            assertEquals(carol.peerId(), direct.path("from").asText());

            // a peer that is gone (never existed anywhere) → peer-gone
            bob.send("{\"t\":\"signal\",\"to\":\"nobody-here1\",\"kind\":\"offer\",\"data\":{\"type\":\"offer\",\"sdp\":\"v=0\"}}");
            assertEquals("peer-gone", bob.await("error").path("code").asText());

            // leaving on C is seen on A and B; a signal to the peer that left is refused
            carol.send("{\"t\":\"leave\",\"room\":\"standup\"}");
            carol.await("left");
            JsonNode left = ann.await("peer-left");
            assertEquals(carol.peerId(), left.path("peerId").asText());
            assertEquals("left", left.path("reason").asText());
            assertEquals(carol.peerId(), bob.await("peer-left").path("peerId").asText());
            bob.send("{\"t\":\"signal\",\"to\":\"" + carol.peerId() + "\",\"kind\":\"offer\",\"data\":{\"type\":\"offer\",\"sdp\":\"v=0\"}}");
            assertEquals("peer-gone", bob.await("error").path("code").asText());

            // an operator broadcast on A reaches the room's members on B too
            java.net.http.HttpResponse<String> bc = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(a.http("/admin/rooms/standup/broadcast"))
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"notice\":\"hi\"}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, bc.statusCode(), bc.body());
            assertEquals("hi", ann.await("broadcast").path("d").path("notice").asText());
            assertEquals("hi", bob.await("broadcast").path("d").path("notice").asText());

            // bye on B: ann sees peer-left{bye}, presence on B's stream sees bob leave after the grace
            bob.send("{\"t\":\"bye\"}");
            JsonNode byeLeft = ann.await("peer-left");
            assertEquals(bob.peerId(), byeLeft.path("peerId").asText());
            assertEquals("bye", byeLeft.path("reason").asText());
            boolean sawBobLeave = false;
            for (int i = 0; i < 10 && !sawBobLeave; i++) {
                JsonNode ev = JsonSocket.JSON.readTree(sseOnB.await("leave").data());
                sawBobLeave = bob.userId().equals(ev.path("user").asText());
            }
            assertTrue(sawBobLeave);
        }
    }

    @Test
    void roomSizeLimitIsClusterWide() throws Exception {
        try (InProcessNode a = node("full-a"); InProcessNode b = node("full-b")) {
            // 64 peers default is too many to open here; the limit check itself is in one Lua script,
            // so two nodes joining the same name concurrently never double-count: join twice the same session
            Peer p = a.connect();
            p.join("solo", "P");
            p.send("{\"t\":\"join\",\"room\":\"solo\"}");
            assertEquals("already-in-room", p.await("error").path("code").asText());
            Peer q = b.connect();
            assertEquals(1, q.join("solo", "Q").path("peers").size());
            p.close();
            q.close();
        }
    }
}
