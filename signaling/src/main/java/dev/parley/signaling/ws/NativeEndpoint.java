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
import java.nio.ByteBuffer;
import org.eclipse.jetty.websocket.core.CoreSession;

/**
 * {@code /v1/signal}: adapts one Jetty core WebSocket session to the {@link NativeHandler}. Keeps
 * only the query's {@code access_token} from the upgrade request, and drops it once verified.
 */
final class NativeEndpoint extends CoreEndpoint {

    static final String NAME = "native";

    private final NativeHandler handler;
    private final SignalingConfig config;
    private final SignalingMetrics metrics;
    private final WriteCoalescer writers;
    private final TokenVerifier tokens;
    private final MessageCodec codec;
    private final ConnectionSlot slot;
    private String token;
    private NativeConnection connection;

    NativeEndpoint(NativeHandler handler, SignalingConfig config, SignalingMetrics metrics,
                   WriteCoalescer writers, TokenVerifier tokens, MessageCodec codec, String token) {
        this.handler = handler;
        this.config = config;
        this.metrics = metrics;
        this.writers = writers;
        this.slot = new ConnectionSlot(metrics, NAME);
        this.tokens = tokens;
        this.codec = codec;
        this.token = token;
    }

    @Override
    void opened(CoreSession session) {
        WsOutlet outlet = WsOutlet.open(session, config, metrics, writers, config.heartbeat().toMillis() * 3);
        String t = token;
        token = null;
        if (!slot.take(config.maxConnections())) {
            metrics.error(ErrorCode.SERVER_FULL.wire());
            outlet.send(Frame.text(codec.encode(ServerMessage.Error.of(ErrorCode.SERVER_FULL,
                    "this node is at its connection limit; try another or retry later", null)), "error"));
            outlet.close(ErrorCode.SERVER_FULL.closeCode(), ErrorCode.SERVER_FULL.wire());
            return;
        }
        Principal principal = null;
        TokenException error = null;
        if (t != null && !tokens.isDevMode()) {
            try {
                principal = tokens.verify(t);
            } catch (TokenException e) {
                error = e;
            }
        }
        NativeConnection c = handler.open(outlet, principal, error);
        connection = c;
        outlet.onLost(() -> handler.onLost(c));
    }

    @Override
    void text(String message) {
        NativeConnection c = connection;
        if (c != null) {
            handler.onText(c, message);
        }
    }

    @Override
    void binary(ByteBuffer message) {
        NativeConnection c = connection;
        if (c != null) {
            handler.onBinary(c, message);
        }
    }

    @Override
    void pong() {
        NativeConnection c = connection;
        if (c != null) {
            handler.onPong(c);
        }
    }

    @Override
    void closed(int code) {
        slot.release();
        if (connection != null) {
            handler.onClose(connection, code == 1000);
        }
    }
}
