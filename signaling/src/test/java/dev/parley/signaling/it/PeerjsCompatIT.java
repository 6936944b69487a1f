package dev.parley.signaling.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.signaling.SignalingConfig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** /compat/peerjs/ speaking peerjs-server's wire protocol, and a PeerJS data connection between two Chromium pages. */
class PeerjsCompatIT {

    private TestServer server;
    private WebSocketClient client;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        client = new WebSocketClient();
        client.start();
        server = TestServer.devMode(SignalingConfig.defaults()
                .withPeerjs(false, Duration.ofMillis(500), Duration.ofSeconds(5)));
    }

    @AfterEach
    void stop() throws Exception {
        client.stop();
        server.close();
    }

    private RecordingClient peer(String id, String token) throws Exception {
        return RecordingClient.connect(client, server.ws("/compat/peerjs/peerjs?key=peerjs&id=" + id + "&token=" + token));
    }

    private static JsonNode next(RecordingClient c, String type) throws InterruptedException {
        return c.await(m -> type.equals(m.path("type").asText()), Duration.ofSeconds(10), type);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void httpApi() throws Exception {
        HttpResponse<String> id = http.send(HttpRequest.newBuilder(server.http("/compat/peerjs/peerjs/id")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, id.statusCode());
        assertEquals(36, id.body().length());
        assertTrue(id.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertEquals(401, http.send(HttpRequest.newBuilder(server.http("/compat/peerjs/peerjs/peers")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(404, http.send(HttpRequest.newBuilder(server.http("/compat/peerjs/wrong/id")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpResponse<String> info = http.send(HttpRequest.newBuilder(server.http("/compat/peerjs/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(info.body().contains("PeerJS"));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void openRelayIdTakenReattachQueueAndExpire() throws Exception {
        try (RecordingClient noParams = RecordingClient.connect(client, server.ws("/compat/peerjs/peerjs?key=peerjs"))) {
            assertEquals("No id, token, or key supplied to websocket server",
                    next(noParams, "ERROR").path("payload").path("msg").asText());
            noParams.awaitClose();
        }
        try (RecordingClient badKey = RecordingClient.connect(client, server.ws("/compat/peerjs/peerjs?key=nope&id=x&token=t"))) {
            assertEquals("Invalid key provided", next(badKey, "ERROR").path("payload").path("msg").asText());
        }
        RecordingClient a = peer("a", "ta");
        try (RecordingClient b = peer("b", "tb")) {
            next(a, "OPEN");
            next(b, "OPEN");
            a.send("{\"type\":\"OFFER\",\"dst\":\"b\",\"src\":\"forged\",\"payload\":{\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\"},\"type\":\"data\",\"connectionId\":\"dc_1\"}}");
            JsonNode offer = next(b, "OFFER");
            assertEquals("a", offer.path("src").asText());
            assertEquals("b", offer.path("dst").asText());
            assertEquals("dc_1", offer.path("payload").path("connectionId").asText());
            b.send("{\"type\":\"ANSWER\",\"dst\":\"a\",\"payload\":{\"sdp\":{\"type\":\"answer\"}}}");
            assertEquals("b", next(a, "ANSWER").path("src").asText());
            b.send("{\"type\":\"CANDIDATE\",\"dst\":\"a\",\"payload\":{\"candidate\":{}}}");
            next(a, "CANDIDATE");

            // the id is taken by a different token
            try (RecordingClient thief = peer("a", "other")) {
                assertEquals("ID is taken", next(thief, "ID-TAKEN").path("payload").path("msg").asText());
            }
            // the same token re-attaching gets OPEN again (upstream stays silent here), and keeps receiving
            try (RecordingClient a2 = peer("a", "ta")) {
                next(a2, "OPEN");
                a.awaitClose();
                b.send("{\"type\":\"CANDIDATE\",\"dst\":\"a\",\"payload\":{\"n\":2}}");
                assertEquals(2, next(a2, "CANDIDATE").path("payload").path("n").asInt());

                // a message for an id that is not connected waits for it
                a2.send("{\"type\":\"OFFER\",\"dst\":\"late\",\"payload\":{\"n\":3}}");
                a2.send("{\"type\":\"HEARTBEAT\"}");
                try (RecordingClient late = peer("late", "tl")) {
                    next(late, "OPEN");
                    JsonNode queued = next(late, "OFFER");
                    assertEquals("a", queued.path("src").asText());
                    assertEquals(3, queued.path("payload").path("n").asInt());
                }
                // ... or is answered with one EXPIRE after the expire timeout
                a2.send("{\"type\":\"OFFER\",\"dst\":\"ghost\",\"payload\":{}}");
                a2.send("{\"type\":\"CANDIDATE\",\"dst\":\"ghost\",\"payload\":{}}");
                JsonNode expire = next(a2, "EXPIRE");
                assertEquals("ghost", expire.path("src").asText());
                assertEquals("a", expire.path("dst").asText());
                b.send("{\"type\":\"LEAVE\",\"dst\":\"a\"}");
                assertEquals("b", next(a2, "LEAVE").path("src").asText());
                assertTrue(a2.messages.stream().noneMatch(m -> "EXPIRE".equals(m.path("type").asText())), "one EXPIRE per pair");
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anIdWithoutHeartbeatsIsClosedAndFreed() throws Exception {
        try (RecordingClient a = peer("quiet", "t1")) {
            next(a, "OPEN");
            a.awaitClose();
        }
        try (RecordingClient again = peer("quiet", "t2")) {
            next(again, "OPEN"); // the id is free for a new owner
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void peerjsDataConnectionBetweenTwoChromiumPages() throws Exception {
        NodeProject.Result r = NodeProject.node(120, "peerjs-chromium.mjs", "http://127.0.0.1:" + server.port(), "/compat/peerjs/");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("PASS"), r.output());
    }
}
