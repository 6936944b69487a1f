package dev.parley.signaling.compat.ywebsocket.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.signaling.compat.ywebsocket.YWebsocketConfig;
import dev.parley.signaling.compat.ywebsocket.wire.AwarenessEntry;
import dev.parley.signaling.compat.ywebsocket.wire.YMessage;
import dev.parley.signaling.compat.ywebsocket.wire.YMessageCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Wire-level checks with a recording JDK WebSocket client: handshake refusals, close codes, the opening messages. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class YWebsocketProtocolIT {

    /** Records binary frames and the close, in order. */
    static final class Recorder implements WebSocket.Listener {
        final BlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private final java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            partial.writeBytes(b);
            if (last) {
                frames.add(partial.toByteArray());
                partial.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        YMessage next() throws Exception {
            byte[] f = frames.poll(10, TimeUnit.SECONDS);
            if (f == null) {
                throw new AssertionError("no frame within 10 s");
            }
            return YMessageCodec.decode(f);
        }
    }

    private static WebSocket open(String url, Recorder r, String origin) {
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return b.buildAsync(URI.create(url), r).join();
    }

    private static int handshakeStatus(String url, String origin) {
        try {
            open(url, new Recorder(), origin);
            return 101;
        } catch (CompletionException e) {
            assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
            return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
        }
    }

    @Test
    void opensWithStep1AndAnswersStep1WithStoredUpdatesLastAsStep2() throws Exception {
        try (YWebsocketTestServer s = YWebsocketTestServer.devMode(YWebsocketConfig.defaults())) {
            Recorder a = new Recorder();
            WebSocket wa = open(s.baseUrl() + "/doc", a, null);
            assertArrayEquals(YMessageCodec.EMPTY_STATE_VECTOR, ((YMessage.SyncStep1) a.next()).stateVector());
            // two updates from client 11 (text "hello", then " w"), made by yjs (see make-fixtures.mjs)
            byte[] u1 = java.util.HexFormat.of().parseHex("01010b00040104746578740568656c6c6f00");
            wa.sendBinary(ByteBuffer.wrap(YMessageCodec.syncUpdate(u1)), true).join();
            wa.sendBinary(ByteBuffer.wrap(YMessageCodec.syncUpdate(u1)), true).join(); // redundant: not stored again
            byte[] u2 = java.util.HexFormat.of().parseHex("01010b05840b040c2077c3b6726c6420f09f988000");
            wa.sendBinary(ByteBuffer.wrap(YMessageCodec.syncUpdate(u2)), true).join();
            wa.sendBinary(ByteBuffer.wrap(YMessageCodec.awareness(List.of(new AwarenessEntry(11, 1, "{\"n\":1}")))), true).join();
            assertEquals(List.of(new AwarenessEntry(11, 1, "{\"n\":1}")), ((YMessage.Awareness) a.next()).entries());

            Recorder b = new Recorder();
            WebSocket wb = open(s.baseUrl() + "/doc", b, null);
            // state vector now {11: 14}
            assertArrayEquals(new byte[] {1, 11, 14}, ((YMessage.SyncStep1) b.next()).stateVector());
            assertEquals(List.of(new AwarenessEntry(11, 1, "{\"n\":1}")), ((YMessage.Awareness) b.next()).entries());
            wb.sendBinary(ByteBuffer.wrap(YMessageCodec.syncStep1(YMessageCodec.EMPTY_STATE_VECTOR)), true).join();
            assertArrayEquals(u1, ((YMessage.SyncUpdate) b.next()).update());
            assertArrayEquals(u2, ((YMessage.SyncStep2) b.next()).update());
            assertEquals(1, s.counter("parley.signaling.ywebsocket.updates.refused", "reason", "redundant"));

            wa.sendClose(1000, "bye").join();
            YMessage.Awareness gone = (YMessage.Awareness) b.next();
            assertEquals(List.of(new AwarenessEntry(11, 2, "null")), gone.entries());
            wb.sendClose(1000, "bye").join();
        }
    }

    @Test
    void malformedFrameClosesWith1007AndTextWith1003() throws Exception {
        try (YWebsocketTestServer s = YWebsocketTestServer.devMode(YWebsocketConfig.defaults())) {
            Recorder a = new Recorder();
            WebSocket wa = open(s.baseUrl() + "/m", a, null);
            a.next();
            wa.sendBinary(ByteBuffer.wrap(new byte[] {0, 2, 9, 1}), true).join();
            assertTrue(a.closed.get(10, TimeUnit.SECONDS).startsWith("1007 malformed y-websocket message"), a.closed.get());
            Recorder b = new Recorder();
            WebSocket wb = open(s.baseUrl() + "/m", b, null);
            b.next();
            wb.sendBinary(ByteBuffer.wrap(YMessageCodec.syncUpdate(new byte[] {1, 1, 11, 0, 17, 1, 1, 'x', 0})), true).join();
            assertTrue(b.closed.get(10, TimeUnit.SECONDS).startsWith("1007 malformed y-websocket message: not a Yjs v1 update"));
            Recorder c = new Recorder();
            WebSocket wc = open(s.baseUrl() + "/m", c, null);
            wc.sendText("hello", true).join();
            assertEquals("1003 y-websocket speaks binary frames only", c.closed.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void foreignOriginIs403AndMissingOrBadTokenIs401() throws Exception {
        try (YWebsocketTestServer s = YWebsocketTestServer.withAuth(YWebsocketConfig.defaults())) {
            String token = s.tokens.mint("u", List.of("allowed"), false, false, Duration.ofMinutes(1));
            assertEquals(403, handshakeStatus(s.baseUrl() + "/allowed?access_token=" + token, "https://evil.example"));
            assertEquals(401, handshakeStatus(s.baseUrl() + "/allowed", null));
            assertEquals(401, handshakeStatus(s.baseUrl() + "/allowed?access_token=nope", null));
            assertEquals(101, handshakeStatus(s.baseUrl() + "/allowed?access_token=" + token, "http://localhost:3000"));
            Recorder r = new Recorder();
            open(s.baseUrl() + "/other?access_token=" + token, r, null);
            assertEquals("4403 token does not allow room other", r.closed.get(10, TimeUnit.SECONDS));
        }
    }
}
