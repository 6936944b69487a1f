package dev.parley.signaling.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.auth.OriginPolicy;
import dev.parley.auth.TokenVerifier;
import dev.parley.signaling.SignalingConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two nodes (two Jetty servers) joined by a distributed ClusterBus: a room spans both, and joins,
 * leaves, signals and relays cross the bus. Stands in for RedisClusterBus with an in-JVM bus that
 * keeps the same contract.
 */
class ClusterIT {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aRoomSpansTwoNodes() throws Exception {
        try (TestClusterNetwork net = new TestClusterNetwork();
             TestServer n1 = new TestServer(SignalingConfig.defaults(), TokenVerifier.devMode(), OriginPolicy.of(List.of()),
                     TestServer.ice(Duration.ofHours(1)), net.node("n1"));
             TestServer n2 = new TestServer(SignalingConfig.defaults(), TokenVerifier.devMode(), OriginPolicy.of(List.of()),
                     TestServer.ice(Duration.ofHours(1)), net.node("n2"))) {
            WebSocketClient client = new WebSocketClient();
            client.start();
            try (RecordingClient a = RecordingClient.connect(client, n1.ws("/v1/signal"));
                 RecordingClient b = RecordingClient.connect(client, n2.ws("/v1/signal"));
                 RecordingClient c = RecordingClient.connect(client, n2.ws("/v1/signal"))) {
                String pa = a.hello().path("peerId").asText();
                String pb = b.hello().path("peerId").asText();
                String pc = c.hello().path("peerId").asText();
                a.send("{\"t\":\"join\",\"room\":\"x\",\"meta\":{\"n\":\"a\"}}");
                a.expect("joined");
                b.send("{\"t\":\"join\",\"room\":\"x\",\"meta\":{\"n\":\"b\"}}");
                b.expect("joined");
                // a learns about b through the bus; b learns about a from the hello/join exchange
                JsonNode bAtA = a.await("peer-joined");
                assertEquals(pb, bAtA.path("peerId").asText());
                assertEquals("b", bAtA.path("meta").path("n").asText());
                JsonNode aAtB = b.await(m -> "peer-joined".equals(m.path("t").asText()), Duration.ofSeconds(10), "a at b");
                assertEquals(pa, aAtB.path("peerId").asText());
                assertNotEquals(bAtA.path("polite").asBoolean(), aAtB.path("polite").asBoolean());

                // a third peer on n2 sees both in its roster (b locally, a as a remote member)
                c.send("{\"t\":\"join\",\"room\":\"x\"}");
                JsonNode roster = c.expect("joined");
                assertEquals(2, roster.path("peers").size());
                assertEquals(pc, a.await("peer-joined").path("peerId").asText());

                // signal across nodes, with the server-stamped from
                b.send("{\"t\":\"signal\",\"to\":\"" + pa + "\",\"kind\":\"offer\",\"data\":{\"sdp\":\"v=0\"}}");
                JsonNode offer = a.await("signal");
                assertEquals(pb, offer.path("from").asText());
                a.send("{\"t\":\"signal\",\"to\":\"" + pb + "\",\"kind\":\"answer\",\"data\":{\"sdp\":\"v=0\"}}");
                assertEquals(pa, b.await("signal").path("from").asText());

                // relays: one sender's order is kept on the other node; binary crosses too
                for (int i = 0; i < 20; i++) {
                    a.send("{\"t\":\"relay\",\"room\":\"x\",\"ch\":\"doc\",\"d\":" + i + "}");
                }
                for (RecordingClient r : new RecordingClient[]{b, c}) {
                    for (int i = 0; i < 20; i++) {
                        JsonNode m = r.await("relay");
                        assertEquals(i, m.path("d").asInt());
                        assertEquals(pa, m.path("from").asText());
                    }
                }
                byte[] header = "{\"t\":\"relay\",\"room\":\"x\",\"ch\":\"bin\"}".getBytes(StandardCharsets.UTF_8);
                a.sendBinary(ByteBuffer.allocate(2 + header.length + 2).putShort((short) header.length).put(header)
                        .put(new byte[]{7, 8}).array());
                byte[] got = b.binaries.poll(10, TimeUnit.SECONDS);
                assertEquals(8, got[got.length - 1]);
                a.send("{\"t\":\"relay\",\"room\":\"x\",\"to\":\"" + pc + "\",\"ch\":\"dm\",\"d\":\"only c\"}");
                assertEquals("only c", c.await(m -> "dm".equals(m.path("ch").asText()), Duration.ofSeconds(10), "dm").path("d").asText());

                // leaving on one node is seen on the other
                b.send("{\"t\":\"bye\"}");
                JsonNode left = a.await("peer-left");
                assertEquals(pb, left.path("peerId").asText());
                assertEquals("bye", left.path("reason").asText());
                a.send("{\"t\":\"signal\",\"to\":\"" + pb + "\",\"kind\":\"end-of-candidates\"}");
                assertEquals("peer-gone", a.await("error").path("code").asText());
                assertTrue(n1.counter("parley.signaling.messages.in", "type", "relay") >= 20);
            } finally {
                client.stop();
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void membersOfACrashedNodeLeave() throws Exception {
        SignalingConfig fast = SignalingConfig.defaults().withHeartbeat(Duration.ofMillis(300));
        try (TestClusterNetwork net = new TestClusterNetwork();
             TestServer n1 = new TestServer(fast, TokenVerifier.devMode(), OriginPolicy.of(List.of()),
                     TestServer.ice(Duration.ofHours(1)), net.node("n1"))) {
            TestServer n2 = new TestServer(fast, TokenVerifier.devMode(), OriginPolicy.of(List.of()),
                    TestServer.ice(Duration.ofHours(1)), net.node("n2"));
            WebSocketClient client = new WebSocketClient();
            client.start();
            try (RecordingClient a = RecordingClient.connect(client, n1.ws("/v1/signal"));
                 RecordingClient b = RecordingClient.connect(client, n2.ws("/v1/signal"))) {
                a.hello();
                String pb = b.hello().path("peerId").asText();
                a.send("{\"t\":\"join\",\"room\":\"y\"}");
                a.expect("joined");
                b.send("{\"t\":\"join\",\"room\":\"y\"}");
                b.expect("joined");
                assertEquals(pb, a.await("peer-joined").path("peerId").asText());
                n2.close(); // no goodbye: its heartbeats just stop
                JsonNode left = a.await(m -> "peer-left".equals(m.path("t").asText()), Duration.ofSeconds(10), "peer-left");
                assertEquals(pb, left.path("peerId").asText());
                assertEquals("node-gone", left.path("reason").asText());
            } finally {
                client.stop();
            }
        }
    }
}
