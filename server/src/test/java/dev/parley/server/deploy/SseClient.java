package dev.parley.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** An SSE client for the tests: every non-empty line of the stream into a queue ({@link #END} when it ends). */
final class SseClient {

    static final String END = "<end>";

    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    String contentType;
    String accelBuffering;

    static SseClient open(HttpClient http, URI uri, String... headers) throws Exception {
        SseClient s = new SseClient();
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(10)); // covers the response head only; the stream may last
        if (headers.length > 0) {
            b.headers(headers);
        }
        HttpResponse<Stream<String>> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
        } catch (HttpTimeoutException e) {
            throw new AssertionError("no SSE response head within 10s while the upstream holds the stream open:"
                    + " the proxy buffers the stream", e);
        }
        assertEquals(200, r.statusCode(), "SSE status");
        s.contentType = r.headers().firstValue("content-type").orElse("");
        s.accelBuffering = r.headers().firstValue("x-accel-buffering").orElse("");
        Thread t = new Thread(() -> {
            try (Stream<String> body = r.body()) {
                body.filter(l -> !l.isEmpty()).forEach(s.lines::add);
            } catch (RuntimeException e) {
                // stream broken
            }
            s.lines.add(END);
        }, "sse-client");
        t.setDaemon(true);
        t.start();
        return s;
    }

    /** The next line of any kind (data, id, event, retry, comment), or null after 10 s. */
    String nextLine() throws InterruptedException {
        return lines.poll(10, TimeUnit.SECONDS);
    }

    /** The next {@code data:} line (or {@link #END}), or null after 10 s. */
    String nextData() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            String l = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (l == null || l.equals(END) || l.startsWith("data:")) {
                return l;
            }
        }
    }
}
