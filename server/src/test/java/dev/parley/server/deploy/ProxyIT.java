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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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
        String out = NginxProcess.configTest(dir, "127.0.0.1:1", "127.0.0.1:2", 8080);
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
            Sse first = Sse.open(http, base(nginx).resolve("/v1/presence/stream"));
            assertEquals("text/event-stream", first.contentType);
            assertEquals("no", first.accelBuffering, "X-Accel-Buffering: no for proxies in front");
            // The upstream keeps the stream open after its first event: it only arrives if nginx does not buffer.
            String hello = first.next();
            assertNotNull(hello, "the first event did not come through while the stream is open: nginx buffers SSE");
            String owner = hello.split(" ")[1];
            StreamingBackend mine = owner.equals("one") ? one : two;
            StreamingBackend other = mine == one ? two : one;
            mine.push("later");
            assertEquals("data: " + owner + " later", first.next(), "a later event arrives as it is sent");

            mine.close(); // the upstream dies: the stream ends, the client reconnects through the proxy
            assertEquals(Sse.END, first.next(), "the client sees its stream end when the upstream dies");
            Sse second = Sse.open(http, base(nginx).resolve("/v1/presence/stream"));
            assertEquals("data: " + other.name + " hello", second.next(), "the reconnect lands on the other upstream");
            other.push("after");
            assertEquals("data: " + other.name + " after", second.next());
        }
    }

    @Test
    void webSocketSessionWorksAndReconnectsToTheOtherUpstream(@TempDir Path dir) throws Exception {
        try (StreamingBackend one = new StreamingBackend("one"); StreamingBackend two = new StreamingBackend("two");
             NginxProcess nginx = NginxProcess.start(dir, one.hostPort(), two.hostPort())) {
            URI ws = URI.create("ws://127.0.0.1:" + nginx.port + "/v1/signal");
            Ws first = Ws.open(http, ws);
            first.socket.sendText("hi", true).get(10, TimeUnit.SECONDS);
            String reply = first.next();
            assertTrue(reply != null && reply.endsWith(":hi"), "echo through the proxy: " + reply);
            String owner = reply.substring(0, reply.indexOf(':'));
            first.socket.sendText("again", true).get(10, TimeUnit.SECONDS);
            assertEquals(owner + ":again", first.next(), "the session stays on its upstream");
            StreamingBackend mine = owner.equals("one") ? one : two;
            String other = mine == one ? "two" : "one";

            mine.close();
            assertTrue(first.next().startsWith(Ws.CLOSED), "the client sees the session end when the upstream dies");
            Ws second = Ws.open(http, ws);
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

    /** An SSE client: lines of the stream into a queue ({@link #END} when it ends). */
    private static final class Sse {
        static final String END = "<end>";
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        String contentType;
        String accelBuffering;

        static Sse open(HttpClient http, URI uri) throws Exception {
            Sse s = new Sse();
            HttpResponse<Stream<String>> r;
            try {
                // The timeout covers the response head only; the stream itself may last.
                r = http.send(HttpRequest.newBuilder(uri).header("Accept", "text/event-stream")
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofLines());
            } catch (java.net.http.HttpTimeoutException e) {
                throw new AssertionError("no SSE response head within 10s while the upstream holds the stream open:"
                        + " the proxy buffers the stream", e);
            }
            assertEquals(200, r.statusCode());
            s.contentType = r.headers().firstValue("content-type").orElse("");
            s.accelBuffering = r.headers().firstValue("x-accel-buffering").orElse("");
            Thread t = new Thread(() -> {
                try (Stream<String> lines = r.body()) {
                    lines.filter(l -> l.startsWith("data:")).forEach(s.events::add);
                } catch (RuntimeException e) {
                    // stream broken
                }
                s.events.add(END);
            }, "sse-client");
            t.setDaemon(true);
            t.start();
            return s;
        }

        String next() throws InterruptedException {
            return events.poll(10, TimeUnit.SECONDS);
        }
    }

    /** A WebSocket client: text messages into a queue ({@link #CLOSED}... when the session ends). */
    private static final class Ws implements WebSocket.Listener {
        static final String CLOSED = "<closed>";
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        static Ws open(HttpClient http, URI uri) throws Exception {
            Ws w = new Ws();
            w.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(uri, w)
                    .get(15, TimeUnit.SECONDS);
            return w;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            messages.add(CLOSED + status);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            messages.add(CLOSED + error);
        }

        String next() throws InterruptedException {
            return messages.poll(10, TimeUnit.SECONDS);
        }
    }
}
