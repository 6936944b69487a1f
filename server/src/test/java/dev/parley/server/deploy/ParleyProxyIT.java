package dev.parley.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.ParleyNode;
import dev.parley.server.config.ParleyConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parley's own streaming endpoints through the real proxy config (nginx on loopback) in front of two
 * in-process Parley nodes: native signaling over WebSocket with room affinity, and the presence SSE
 * stream, each surviving the death (or drain) of the node it was on by reconnecting through the
 * proxy to the other node.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ParleyProxyIT {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void roomMembersShareANodeAndRegroupOnTheOtherWhenItDies(@TempDir Path dir) throws Exception {
        try (ParleyNode a = node("a"); ParleyNode b = node("b");
             NginxProcess nginx = NginxProcess.start(dir, hostPort(a), hostPort(b))) {
            URI url = URI.create("ws://127.0.0.1:" + nginx.port + "/v1/signal?room=standup");
            Peer alice = Peer.join(http, url, "standup");
            Peer bob = Peer.join(http, url, "standup");
            assertEquals(List.of(alice.peerId), bob.peersAtJoin, "room affinity: bob's node knows alice");
            assertEquals(bob.peerId, alice.ws.expect("peer-joined").path("peerId").asText());
            ParleyNode host = signalingConnections(a) > 0 ? a : b;
            ParleyNode other = host == a ? b : a;
            assertEquals(2, signalingConnections(host), "both on one node");

            host.halt(); // crash
            assertTrue(alice.ws.awaitClose() != null && bob.ws.awaitClose() != null, "both sessions end with their node");

            // Reconnect through the proxy and try to resume: the session lived in the dead node's
            // memory, so the new node answers resume-failed and a fresh welcome; the peers rejoin.
            Peer alice2 = Peer.resume(http, url, alice, "standup");
            Peer bob2 = Peer.resume(http, url, bob, "standup");
            assertEquals(List.of(alice2.peerId), bob2.peersAtJoin, "regrouped on one node");
            assertEquals(2, signalingConnections(other), "on the surviving node");
            // and they can signal each other there
            alice2.ws.send("{\"t\":\"signal\",\"to\":\"" + bob2.peerId + "\",\"kind\":\"end-of-candidates\"}");
            JsonNode sig = bob2.ws.expect("signal");
            assertEquals(alice2.peerId, sig.path("from").asText());
        }
    }

    @Test
    void aDrainingNodeSendsItsClientsToTheOther(@TempDir Path dir) throws Exception {
        try (ParleyNode a = node("a"); ParleyNode b = node("b");
             NginxProcess nginx = NginxProcess.start(dir, hostPort(a), hostPort(b))) {
            URI url = URI.create("ws://127.0.0.1:" + nginx.port + "/v1/signal?room=retro");
            Peer carol = Peer.join(http, url, "retro");
            ParleyNode host = signalingConnections(a) > 0 ? a : b;
            ParleyNode other = host == a ? b : a;

            Thread drain = new Thread(() -> host.shutdown(Duration.ofSeconds(3)), "drain");
            drain.start(); // what SIGTERM does
            JsonNode bye = carol.ws.expect("bye");
            assertEquals("reconnect", bye.path("action").asText(), bye.toString());
            assertEquals(WsClient.CLOSED + "1012", carol.ws.awaitClose(), "close 1012 (service restart)");

            Peer carol2 = Peer.resume(http, url, carol, "retro");
            assertNotEquals(carol.peerId, carol2.peerId);
            assertEquals(1, signalingConnections(other), "the reconnect lands on the node that is not draining");
            drain.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    @Test
    void presenceStreamResumesOnTheOtherNodeWithLastEventId(@TempDir Path dir) throws Exception {
        try (RedisProcess redis = new RedisProcess(dir);
             ParleyNode a = node("a", "--redis", redis.uri(), "--sse-keepalive", "1s");
             ParleyNode b = node("b", "--redis", redis.uri(), "--sse-keepalive", "1s");
             NginxProcess nginx = NginxProcess.start(dir, hostPort(a), hostPort(b))) {
            URI stream = URI.create("http://127.0.0.1:" + nginx.port + "/v1/presence/stream?room=lobby");
            SseClient first = SseClient.open(http, stream);
            assertTrue(first.contentType.startsWith("text/event-stream"), first.contentType);
            List<String> head = new ArrayList<>();
            String id = null;
            while (id == null || !head.get(head.size() - 1).startsWith("data:")) {
                String l = first.nextLine();
                assertTrue(l != null && !l.equals(SseClient.END), "stream ended early: " + head);
                head.add(l);
                if (l.startsWith("id:")) {
                    id = l.substring(3).trim();
                }
            }
            assertTrue(head.contains("event: snapshot"), "a room stream starts with a snapshot: " + head);
            // Only arrives through the proxy if it does not buffer: a keep-alive comment on the open stream.
            assertEquals(": keep-alive", first.nextLine(), "keep-alive comments pass through at once");

            ParleyNode host = sseConnections(a) > 0 ? a : b;
            ParleyNode other = host == a ? b : a;
            host.halt();
            String l;
            while ((l = first.nextLine()) != null && !l.equals(SseClient.END)) {
                // drain what is left
            }
            assertEquals(SseClient.END, l, "the stream ends with its node");

            // The browser's EventSource reconnects with Last-Event-ID; the proxy sends it to the other
            // node, which shares the room's log through Redis: nothing was missed, so no fresh snapshot.
            SseClient second = SseClient.open(http, stream, "Last-Event-ID", id);
            List<String> after = new ArrayList<>();
            while (!": keep-alive".equals(l = second.nextLine())) {
                assertTrue(l != null && !l.equals(SseClient.END), "the resumed stream should stay open: " + after);
                after.add(l);
            }
            assertFalse(after.contains("event: snapshot"), "resumed from " + id + " without a new snapshot: " + after);
            assertEquals(1, sseConnections(other), "the stream is on the surviving node");
        }
    }

    // ---------------------------------------------------------------- helpers

    /** A native signaling client that said hello and joined a room. */
    private record Peer(WsClient ws, String sessionId, String resumeToken, String peerId, List<String> peersAtJoin) {

        static Peer join(HttpClient http, URI url, String room) throws Exception {
            return handshake(http, url, "{\"t\":\"hello\"}", room);
        }

        static Peer resume(HttpClient http, URI url, Peer old, String room) throws Exception {
            return handshake(http, url, "{\"t\":\"hello\",\"resume\":{\"sessionId\":\"" + old.sessionId
                    + "\",\"resumeToken\":\"" + old.resumeToken + "\",\"lastSeq\":0}}", room);
        }

        private static Peer handshake(HttpClient http, URI url, String hello, String room) throws Exception {
            WsClient ws = WsClient.open(http, url);
            ws.send(hello);
            if (hello.contains("resume")) {
                // sessions live in one node's memory: the other node cannot resume them (PROTOCOL.md)
                assertEquals("resume-failed", ws.expect("error").path("code").asText());
            }
            JsonNode welcome = ws.expect("welcome");
            assertFalse(welcome.path("resumed").asBoolean(), "a fresh session: " + welcome);
            ws.send("{\"t\":\"join\",\"room\":\"" + room + "\"}");
            JsonNode joined = ws.expect("joined");
            List<String> peers = new ArrayList<>();
            joined.path("peers").forEach(p -> peers.add(p.path("peerId").asText()));
            return new Peer(ws, welcome.path("sessionId").asText(), welcome.path("resumeToken").asText(),
                    welcome.path("peerId").asText(), peers);
        }
    }

    private static ParleyNode node(String id, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("serve", "--bind", "127.0.0.1", "--http-port", "0",
                "--turn-port", "0", "--turns-port", "0", "--relay-ip", "127.0.0.1", "--drain-timeout", "3s",
                "--node-id", id));
        args.addAll(List.of(extra));
        ParleyNode n = new ParleyNode(ParleyConfig.parse(args, Map.of()));
        n.start();
        return n;
    }

    private static String hostPort(ParleyNode n) {
        return "127.0.0.1:" + n.httpAddress().getPort();
    }

    private double signalingConnections(ParleyNode n) throws Exception {
        return gaugeSum(n, "parley_signaling_connections");
    }

    private double sseConnections(ParleyNode n) throws Exception {
        return gaugeSum(n, "parley_presence_sse_connections");
    }

    /** Sum of a gauge's series on one node, read from that node directly (not through the proxy). */
    private double gaugeSum(ParleyNode n, String name) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + hostPort(n) + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        double sum = 0;
        for (String line : r.body().split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
