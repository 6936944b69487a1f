package dev.parley.signaling.compat.ywebsocket;

import dev.parley.auth.Principal;
import dev.parley.signaling.compat.ywebsocket.handler.FrameHandler;
import dev.parley.signaling.compat.ywebsocket.room.CloseCode;
import dev.parley.signaling.compat.ywebsocket.room.Connection;
import dev.parley.signaling.compat.ywebsocket.room.DocRoom;
import dev.parley.signaling.compat.ywebsocket.room.RelayMetrics;
import dev.parley.signaling.compat.ywebsocket.room.RoomRegistry;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One y-websocket connection: joins its room on open, hands each binary frame to the {@link FrameHandler}. */
public final class YWebsocketEndpoint extends Endpoint {

    private static final Logger LOG = LoggerFactory.getLogger(YWebsocketEndpoint.class);
    private static final AtomicLong IDS = new AtomicLong();
    private static final int MAX_ROOM_NAME = 256;

    private final Principal principal;
    private final YWebsocketConfig config;
    private final RoomRegistry rooms;
    private final FrameHandler handler;
    private final RelayMetrics metrics;
    private final Executor executor;
    private volatile DocRoom room;
    private volatile Connection connection;

    YWebsocketEndpoint(Principal principal, YWebsocketConfig config, RoomRegistry rooms, FrameHandler handler,
                       RelayMetrics metrics, Executor executor) {
        this.principal = principal;
        this.config = config;
        this.rooms = rooms;
        this.handler = handler;
        this.metrics = metrics;
        this.executor = executor;
    }

    @Override
    public void onOpen(Session session, EndpointConfig endpointConfig) {
        metrics.connectionOpened();
        session.setMaxBinaryMessageBufferSize(config.maxMessageBytes());
        session.setMaxTextMessageBufferSize(1024);
        session.setMaxIdleTimeout(config.idleTimeout().toMillis());
        SessionTransport transport = new SessionTransport(session, executor);
        String name = session.getPathParameters().get("room");
        if (name == null || name.isEmpty() || name.length() > MAX_ROOM_NAME) {
            metrics.closed(CloseCode.ROOM_FORBIDDEN);
            transport.closeNow(CloseCode.ROOM_FORBIDDEN.code(), "room name must be 1.." + MAX_ROOM_NAME + " characters");
            return;
        }
        if (!principal.mayJoin(name)) {
            metrics.closed(CloseCode.ROOM_FORBIDDEN);
            transport.closeNow(CloseCode.ROOM_FORBIDDEN.code(), "token does not allow room " + name);
            return;
        }
        Connection c = new Connection("yws-" + IDS.incrementAndGet() + "-" + principal.userId(), principal.readOnly(),
                transport, config.maxQueuedBytes(), metrics);
        session.addMessageHandler(ByteBuffer.class, buf -> onBinary(buf));
        session.addMessageHandler(String.class, text -> {
            metrics.closed(CloseCode.UNSUPPORTED_DATA);
            c.close(CloseCode.UNSUPPORTED_DATA, "y-websocket speaks binary frames only");
        });
        DocRoom r = rooms.join(name, c);
        if (r == null) {
            metrics.closed(CloseCode.TRY_AGAIN_LATER);
            transport.closeNow(CloseCode.TRY_AGAIN_LATER.code(), "room or node limit reached; try again later");
            return;
        }
        connection = c;
        room = r;
    }

    private void onBinary(ByteBuffer buf) {
        DocRoom r = room;
        Connection c = connection;
        if (r == null || c == null) {
            return;
        }
        byte[] frame = new byte[buf.remaining()];
        buf.get(frame);
        handler.onFrame(r, c, frame);
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        metrics.connectionClosed();
        DocRoom r = room;
        Connection c = connection;
        if (r != null && c != null) {
            c.outbox().close();
            rooms.leave(r, c);
        }
    }

    @Override
    public void onError(Session session, Throwable thr) {
        LOG.debug("y-websocket connection error", thr);
    }
}
