package dev.parley.signaling.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.signaling.SignalingConfig;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * /compat/peerjs/ on two nodes sharing a real redis-server (bus + directory): the PeerJS realm
 * spans the nodes. The unmodified peerjs client in two headless Chromium pages, one per node, and
 * protocol-level checks with the recording client speaking PeerJS's socket protocol.
 */
class PeerjsClusterIT {

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void peerjsDataConnectionBetweenChromiumPagesOnTwoNodes() throws Exception {
        try (RedisNodes nodes = new RedisNodes(SignalingConfig.defaults(), true)) {
            NodeProject.Result r = NodeProject.node(120, "peerjs-chromium.mjs", "http://127.0.0.1:" + nodes.n1.port(),
                    "/compat/peerjs/", "http://127.0.0.1:" + nodes.n2.port());
            assertEquals(0, r.exit(), r.output());
            assertTrue(r.output().contains("PASS"), r.output());
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final SignalingConfig CONFIG = SignalingConfig.defaults()
            .withPeerjs(false, Duration.ofMillis(1500), Duration.ofSeconds(90));

    private static URI peer(TestServer n, String id, String token) {
        return n.ws("/compat/peerjs/peerjs?key=peerjs&id=" + id + "&token=" + token);
    }

    private static JsonNode awaitType(RecordingClient c, String type) throws InterruptedException {
        return c.await(m -> type.equals(m.path("type").asText()), WAIT, type);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anIdIsTakenClusterWideAndTheSameTokenReattachesOnAnotherNode() throws Exception {
        try (RedisNodes nodes = new RedisNodes(CONFIG, true)) {
            WebSocketClient client = new WebSocketClient();
            client.start();
            try (RecordingClient a = RecordingClient.connect(client, peer(nodes.n1, "alice", "tok-1"))) {
                awaitType(a, "OPEN");
                try (RecordingClient thief = RecordingClient.connect(client, peer(nodes.n2, "alice", "tok-2"))) {
                    awaitType(thief, "ID-TAKEN");
                    thief.awaitClose();
                }
                // a network drop: the same id and token come back through the load balancer on n2
                try (RecordingClient again = RecordingClient.connect(client, peer(nodes.n2, "alice", "tok-1"))) {
                    awaitType(again, "OPEN");
                    a.awaitClose();   // n1 dropped its stale socket
                    // and n1 no longer claims alice: a message from n1 reaches her on n2
                    try (RecordingClient bob = RecordingClient.connect(client, peer(nodes.n1, "bob", "tok-b"))) {
                        awaitType(bob, "OPEN");
                        bob.send("{\"type\":\"OFFER\",\"dst\":\"alice\",\"payload\":{\"sdp\":\"v=0\"}}");
                        assertEquals("bob", awaitType(again, "OFFER").path("src").asText());
                    }
                    // still taken for other tokens, on either node
                    try (RecordingClient thief = RecordingClient.connect(client, peer(nodes.n1, "alice", "tok-2"))) {
                        awaitType(thief, "ID-TAKEN");
                    }
                }
            } finally {
                client.stop();
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void offerAnswerCandidatesAndLeaveCrossNodesInOrder() throws Exception {
        try (RedisNodes nodes = new RedisNodes(CONFIG, true)) {
            WebSocketClient client = new WebSocketClient();
            client.start();
            try (RecordingClient p1 = RecordingClient.connect(client, peer(nodes.n1, "p1", "t1"));
                 RecordingClient p2 = RecordingClient.connect(client, peer(nodes.n2, "p2", "t2"))) {
                awaitType(p1, "OPEN");
                awaitType(p2, "OPEN");
                p1.send("{\"type\":\"OFFER\",\"dst\":\"p2\",\"payload\":{\"sdp\":\"offer-sdp\",\"type\":\"media\"}}");
                JsonNode offer = awaitType(p2, "OFFER");
                assertEquals("p1", offer.path("src").asText());
                assertEquals("p2", offer.path("dst").asText());
                assertEquals("offer-sdp", offer.path("payload").path("sdp").asText());
                p2.send("{\"type\":\"ANSWER\",\"dst\":\"p1\",\"payload\":{\"sdp\":\"answer-sdp\"}}");
                JsonNode answer = awaitType(p1, "ANSWER");
                assertEquals("p2", answer.path("src").asText());
                for (int i = 0; i < 30; i++) {
                    p1.send("{\"type\":\"CANDIDATE\",\"dst\":\"p2\",\"payload\":{\"n\":" + i + "}}");
                }
                for (int i = 0; i < 30; i++) {
                    assertEquals(i, awaitType(p2, "CANDIDATE").path("payload").path("n").asInt(), "candidates in order");
                }
                p2.send("{\"type\":\"LEAVE\",\"dst\":\"p1\"}");
                assertEquals("p2", awaitType(p1, "LEAVE").path("src").asText());
                assertTrue(p1.messages.isEmpty() && p2.messages.isEmpty(), "nothing extra: " + p1.messages + p2.messages);
            } finally {
                client.stop();
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anIdConnectedNowhereExpiresOrGetsItsQueueWhereItAttaches() throws Exception {
        try (RedisNodes nodes = new RedisNodes(CONFIG, true)) {
            WebSocketClient client = new WebSocketClient();
            client.start();
            try (RecordingClient p1 = RecordingClient.connect(client, peer(nodes.n1, "p1", "t1"))) {
                awaitType(p1, "OPEN");
                // connected nowhere: queued, then EXPIRE after the expire timeout (1.5 s here, 5 s by default)
                long t0 = System.nanoTime();
                p1.send("{\"type\":\"OFFER\",\"dst\":\"ghost\",\"payload\":{\"sdp\":\"x\"}}");
                JsonNode expired = awaitType(p1, "EXPIRE");
                assertEquals("ghost", expired.path("src").asText());
                assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(1400).toNanos(), "EXPIRE came too early");

                // queued on n1, then "late" attaches on n2: the queue follows it there, after OPEN
                p1.send("{\"type\":\"OFFER\",\"dst\":\"late\",\"payload\":{\"sdp\":\"queued\"}}");
                p1.send("{\"type\":\"CANDIDATE\",\"dst\":\"late\",\"payload\":{\"n\":1}}");
                try (RecordingClient late = RecordingClient.connect(client, peer(nodes.n2, "late", "tl"))) {
                    assertEquals("OPEN", late.expectAny().path("type").asText());
                    JsonNode offer = late.expectAny();
                    assertEquals("OFFER", offer.path("type").asText());
                    assertEquals("queued", offer.path("payload").path("sdp").asText());
                    assertEquals("CANDIDATE", late.expectAny().path("type").asText());
                }
            } finally {
                client.stop();
            }
        }
    }
}
