package dev.parley.signaling.ws;

import dev.parley.signaling.SignalingConfig;
import dev.parley.signaling.compat.peerjs.PeerjsClient;
import dev.parley.signaling.compat.peerjs.PeerjsHub;
import dev.parley.signaling.compat.peerjs.PeerjsKeys;
import dev.parley.signaling.metrics.SignalingMetrics;
import dev.parley.signaling.room.Frame;
import dev.parley.signaling.room.TokenBucket;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import org.eclipse.jetty.ee11.websocket.jakarta.common.JakartaWebSocketSession;

/** {@code /compat/peerjs/peerjs?key&id&token}: adapts a jakarta WebSocket session to the {@link PeerjsHub}. */
public final class PeerjsEndpoint extends Endpoint {

    static final String NAME = "peerjs";

    private final PeerjsHub hub;
    private final PeerjsKeys keys;
    private final SignalingConfig config;
    private final SignalingMetrics metrics;
    private final WriteCoalescer writers;
    private PeerjsClient client;
    private WsOutlet outlet;
    private final ConnectionSlot slot;

    PeerjsEndpoint(PeerjsHub hub, PeerjsKeys keys, SignalingConfig config, SignalingMetrics metrics, WriteCoalescer writers) {
        this.hub = hub;
        this.keys = keys;
        this.config = config;
        this.metrics = metrics;
        this.writers = writers;
        this.slot = new ConnectionSlot(metrics, NAME);
    }

    @Override
    public void onOpen(Session session, EndpointConfig endpointConfig) {
        session.setMaxTextMessageBufferSize(config.maxFrameBytes());
        session.setMaxIdleTimeout(config.peerjsAlive().toMillis() + 30_000);
        outlet = new WsOutlet(((JakartaWebSocketSession) session).getCoreSession(), metrics, writers, config.maxQueuedMessages(), config.maxQueuedBytes());
        if (!slot.take(config.maxConnections())) {
            outlet.send(Frame.text("{\"type\":\"ERROR\",\"payload\":{\"msg\":\"" + PeerjsHub.CONNECTION_LIMIT_EXCEED + "\"}}", "peerjs-ERROR"));
            outlet.close(1013, "server-full");
            return;
        }
        String key = Handshake.param(endpointConfig, "key");
        String id = Handshake.param(endpointConfig, "id");
        String token = Handshake.param(endpointConfig, "token");
        if (key != null && id != null && token != null && !keys.accepts(key)) {
            outlet.send(Frame.text("{\"type\":\"ERROR\",\"payload\":{\"msg\":\"" + PeerjsHub.INVALID_KEY + "\"}}", "peerjs-ERROR"));
            outlet.close(1000, PeerjsHub.INVALID_KEY);
            return;
        }
        PeerjsClient c = hub.attach(outlet, id, token);
        if (c == null) {
            return;
        }
        client = c;
        WsOutlet o = outlet;
        o.onLost(() -> hub.closed(c, o));
        TokenBucket bucket = new TokenBucket(config.ratePerSecond(), config.burst(), System.nanoTime());
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> {
            if (bucket.tryTake(System.nanoTime()) == 0) {
                hub.onMessage(c, text);
            } else {
                metrics.error("rate-limited");
            }
        });
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        slot.release();
        if (client != null) {
            hub.closed(client, outlet);
        }
    }
}
