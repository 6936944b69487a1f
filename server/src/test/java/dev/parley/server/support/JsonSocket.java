package dev.parley.server.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A recording WebSocket client for the native protocol (JDK client): every JSON text message goes
 * into a queue that tests wait on; closes complete {@link #closed}.
 */
public final class JsonSocket implements WebSocket.Listener, AutoCloseable {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(15);

    public final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    public final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket ws;

    public static JsonSocket open(URI uri) throws Exception {
        JsonSocket s = new JsonSocket();
        s.ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(WAIT)
                .buildAsync(uri, s).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return s;
    }

    public void send(String json) {
        ws.sendText(json, true).join();
    }

    /** Waits for the next message of type {@code t}, skipping pings/pongs and other types. */
    public JsonNode await(String t) throws InterruptedException {
        return await(m -> t.equals(m.path("t").asText()), "a '" + t + "' message");
    }

    public JsonNode await(Predicate<JsonNode> p, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        StringBuilder seen = new StringBuilder();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode m = left <= 0 ? null : messages.poll(left, TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new AssertionError("timed out waiting for " + what + "; saw: " + seen);
            }
            if (p.test(m)) {
                return m;
            }
            seen.append(m).append(' ');
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                messages.add(JSON.readTree(partial.toString()));
            } catch (Exception e) {
                messages.add(JSON.createObjectNode().put("t", "<unparseable>"));
            }
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }

    /** Drops the TCP connection without a close handshake (a network failure, as the server sees it). */
    public void abort() {
        ws.abort();
    }

    @Override
    public void close() {
        if (!ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        ws.abort();
    }
}
