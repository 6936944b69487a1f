package dev.parley.signaling.ws;

import dev.parley.auth.Principal;
import dev.parley.auth.TokenException;
import dev.parley.auth.TokenVerifier;
import dev.parley.signaling.SignalingConfig;
import dev.parley.signaling.handler.NativeConnection;
import dev.parley.signaling.handler.NativeHandler;
import dev.parley.signaling.metrics.SignalingMetrics;
import dev.parley.signaling.protocol.ErrorCode;
import dev.parley.signaling.protocol.MessageCodec;
import dev.parley.signaling.protocol.ServerMessage;
import dev.parley.signaling.room.Frame;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /v1/signal}: adapts one jakarta WebSocket session to the {@link NativeHandler}. */
public final class NativeEndpoint extends Endpoint {

    private static final Logger LOG = LoggerFactory.getLogger(NativeEndpoint.class);
    static final String NAME = "native";

    private final NativeHandler handler;
    private final SignalingConfig config;
    private final SignalingMetrics metrics;
    private final TokenVerifier tokens;
    private final MessageCodec codec;
    private NativeConnection connection;
    private boolean counted;

    NativeEndpoint(NativeHandler handler, SignalingConfig config, SignalingMetrics metrics, TokenVerifier tokens,
                   MessageCodec codec) {
        this.handler = handler;
        this.config = config;
        this.metrics = metrics;
        this.tokens = tokens;
        this.codec = codec;
    }

    @Override
    public void onOpen(Session session, EndpointConfig endpointConfig) {
        session.setMaxTextMessageBufferSize(config.maxFrameBytes());
        session.setMaxBinaryMessageBufferSize(config.maxFrameBytes());
        session.setMaxIdleTimeout(config.heartbeat().toMillis() * 3);
        WsOutlet outlet = new WsOutlet(session, metrics, config.maxQueuedMessages(), config.maxQueuedBytes());
        if (!metrics.tryOpen(NAME, config.maxConnections())) {
            metrics.error(ErrorCode.SERVER_FULL.wire());
            outlet.send(Frame.text(codec.encode(ServerMessage.Error.of(ErrorCode.SERVER_FULL,
                    "this node is at its connection limit; try another or retry later", null)), "error"));
            outlet.close(ErrorCode.SERVER_FULL.closeCode(), ErrorCode.SERVER_FULL.wire());
            return;
        }
        counted = true;
        String token = Handshake.param(endpointConfig, "access_token");
        Principal principal = null;
        TokenException error = null;
        if (token != null && !tokens.isDevMode()) {
            try {
                principal = tokens.verify(token);
            } catch (TokenException e) {
                error = e;
            }
        }
        NativeConnection c = handler.open(outlet, principal, error);
        connection = c;
        outlet.onLost(() -> handler.onLost(c));
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> handler.onText(c, text));
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) b -> handler.onBinary(c, b));
        session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) p -> handler.onPong(c));
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        if (counted) {
            counted = false;
            metrics.closed(NAME);
        }
        if (connection != null) {
            handler.onClose(connection, closeReason.getCloseCode().getCode() == 1000);
        }
    }

    @Override
    public void onError(Session session, Throwable thr) {
        LOG.debug("signaling connection error", thr);
    }
}
