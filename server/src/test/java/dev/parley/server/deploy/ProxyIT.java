package dev.parley.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.server.ParleyNode;
import dev.parley.server.config.ParleyConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/compose/nginx/parley.conf.template run for real by nginx on loopback: {@code nginx -t}, then
 * the proxy in front of two in-process Parley nodes (health, failover when a node dies or drains) and
 * in front of two streaming upstreams (an SSE stream and a WebSocket session pass unbuffered, and
 * reconnect to the other upstream when theirs dies).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProxyIT {

    private static final Pattern NODE_TAG = Pattern.compile("node=\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void configTestPasses(@TempDir Path dir) throws Exception {
        String out = NginxProcess.configTest(dir, "127.0.0.1:1", "127.0.0.1:2", 8080, new TestCertificate(dir), 8443);
        assertTrue(out.contains("syntax is ok") && out.contains("test is successful"), out);
    }

    @Test
    void healthThroughTheProxy(@TempDir Path dir) throws Exception {
        try (ParleyNode a = node("a"); ParleyNode b = node("b");
             NginxProcess nginx = NginxProcess.start(dir, hostPort(a), hostPort(b))) {
            HttpResponse<String> h = get(nginx, "/healthz");
            assertEquals(200, h.statusCode(), h.body());
            assertEquals("{\"status\":\"alive\"}", h.body().strip());
            HttpResponse<String> r = get(nginx, "/readyz");
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("\"status\":\"ready\""), r.body());
        }
    }

    @Test
    void httpsServerProxiesPlainRequestsAndWebSockets(@TempDir Path dir) throws Exception {
        TestCertificate cert = new TestCertificate(dir);
        HttpClient https = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(cert.clientContext())
                .connectTimeout(Duration.ofSeconds(5)).build();
        try (ParleyNode a = node("a"); ParleyNode b = node("b");
             NginxProcess nginx = NginxProcess.start(dir, hostPort(a), hostPort(b), cert)) {
            HttpResponse<String> h = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + nginx.tlsPort + "/healthz"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, h.statusCode(), h.body());
            WsClient ws = WsClient.open(https, URI.create("wss://127.0.0.1:" + nginx.tlsPort + "/v1/signal?room=tls"));
            ws.send("{\"t\":\"hello\"}");
            assertTrue(ws.expect("welcome").path("peerId").asText().length() > 0, "native signaling over WSS through nginx");
            SseClient sse = SseClient.open(https, URI.create("https://127.0.0.1:" + nginx.tlsPort + "/v1/presence/stream?room=tls"));
            String l;
            while ((l = sse.nextLine()) != null && !l.startsWith("data:")) {
                // retry, id, event lines
            }
            assertTrue(l != null && l.contains("\"room\":\"tls\""), "presence snapshot over HTTPS through nginx: " + l);
        }
    }

    @Test
    void requestsUseBothNodesAndMoveToTheSurvivorWhenOneDies(@TempDir Path dir) throws Exception {
        try (ParleyNode a = node("a"); ParleyNode b = node("b");
             NginxProcess nginx = NginxProcess.start(dir, hostPort(a), hostPort(b))) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                seen.add(servedBy(nginx));
            }
            assertEquals(Set.of("a", "b"), seen, "both nodes take requests");

            a.halt(); // a crash: listener and connections gone at once
            for (int i = 0; i < 6; i++) {
                assertEquals("b", servedBy(nginx), "after a dies every request lands on b\n" + nginx.log());
            }
        }
    }

    @Test
    void aDrainingNodeHandsNewRequestsToTheOther(@TempDir Path dir) throws Exception {
        try (ParleyNode a = node("a"); ParleyNode b = node("b");
             NginxProcess nginx = NginxProcess.start(dir, hostPort(a), hostPort(b))) {
            Thread drain = new Thread(() -> a.shutdown(Duration.ofSeconds(2)), "drain-a");
            drain.start(); // SIGTERM's path: stop accepting, let clients move, stop
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> r = get(nginx, "/healthz");
                assertEquals(200, r.statusCode(), "no request fails while a node drains: " + r.body());
            }
            drain.join(TimeUnit.SECONDS.toMillis(30));
            for (int i = 0; i < 4; i++) {
                assertEquals("b", servedBy(nginx));
            }
        }
    }

    @Test
    void sseStreamPassesUnbufferedAndReconnectsToTheOtherUpstream(@TempDir Path dir) throws Exception {
        try (StreamingBackend one = new StreamingBackend("one"); StreamingBackend two = new StreamingBackend("two");
             NginxProcess nginx = NginxProcess.start(dir, one.hostPort(), two.hostPort())) {
            SseClient first = SseClient.open(http, base(nginx).resolve("/v1/presence/stream"));
            assertEquals("text/event-stream", first.contentType);
            assertEquals("no", first.accelBuffering, "X-Accel-Buffering: no for proxies in front");
            // The upstream keeps the stream open after its first event: it only arrives if nginx does not buffer.
            String hello = first.nextData();
            assertNotNull(hello, "the first event did not come through while the stream is open: nginx buffers SSE");
            String owner = hello.split(" ")[1];
            StreamingBackend mine = owner.equals("one") ? one : two;
            StreamingBackend other = mine == one ? two : one;
            mine.push("later");
            assertEquals("data: " + owner + " later", first.nextData(), "a later event arrives as it is sent");

            mine.close(); // the upstream dies: the stream ends, the client reconnects through the proxy
            assertEquals(SseClient.END, first.nextData(), "the client sees its stream end when the upstream dies");
            SseClient second = SseClient.open(http, base(nginx).resolve("/v1/presence/stream"));
            assertEquals("data: " + other.name + " hello", second.nextData(), "the reconnect lands on the other upstream");
            other.push("after");
            assertEquals("data: " + other.name + " after", second.nextData());
        }
    }

    @Test
    void webSocketSessionWorksAndReconnectsToTheOtherUpstream(@TempDir Path dir) throws Exception {
        try (StreamingBackend one = new StreamingBackend("one"); StreamingBackend two = new StreamingBackend("two");
             NginxProcess nginx = NginxProcess.start(dir, one.hostPort(), two.hostPort())) {
            URI ws = URI.create("ws://127.0.0.1:" + nginx.port + "/v1/signal");
            WsClient first = WsClient.open(http, ws);
            first.socket.sendText("hi", true).get(10, TimeUnit.SECONDS);
            String reply = first.next();
            assertTrue(reply != null && reply.endsWith(":hi"), "echo through the proxy: " + reply);
            String owner = reply.substring(0, reply.indexOf(':'));
            first.socket.sendText("again", true).get(10, TimeUnit.SECONDS);
            assertEquals(owner + ":again", first.next(), "the session stays on its upstream");
            StreamingBackend mine = owner.equals("one") ? one : two;
            String other = mine == one ? "two" : "one";

            mine.close();
            assertTrue(first.next().startsWith(WsClient.CLOSED), "the client sees the session end when the upstream dies");
            WsClient second = WsClient.open(http, ws);
            second.socket.sendText("back", true).get(10, TimeUnit.SECONDS);
            assertEquals(other + ":back", second.next(), "the reconnect lands on the other upstream");
            second.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static ParleyNode node(String id) throws Exception {
        ParleyNode n = new ParleyNode(ParleyConfig.parse(List.of("serve", "--bind", "127.0.0.1", "--http-port", "0",
                "--turn-port", "0", "--turns-port", "0", "--relay-ip", "127.0.0.1", "--drain-timeout", "2s",
                "--node-id", id, "--log-level", "warn"), Map.of()));
        n.start();
        return n;
    }

    private static String hostPort(ParleyNode n) {
        return "127.0.0.1:" + n.httpAddress().getPort();
    }

    private static URI base(NginxProcess nginx) {
        return URI.create("http://127.0.0.1:" + nginx.port);
    }

    private HttpResponse<String> get(NginxProcess nginx, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base(nginx).resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Which node answered: /metrics carries the node id as a common tag (allowed from loopback). */
    private String servedBy(NginxProcess nginx) throws IOException, InterruptedException {
        HttpResponse<String> r = get(nginx, "/metrics");
        assertEquals(200, r.statusCode(), "GET /metrics through the proxy\n" + nginx.log());
        Matcher m = NODE_TAG.matcher(r.body());
        assertTrue(m.find(), "no node tag in /metrics");
        return m.group(1);
    }
}
