package dev.parley.presence.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A recording SSE client on java.net.http: a reader thread parses the stream (WHATWG rules for
 * {@code id:}, {@code event:}, {@code data:}, {@code retry:} and comments) into a queue.
 */
public final class SseClient implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    public final LinkedBlockingQueue<SseEvent> frames = new LinkedBlockingQueue<>();
    public final CountDownLatch ended = new CountDownLatch(1);
    public final int status;
    private final InputStream body;
    private final Thread reader;

    private SseClient(HttpResponse<InputStream> resp) {
        this.status = resp.statusCode();
        this.body = resp.body();
        this.reader = new Thread(this::read, "sse-client");
        reader.setDaemon(true);
        reader.start();
    }

    public static SseClient open(String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").GET();
        headers.forEach(b::header);
        HttpResponse<InputStream> resp = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        return new SseClient(resp);
    }

    public static SseClient open(String url) throws Exception {
        return open(url, Map.of());
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            StringBuilder data = null;
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null || event != null) {
                        frames.add(new SseEvent(id, event == null ? "message" : event, data == null ? null : data.toString(), null, null));
                    }
                    id = null;
                    event = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    frames.add(new SseEvent(null, null, null, line.substring(1).trim(), null));
                } else {
                    int c = line.indexOf(':');
                    String field = c < 0 ? line : line.substring(0, c);
                    String value = c < 0 ? "" : line.substring(c + 1).startsWith(" ") ? line.substring(c + 2) : line.substring(c + 1);
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> event = value;
                        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                        case "retry" -> frames.add(new SseEvent(null, null, null, null, Long.parseLong(value)));
                        default -> { }
                    }
                }
            }
        } catch (IOException e) {
            // closed by us or reset by the server
        } finally {
            ended.countDown();
        }
    }

    /** The next frame of any kind, waiting up to 15 s. */
    public SseEvent nextFrame() throws InterruptedException {
        SseEvent e = frames.poll(15, TimeUnit.SECONDS);
        assertNotNull(e, "no SSE frame within 15 s");
        return e;
    }

    /** The next event (skipping retry and comments). */
    public SseEvent next() throws InterruptedException {
        while (true) {
            SseEvent e = nextFrame();
            if (e.isEvent()) {
                return e;
            }
        }
    }

    public SseEvent next(String type) throws InterruptedException {
        SseEvent e = next();
        assertEquals(type, e.event(), "unexpected event " + e);
        return e;
    }

    /** Skips events until one matches, within {@code seconds}; fails otherwise. */
    public SseEvent until(Predicate<SseEvent> p, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            long left = deadline - System.nanoTime();
            SseEvent e = frames.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            assertNotNull(e, "no matching SSE event within " + seconds + " s");
            if (e.isEvent() && p.test(e)) {
                return e;
            }
        }
    }

    @Override
    public void close() throws IOException {
        body.close();
    }
}
