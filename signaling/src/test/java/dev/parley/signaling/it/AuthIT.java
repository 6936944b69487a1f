package dev.parley.signaling.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.signaling.SignalingConfig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tokens (query string and hello), room claims, read-only, expiry, origins, and /v1/ice-servers with CORS. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuthIT {

    private TestServer server;
    private WebSocketClient client;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        client = new WebSocketClient();
        client.start();
        server = TestServer.withAuth(SignalingConfig.defaults().withHeartbeat(Duration.ofMillis(400)));
    }

    @AfterEach
    void stop() throws Exception {
        client.stop();
        server.close();
    }

    private String token(String user, List<String> rooms, boolean readOnly, Duration ttl) {
        return server.tokens.mint(user, rooms, readOnly, false, ttl);
    }

    @Test
    void noTokenIsRefused1008() throws Exception {
        try (RecordingClient a = RecordingClient.connect(client, server.ws("/v1/signal"))) {
            a.send("{\"t\":\"hello\"}");
            JsonNode e = a.expect("error");
            assertEquals("unauthorized", e.path("code").asText());
            assertTrue(e.path("fatal").asBoolean());
            assertEquals(1008, a.awaitClose());
        }
    }

    @Test
    void badQueryTokenIsRefusedAtOnce() throws Exception {
        try (RecordingClient a = RecordingClient.connect(client, server.ws("/v1/signal?access_token=not.a.jwt"))) {
            assertEquals("unauthorized", a.expect("error").path("code").asText());
            assertEquals(1008, a.awaitClose());
        }
        String forged = TestServer.withAuthToken("someone-else-secret-0123456789abcdef", "mallory");
        try (RecordingClient a = RecordingClient.connect(client, server.ws("/v1/signal?access_token=" + forged))) {
            assertEquals("unauthorized", a.expect("error").path("code").asText());
            assertEquals(1008, a.awaitClose());
        }
    }

    @Test
    void tokenInQueryOrHelloNamesTheUserAndLimitsRooms() throws Exception {
        String t = token("alice", List.of("team"), false, Duration.ofMinutes(5));
        try (RecordingClient a = RecordingClient.connect(client, server.ws("/v1/signal?access_token=" + t));
             RecordingClient b = RecordingClient.connect(client, server.ws("/v1/signal"))) {
            assertEquals("alice", a.hello().path("userId").asText());
            b.send("{\"t\":\"hello\",\"token\":\"" + token("bob", null, false, Duration.ofMinutes(5)) + "\"}");
            assertEquals("bob", b.expect("welcome").path("userId").asText());
            a.send("{\"t\":\"join\",\"room\":\"other\"}");
            JsonNode e = a.expect("error");
            assertEquals("forbidden-room", e.path("code").asText());
            assertFalse(e.path("fatal").asBoolean());
            a.send("{\"t\":\"join\",\"room\":\"team\"}");
            a.expect("joined");
            b.send("{\"t\":\"join\",\"room\":\"team\"}");
            assertEquals("alice", b.expect("joined").path("peers").get(0).path("userId").asText());
        }
    }

    @Test
    void readOnlyTokensCannotRelay() throws Exception {
        String t = token("reader", null, true, Duration.ofMinutes(5));
        try (RecordingClient a = RecordingClient.connect(client, server.ws("/v1/signal?access_token=" + t))) {
            a.hello();
            a.send("{\"t\":\"join\",\"room\":\"doc\"}");
            a.expect("joined");
            a.send("{\"t\":\"relay\",\"room\":\"doc\",\"ch\":\"y\",\"d\":1}");
            assertEquals("read-only", a.expect("error").path("code").asText());
        }
    }

    @Test
    void expiredTokenIsRefusedAndExpiryEndsALiveSession() throws Exception {
        String expired = token("late", null, false, Duration.ofMinutes(-5));
        try (RecordingClient a = RecordingClient.connect(client, server.ws("/v1/signal?access_token=" + expired))) {
            assertEquals("unauthorized", a.expect("error").path("code").asText());
            assertEquals(1008, a.awaitClose());
        }
        // inside the verifier's 30 s clock-skew allowance: accepted, then closed by the sweep once past exp
        String expiring = token("soon", null, false, Duration.ofSeconds(-1));
        try (RecordingClient a = RecordingClient.connect(client, server.ws("/v1/signal?access_token=" + expiring))) {
            a.hello();
            assertEquals("token-expired", a.await("error").path("code").asText());
            assertEquals(1008, a.awaitClose());
        }
    }

    @Test
    void foreignOriginsAreRefusedBeforeTheUpgrade() throws Exception {
        String t = token("alice", null, false, Duration.ofMinutes(5));
        ExecutionException e = assertThrows(ExecutionException.class, () -> RecordingClient.connect(client,
                server.ws("/v1/signal?access_token=" + t), Map.of("Origin", "https://evil.example")));
        assertTrue(e.getCause().getMessage().contains("403"), e.getCause().getMessage());
        try (RecordingClient ok = RecordingClient.connect(client, server.ws("/v1/signal?access_token=" + t),
                Map.of("Origin", "http://localhost:3000"))) {
            ok.hello();
        }
    }

    @Test
    void iceServersOverHttpNeedATokenAndAnswerCors() throws Exception {
        HttpResponse<String> none = http.send(HttpRequest.newBuilder(server.http("/v1/ice-servers")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, none.statusCode());
        String t = token("alice", null, false, Duration.ofMinutes(5));
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(server.http("/v1/ice-servers"))
                .header("Authorization", "Bearer " + t).header("Origin", "http://localhost:5173").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode());
        assertEquals("http://localhost:5173", ok.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
        JsonNode body = RecordingClient.JSON.readTree(ok.body());
        assertTrue(body.path("iceServers").get(1).path("username").asText().endsWith(":alice"));
        HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(server.http("/v1/ice-servers"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "http://localhost:5173")
                .header("Access-Control-Request-Method", "GET").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, preflight.statusCode());
        assertTrue(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").contains("Authorization"));
        HttpResponse<String> evil = http.send(HttpRequest.newBuilder(server.http("/v1/ice-servers"))
                .header("Authorization", "Bearer " + t).header("Origin", "https://evil.example").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, evil.statusCode());
    }
}
