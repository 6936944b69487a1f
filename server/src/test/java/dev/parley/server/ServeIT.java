package dev.parley.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.support.JsonSocket;
import dev.parley.server.support.SseReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One node as `./parley serve` runs it: every component answers on its own port. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ServeIT {

    private static NodeFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new NodeFixture();
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    private static URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + fx.node.httpAddress().getPort() + path);
    }

    @Test
    void stunBindingAnswersOnTheTurnPortToCoturnsClient() throws Exception {
        int port = fx.node.turn().udpAddress().getPort();
        Process p;
        try {
            p = new ProcessBuilder("turnutils_stunclient", "-p", String.valueOf(port), "127.0.0.1")
                    .redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            throw new AssertionError("turnutils_stunclient is missing: install coturn (./test.sh does)", e);
        }
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(out.contains("UDP reflexive addr: 127.0.0.1:"), out);
    }

    @Test
    void welcomeHandsOutThisNodesTurnServersAndJoinWorks() throws Exception {
        try (JsonSocket a = JsonSocket.open(ws("/v1/signal"))) {
            a.send("{\"t\":\"hello\"}");
            JsonNode welcome = a.await("welcome");
            String servers = welcome.path("iceServers").toString();
            int turnPort = fx.node.turn().udpAddress().getPort();
            assertTrue(servers.contains("turn:127.0.0.1:" + turnPort + "?transport=udp"), servers);
            assertTrue(servers.contains("?transport=tcp"), servers);
            assertTrue(welcome.path("iceServers").get(1).path("username").asText().matches("\\d+:.+"), servers);
            a.send("{\"t\":\"join\",\"room\":\"serve-it\"}");
            JsonNode joined = a.await("joined");
            assertEquals(0, joined.path("peers").size());
        }
    }

    @Test
    void presenceStreamStartsWithASnapshot() throws Exception {
        try (SseReader sse = SseReader.open(fx.base.resolve("/v1/presence/stream?room=serve-it-presence"))) {
            SseReader.Event snap = sse.await("snapshot");
            assertTrue(snap.data().contains("\"members\":[]"), snap.data());
            assertTrue(snap.id().matches("[^:]+:\\d+"), snap.id());
        }
    }

    @Test
    void readyzListsEveryComponent() throws Exception {
        String body = fx.get("/readyz").body();
        for (String c : new String[] {"turn", "presence", "signaling", "http"}) {
            assertTrue(body.contains("\"" + c + "\":{\"state\":\"up\"}"), body);
        }
    }
}
