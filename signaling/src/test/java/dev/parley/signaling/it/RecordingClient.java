package dev.parley.signaling.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * A WebSocket client that records what it receives in a queue (Jetty's EventSocket idea): tests
 * wait on the queue, never on the clock. {@link #stopReading()} makes it a stalled peer: it stops
 * demanding frames, so TCP backs up and it answers no pings.
 */
public final class RecordingClient implements Session.Listener, AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final ObjectMapper JSON = new ObjectMapper();

    final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> binaries = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> pongs = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    volatile String closeReason;
    private volatile Session session;
    private volatile boolean reading = true;

    static RecordingClient connect(WebSocketClient client, URI uri) throws Exception {
        return connect(client, uri, Map.of());
    }

    static RecordingClient connect(WebSocketClient client, URI uri, Map<String, String> headers) throws Exception {
        RecordingClient rc = new RecordingClient();
        ClientUpgradeRequest req = new ClientUpgradeRequest(uri);
        headers.forEach(req::setHeader);
        client.connect(rc, req).get(10, TimeUnit.SECONDS);
        return rc;
    }

    @Override
    public void onWebSocketOpen(Session s) {
        this.session = s;
        s.demand();
    }

    @Override
    public void onWebSocketText(String text) {
        try {
            messages.add(JSON.readTree(text));
        } catch (Exception e) {
            messages.add(JSON.createObjectNode().put("t", "<unparseable>").put("raw", text));
        }
        if (reading) {
            session.demand();
        }
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        byte[] b = new byte[payload.remaining()];
        payload.get(b);
        binaries.add(b);
        callback.succeed();
        if (reading) {
            session.demand();
        }
    }

    /** Answers pings while reading; a stalled client neither answers nor reads further. */
    @Override
    public void onWebSocketPing(ByteBuffer payload) {
        if (reading) {
            session.sendPong(payload, Callback.NOOP);
            session.demand();
        }
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        byte[] b = new byte[payload.remaining()];
        payload.get(b);
        pongs.add(b);
        if (reading) {
            session.demand();
        }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        closeReason = reason;
        closed.complete(statusCode);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        closed.complete(-1);
    }

    Session session() {
        return session;
    }

    void send(String json) {
        session.sendText(json, Callback.NOOP);
    }

    void send(JsonNode json) {
        send(json.toString());
    }

    void sendBinary(byte[] bytes) {
        session.sendBinary(ByteBuffer.wrap(bytes), Callback.NOOP);
    }

    void stopReading() {
        reading = false;
    }

    /** The next message, which must be of type {@code t}. */
    JsonNode expect(String t) throws InterruptedException {
        JsonNode m = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(m, "no message within " + WAIT + ", expected " + t);
        assertEquals(t, m.path("t").asText(), "unexpected message " + m);
        return m;
    }

    /** The next message, whatever its type. */
    JsonNode expectAny() throws InterruptedException {
        JsonNode m = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(m, "no message within " + WAIT);
        return m;
    }

    /** Skips messages until one of type {@code t} arrives. */
    JsonNode await(String t) throws InterruptedException {
        return await(m -> t.equals(m.path("t").asText()), WAIT, "a " + t);
    }

    JsonNode await(Predicate<JsonNode> p, Duration wait, String what) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode m = left <= 0 ? null : messages.poll(left, TimeUnit.NANOSECONDS);
            if (m == null) {
                fail("no " + what + " within " + wait);
            }
            if (p.test(m)) {
                return m;
            }
        }
    }

    /** Hello and welcome (dev mode or query token). */
    JsonNode hello() throws InterruptedException {
        send("{\"t\":\"hello\"}");
        return expect("welcome");
    }

    int awaitClose() throws Exception {
        return closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        Session s = session;
        if (s != null && s.isOpen()) {
            s.close(1000, "test done", Callback.NOOP);
        }
    }

    void drop() {
        Session s = session;
        if (s != null) {
            s.disconnect();
        }
    }
}
