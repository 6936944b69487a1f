package dev.parley.signaling.ws;

import dev.parley.auth.Principal;
import dev.parley.auth.TokenException;
import dev.parley.auth.TokenVerifier;
import dev.parley.signaling.SignalingConfig;
import dev.parley.signaling.compat.ywebrtc.YConnection;
import dev.parley.signaling.compat.ywebrtc.YWebrtcHub;
import dev.parley.signaling.metrics.SignalingMetrics;
import dev.parley.signaling.room.TokenBucket;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** {@code /compat/y-webrtc}: adapts a jakarta WebSocket session to the {@link YWebrtcHub}. */
public final class YWebrtcEndpoint extends Endpoint {

    static final String NAME = "y-webrtc";

    private final YWebrtcHub hub;
    private final SignalingConfig config;
    private final SignalingMetrics metrics;
    private final TokenVerifier tokens;
    private YConnection connection;
    private boolean counted;

    YWebrtcEndpoint(YWebrtcHub hub, SignalingConfig config, SignalingMetrics metrics, TokenVerifier tokens) {
        this.hub = hub;
        this.config = config;
        this.metrics = metrics;
        this.tokens = tokens;
    }

    @Override
    public void onOpen(Session session, EndpointConfig endpointConfig) {
        session.setMaxTextMessageBufferSize(config.maxFrameBytes());
        session.setMaxBinaryMessageBufferSize(config.maxFrameBytes());
        session.setMaxIdleTimeout(config.ywebrtcPing().toMillis() * 3);
        WsOutlet outlet = new WsOutlet(session, metrics, config.maxQueuedMessages(), config.maxQueuedBytes());
        if (!metrics.tryOpen(NAME, config.maxConnections())) {
            metrics.error("server-full");
            outlet.close(1013, "server-full");
            return;
        }
        counted = true;
        String token = Handshake.param(endpointConfig, "access_token");
        if (token == null) {
            token = Handshake.param(endpointConfig, "token");
        }
        Principal principal;
        try {
            principal = tokens.verify(token);
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
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> hub.onMessage(c, text));
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) b ->
                hub.onMessage(c, StandardCharsets.UTF_8.decode(b).toString()));
        session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) p -> hub.onPong(c));
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        if (counted) {
            counted = false;
            metrics.closed(NAME);
        }
        if (connection != null) {
            hub.closed(connection);
        }
    }
}
