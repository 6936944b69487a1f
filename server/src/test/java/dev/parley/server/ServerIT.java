package dev.parley.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.support.JsonSocket;
import dev.parley.server.support.SseReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One node as `./parley serve` runs it: every component answers on its own port. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ServerIT {

    private static NodeFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new NodeFixture();
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @Test
    void healthzAndReadyz() throws Exception {
        HttpResponse<String> h = fx.get("/healthz");
        assertEquals(200, h.statusCode());
        assertTrue(h.body().contains("\"alive\""));
        HttpResponse<String> r = fx.get("/readyz");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"status\":\"ready\""), r.body());
        for (String c : new String[] {"turn", "presence", "signaling", "http"}) {
            assertTrue(r.body().contains("\"" + c + "\":{\"state\":\"up\"}"), r.body());
        }
    }

    @Test
    void metricsArePrometheusTextWithJvmAndJettyMeters() throws Exception {
        fx.get("/healthz");
        HttpResponse<String> m = fx.get("/metrics");
        assertEquals(200, m.statusCode());
        assertTrue(m.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String body = m.body();
        assertTrue(body.contains("# TYPE jvm_memory_used_bytes gauge"), "JVM metrics");
        assertTrue(body.contains("jetty_threads_current"), "Jetty thread-pool metrics");
        assertTrue(body.contains("jetty_connections"), "Jetty connection metrics");
        assertTrue(body.contains("node=\"" + fx.node.nodeId() + "\""), "node tag");
    }

    @Test
    void servesTheDemoPage() throws Exception {
        HttpResponse<String> page = fx.get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<title>Parley</title>"));
        assertEquals(200, fx.get("/index.js").statusCode());
        assertEquals(404, fx.get("/no-such-file.txt").statusCode());
    }

    @Test
    void corsPreflightFromAllowedOriginAndRefusalFromOthers() throws Exception {
        HttpResponse<String> ok = fx.send(HttpRequest.newBuilder(fx.base.resolve("/readyz"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://localhost:3000")
                .header("Access-Control-Request-Method", "GET"));
        assertEquals(204, ok.statusCode());
        assertEquals("http://localhost:3000", ok.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
        assertTrue(ok.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("POST"));

        HttpResponse<String> bad = fx.send(HttpRequest.newBuilder(fx.base.resolve("/readyz"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.test")
                .header("Access-Control-Request-Method", "GET"));
        assertEquals(403, bad.statusCode());

        HttpResponse<String> simple = fx.get("/healthz", "Origin", "https://evil.test");
        assertEquals(200, simple.statusCode());
        assertFalse(simple.headers().firstValue("Access-Control-Allow-Origin").isPresent());
    }

    @Test
    void http2CleartextIsServed() throws Exception {
        java.net.http.HttpClient h2 = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_2).build();
        HttpResponse<String> r = h2.send(HttpRequest.newBuilder(fx.base.resolve("/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals(java.net.http.HttpClient.Version.HTTP_2, r.version());
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
}
