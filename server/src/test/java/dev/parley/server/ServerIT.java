package dev.parley.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
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
        assertTrue(r.body().contains("\"http\":{\"state\":\"up\"}"), r.body());
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
}
