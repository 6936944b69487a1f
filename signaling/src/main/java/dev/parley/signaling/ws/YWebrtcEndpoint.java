package dev.parley.signaling.ws;

import dev.parley.auth.Principal;
import dev.parley.auth.TokenException;
import dev.parley.auth.TokenVerifier;
import dev.parley.signaling.SignalingConfig;
import dev.parley.signaling.compat.ywebrtc.YConnection;
import dev.parley.signaling.compat.ywebrtc.YWebrtcHub;
import dev.parley.signaling.metrics.SignalingMetrics;
import dev.parley.signaling.room.TokenBucket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.websocket.core.CoreSession;

/** {@code /compat/y-webrtc}: adapts a Jetty core WebSocket session to the {@link YWebrtcHub}. */
final class YWebrtcEndpoint extends CoreEndpoint {

    static final String NAME = "y-webrtc";

    private final YWebrtcHub hub;
    private final SignalingConfig config;
    private final SignalingMetrics metrics;
    private final WriteCoalescer writers;
    private final TokenVerifier tokens;
    private final ConnectionSlot slot;
    private String token;
    private YConnection connection;

    YWebrtcEndpoint(YWebrtcHub hub, SignalingConfig config, SignalingMetrics metrics, WriteCoalescer writers,
                    TokenVerifier tokens, String token) {
        this.hub = hub;
        this.config = config;
        this.metrics = metrics;
        this.writers = writers;
        this.slot = new ConnectionSlot(metrics, NAME);
        this.tokens = tokens;
        this.token = token;
    }

    @Override
    void opened(CoreSession session) {
        WsOutlet outlet = WsOutlet.open(session, config, metrics, writers, config.ywebrtcPing().toMillis() * 3);
        String t = token;
        token = null;
        if (!slot.take(config.maxConnections())) {
            metrics.error("server-full");
            outlet.close(1013, "server-full");
            return;
        }
        Principal principal;
        try {
            principal = tokens.verify(t);
        } catch (TokenException e) {
            metrics.error("unauthorized");
            outlet.close(1008, "unauthorized: " + e.getMessage());
            return;
        }
        YConnection c = new YConnection(outlet, principal,
                new TokenBucket(config.ratePerSecond(), config.burst(), System.nanoTime()));
        connection = c;
        outlet.onLost(() -> hub.closed(c));
        hub.opened(c);
    }

    @Override
    void text(String message) {
        if (connection != null) {
            hub.onMessage(connection, message);
        }
    }

    @Override
    void binary(ByteBuffer message) {
        if (connection != null) {
            hub.onMessage(connection, StandardCharsets.UTF_8.decode(message).toString());
        }
    }

    @Override
    void pong() {
        if (connection != null) {
            hub.onPong(connection);
        }
    }

    @Override
    void closed(int code) {
        slot.release();
        if (connection != null) {
            hub.closed(connection);
        }
    }
}
