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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** /admin: listing rooms and peers, kick, broadcast, guarded by an admin token; and the metrics they move. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminIT {

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> call(TestServer s, String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(s.http(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void roomsPeersKickAndBroadcast() throws Exception {
        try (TestServer server = TestServer.withAuth(SignalingConfig.defaults())) {
            WebSocketClient client = new WebSocketClient();
            client.start();
            String admin = server.tokens.mint("ops", null, false, true, Duration.ofMinutes(5));
            String user = server.tokens.mint("carol", null, false, false, Duration.ofMinutes(5));
            try (RecordingClient a = RecordingClient.connect(client, server.ws("/v1/signal?access_token=" + user));
                 RecordingClient b = RecordingClient.connect(client, server.ws("/v1/signal?access_token=" + user))) {
                a.hello();
                String pb = b.hello().path("peerId").asText();
                a.send("{\"t\":\"join\",\"room\":\"ops-room\",\"meta\":{\"n\":1}}");
                a.expect("joined");
                b.send("{\"t\":\"join\",\"room\":\"ops-room\"}");
                b.expect("joined");
                a.expect("peer-joined");

                assertEquals(401, call(server, "GET", "/admin/rooms", null, null).statusCode());
                assertEquals(403, call(server, "GET", "/admin/rooms", user, null).statusCode());
                HttpResponse<String> list = call(server, "GET", "/admin/rooms", admin, null);
                assertEquals(200, list.statusCode());
                JsonNode rooms = RecordingClient.JSON.readTree(list.body());
                assertEquals("ops-room", rooms.get(0).path("room").asText());
                assertEquals(2, rooms.get(0).path("peers").asInt());
                JsonNode peers = RecordingClient.JSON.readTree(call(server, "GET", "/admin/rooms/ops-room/peers", admin, null).body());
                assertEquals(2, peers.size());
                assertEquals("carol", peers.get(0).path("userId").asText());
                assertEquals("attached", peers.get(0).path("state").asText());
                assertEquals(404, call(server, "GET", "/admin/rooms/none/peers", admin, null).statusCode());

                HttpResponse<String> bc = call(server, "POST", "/admin/rooms/ops-room/broadcast", admin, "{\"notice\":\"maintenance at 4\"}");
                assertEquals(200, bc.statusCode());
                assertEquals("maintenance at 4", a.expect("broadcast").path("d").path("notice").asText());
                assertEquals("maintenance at 4", b.expect("broadcast").path("d").path("notice").asText());
                assertEquals(400, call(server, "POST", "/admin/rooms/ops-room/broadcast", admin, "{oops").statusCode());

                assertEquals(200, call(server, "POST", "/admin/rooms/ops-room/peers/" + pb + "/kick", admin, null).statusCode());
                assertEquals("kicked", b.expect("error").path("code").asText());
                assertEquals(1008, b.awaitClose());
                JsonNode left = a.expect("peer-left");
                assertEquals(pb, left.path("peerId").asText());
                assertEquals("kicked", left.path("reason").asText());
                assertEquals(404, call(server, "POST", "/admin/rooms/ops-room/peers/" + pb + "/kick", admin, null).statusCode());
            } finally {
                client.stop();
            }
            assertTrue(server.counter("parley.signaling.messages.in", "type", "join") >= 2);
            assertTrue(server.counter("parley.signaling.messages.out", "type", "broadcast") >= 2);
            assertEquals(1.0, server.counter("parley.signaling.errors", "code", "kicked"));
            assertTrue(server.meters.find("parley.signaling.connections").tag("endpoint", "native").gauge() != null);
            assertTrue(server.meters.find("parley.signaling.rooms").gauge() != null);
        }
    }

    @Test
    void devModeServesLoopbackOnly() throws Exception {
        try (TestServer server = TestServer.devMode(SignalingConfig.defaults())) {
            assertEquals(200, call(server, "GET", "/admin/rooms", null, null).statusCode()); // we are on 127.0.0.1
        }
    }
}
