package dev.parley.signaling.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.signaling.SignalingConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the move of {@code /v1/signal} and {@code /compat/y-webrtc} onto Jetty's core WebSocket API
 * must keep: fragmented messages are assembled before the handler sees them, the size limit
 * counts the whole message (not one fragment), a burst of messages to one connection arrives whole
 * and in order, one published frame reaches every subscriber with the same bytes, a WebSocket ping
 * is answered with its payload, and invalid UTF-8 closes only its own connection with 1007.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CoreTransportIT extends ServerFixture {

    @Test
    void aHelloSentInThreeFragmentsIsWelcomed() throws Exception {
        server = TestServer.devMode(SignalingConfig.defaults());
        try (RecordingClient a = RecordingClient.connect(client, server.ws("/v1/signal"))) {
            a.session().sendPartialText("{\"t\":", false, Callback.NOOP);
            a.session().sendPartialText("\"hel", false, Callback.NOOP);
            a.session().sendPartialText("lo\"}", true, Callback.NOOP);
            a.expect("welcome");
        }
    }

    @Test
    void smallFragmentsThatAddUpPastTheLimitClose1009() throws Exception {
        server = TestServer.devMode(SignalingConfig.defaults());
        try (RecordingClient a = RecordingClient.connect(client, server.ws("/v1/signal"))) {
            a.hello();
            String chunk = "x".repeat(16 * 1024);
            a.session().sendPartialText("{\"t\":\"ping\",\"id\":\"", false, Callback.NOOP);
            for (int i = 0; i < 4; i++) {
                a.session().sendPartialText(chunk, false, Callback.NOOP);
            }
            a.session().sendPartialText("\"}", true, Callback.NOOP);
            assertEquals(1009, a.awaitClose());
        }
    }

    @Test
    void aBurstOfPublishesReachesEverySubscriberWholeAndInOrder() throws Exception {
        server = TestServer.devMode(SignalingConfig.defaults());
        try (RecordingClient a = RecordingClient.connect(client, server.ws("/compat/y-webrtc"));
             RecordingClient b = RecordingClient.connect(client, server.ws("/compat/y-webrtc"))) {
            for (RecordingClient c : new RecordingClient[] {a, b}) {
                c.send("{\"type\":\"subscribe\",\"topics\":[\"burst\"]}");
                c.send("{\"type\":\"ping\"}");
                assertEquals("pong", c.expectAny().path("type").asText());
            }
            int n = 300;
            for (int i = 0; i < n; i++) {
                a.send("{\"type\":\"publish\",\"topic\":\"burst\",\"data\":" + i + "}");
            }
            for (RecordingClient c : new RecordingClient[] {a, b}) {
                for (int i = 0; i < n; i++) {
                    JsonNode m = c.expectAny();
                    assertEquals("publish", m.path("type").asText(), m.toString());
                    assertEquals(i, m.path("data").asInt(), "order at " + i);
                    assertEquals(2, m.path("clients").asInt());
                }
            }
        }
    }

    @Test
    void aWebSocketPingIsAnsweredWithItsPayloadOnBothEndpoints() throws Exception {
        server = TestServer.devMode(SignalingConfig.defaults());
        for (String path : new String[] {"/v1/signal", "/compat/y-webrtc"}) {
            try (RecordingClient a = RecordingClient.connect(client, server.ws(path))) {
                byte[] payload = ("probe " + path).getBytes(StandardCharsets.UTF_8);
                a.session().sendPing(ByteBuffer.wrap(payload), Callback.NOOP);
                byte[] pong = a.pongs.poll(RecordingClient.WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertNotNull(pong, "no pong on " + path);
                assertArrayEquals(payload, pong, path);
            }
        }
    }

    @Test
    void invalidUtf8ClosesThatConnection1007AndNoOther() throws Exception {
        server = TestServer.devMode(SignalingConfig.defaults());
        try (RecordingClient bad = RecordingClient.connect(client, server.ws("/v1/signal"));
             RecordingClient good = RecordingClient.connect(client, server.ws("/v1/signal"))) {
            bad.hello();
            good.hello();
            // a text frame whose bytes are not UTF-8 (0xC3 must be followed by a continuation byte);
            // the client's core session sends it as given
            byte[] invalid = {'{', '"', 't', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}'};
            ((WebSocketSession) bad.session()).getCoreSession()
                    .sendFrame(new Frame(OpCode.TEXT, true, ByteBuffer.wrap(invalid)), org.eclipse.jetty.util.Callback.NOOP, false);
            assertEquals(1007, bad.awaitClose());
            good.send("{\"t\":\"ping\",\"id\":\"still-here\"}");
            assertEquals("still-here", good.expect("pong").path("id").asText());
        }
    }
}
