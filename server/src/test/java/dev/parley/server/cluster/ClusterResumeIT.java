package dev.parley.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.support.JsonSocket;
import dev.parley.server.support.SseReader;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Sessions move between nodes: resume on another node with in-order replay; graceful shutdown without flap. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusterResumeIT extends RedisClusterFixture {

    static InProcessNode node(String id) throws Exception {
        return new InProcessNode(clusterFlags(id, "1500ms", "1s"));
    }

    static String resume(Peer p, long lastSeq) {
        return "{\"t\":\"hello\",\"resume\":{\"sessionId\":\"" + p.sessionId() + "\",\"resumeToken\":\""
                + p.resumeToken() + "\",\"lastSeq\":" + lastSeq + "}}";
    }

    static String offer(String to, int n) {
        return "{\"t\":\"signal\",\"to\":\"" + to + "\",\"kind\":\"offer\",\"data\":{\"type\":\"offer\",\"sdp\":\"v=" + n + "\"}}";
    }

    @Test
    void resumeOnAnotherNodeReplaysEverythingMissedInOrder() throws Exception {
        try (InProcessNode a = node("resume-a"); InProcessNode b = node("resume-b");
             Peer ann = a.connect(); Peer bob = b.connect()) {
            ann.join("call", "Ann");
            bob.join("call", "Bob");
            assertEquals(2, ann.await("peer-joined").path("seq").asLong());
            ann.socket().abort();   // network drop: the session waits on A

            for (int i = 0; i < 5; i++) {
                bob.send(offer(ann.peerId(), i));
                bob.send("{\"t\":\"relay\",\"room\":\"call\",\"ch\":\"c\",\"d\":{\"i\":" + i + "}}");
            }
            // bob's own messages are processed in order; a ping round trip on B, then the resume
            bob.send("{\"t\":\"ping\",\"id\":1}");
            bob.await("pong");

            JsonSocket again = JsonSocket.open(b.ws());
            long t0 = System.nanoTime();
            again.send(resume(ann, 2));
            JsonNode welcome = again.await("welcome");
            long resumeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(welcome.path("resumed").asBoolean(), welcome.toString());
            assertEquals(ann.peerId(), welcome.path("peerId").asText());
            // every missed message, gap-free in seq order; signals and relays each in bob's order
            // (they travel on different topics, so their interleaving is not fixed)
            long seq = 2;
            int signals = 0;
            int relays = 0;
            while (signals + relays < 10) {
                JsonNode m = again.await(x -> x.has("seq"), "a replayed message");
                assertEquals(++seq, m.path("seq").asLong(), "gap-free, in order: " + m);
                if ("signal".equals(m.path("t").asText())) {
                    assertEquals("v=" + signals++, m.path("data").path("sdp").asText());
                } else {
                    assertEquals("relay", m.path("t").asText());
                    assertEquals(relays++, m.path("d").path("i").asInt());
                }
            }
            // live traffic continues on B, numbered after the replay, both ways
            bob.send(offer(ann.peerId(), 99));
            assertEquals(seq + 1, again.await("signal").path("seq").asLong());
            again.send(offer(bob.peerId(), 7));
            assertEquals(ann.peerId(), bob.await("signal").path("from").asText());
            // ann never left the room in bob's eyes
            assertTrue(bob.socket().messages.stream().noneMatch(m -> "peer-left".equals(m.path("t").asText())));
            System.out.println("cross-node resume: hello{resume} -> welcome in " + resumeMs + " ms");

            // a wrong token on another node is refused and starts a fresh session
            JsonSocket wrong = JsonSocket.open(a.ws());
            wrong.send("{\"t\":\"hello\",\"resume\":{\"sessionId\":\"" + ann.sessionId()
                    + "\",\"resumeToken\":\"not-the-token-at-all1234\",\"lastSeq\":0}}");
            assertEquals("resume-failed", wrong.await("error").path("code").asText());
            JsonNode fresh = wrong.await("welcome");
            assertNotEquals(ann.peerId(), fresh.path("peerId").asText());
            wrong.close();
            again.close();
        }
    }

    @Test
    void gracefulShutdownMovesClientsWithoutPresenceFlap() throws Exception {
        InProcessNode a = new InProcessNode(clusterFlags("drain-a", "1500ms", "2s"));
        try (InProcessNode b = new InProcessNode(clusterFlags("drain-b", "1500ms", "2s")); SseReader sse = b.roomStream("g"); Peer bob = b.connect()) {
            sse.await("snapshot");
            Peer ann = a.connect();
            ann.join("g", "Ann");
            bob.join("g", "Bob");
            ann.await("peer-joined");
            sse.await("join");
            sse.await("join");

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> a.node.shutdown(Duration.ofSeconds(3)));
            JsonNode bye = ann.await("bye");
            assertEquals("reconnect", bye.path("action").asText());
            long t0 = System.nanoTime();
            JsonSocket moved = JsonSocket.open(b.ws());
            moved.send(resume(ann, 2));
            JsonNode welcome = moved.await("welcome");
            System.out.println("graceful shutdown: bye -> resumed on another node in "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
            assertTrue(welcome.path("resumed").asBoolean(), welcome.toString());
            stopping.get(20, TimeUnit.SECONDS);

            bob.send(offer(ann.peerId(), 1));
            assertEquals(bob.peerId(), moved.await("signal").path("from").asText());
            // well past presence grace + lease TTL: no leave on the stream, no peer-left for bob
            SseReader.Event e = sse.events.poll(3500, TimeUnit.MILLISECONDS);
            assertTrue(e == null || !"leave".equals(e.event()), "presence did not flap: " + (e == null ? "" : e.data()));
            assertTrue(bob.socket().messages.stream().noneMatch(m -> "peer-left".equals(m.path("t").asText())),
                    "bob never saw ann leave");
            moved.close();
        } finally {
            a.close();
        }
    }
}
