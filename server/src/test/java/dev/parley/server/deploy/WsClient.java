package dev.parley.server.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A WebSocket client for the tests: text messages into a queue ({@link #CLOSED} + code/error when the session ends). */
final class WsClient implements WebSocket.Listener {

    static final String CLOSED = "<closed>";

    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    WebSocket socket;

    static WsClient open(HttpClient http, URI uri) throws Exception {
        WsClient w = new WsClient();
        w.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(uri, w)
                .get(15, TimeUnit.SECONDS);
        return w;
    }

    void send(String text) throws Exception {
        socket.sendText(text, true).get(10, TimeUnit.SECONDS);
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

    /** The next message, or null after 10 s. */
    String next() throws InterruptedException {
        return messages.poll(10, TimeUnit.SECONDS);
    }

    /** The next JSON message whose "t" is {@code type}, skipping others (pongs, ice-servers...); fails on close. */
    JsonNode expect(String type) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        StringBuilder skipped = new StringBuilder();
        while (true) {
            String m = messages.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (m == null || m.startsWith(CLOSED)) {
                throw new AssertionError("expected a '" + type + "' message, got " + m + " after: " + skipped);
            }
            JsonNode n = DeployFiles.JSON.readTree(m);
            if (n.path("t").asText().equals(type)) {
                return n;
            }
            skipped.append(m).append('\n');
        }
    }

    /** Waits for the session to end; returns the close marker. */
    String awaitClose() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            String m = messages.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (m == null || m.startsWith(CLOSED)) {
                return m;
            }
        }
    }
}
