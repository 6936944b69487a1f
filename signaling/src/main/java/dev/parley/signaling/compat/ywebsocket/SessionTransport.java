package dev.parley.signaling.compat.ywebsocket;

import dev.parley.signaling.compat.ywebsocket.room.CloseCode;
import dev.parley.signaling.compat.ywebsocket.room.Transport;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/** A {@link Transport} over a Jakarta WebSocket session: async binary sends, closes handed to an executor. */
final class SessionTransport implements Transport {

    private final Session session;
    private final Executor executor;

    SessionTransport(Session session, Executor executor) {
        this.session = session;
        this.executor = executor;
    }

    @Override
    public void send(byte[] frame, Consumer<Throwable> done) {
        try {
            session.getAsyncRemote().sendBinary(ByteBuffer.wrap(frame),
                    result -> done.accept(result.isOK() ? null : result.getException()));
        } catch (RuntimeException e) {
            done.accept(e);
        }
    }

    @Override
    public void close(CloseCode code, String reason) {
        Runnable close = () -> closeNow(code.code(), reason);
        try {
            executor.execute(close);
        } catch (RejectedExecutionException e) {
            close.run();
        }
    }

    void closeNow(int code, String reason) {
        if (!session.isOpen()) {
            return;
        }
        CloseReason.CloseCode cc = () -> code;
        try {
            session.close(new CloseReason(cc, truncate(reason)));
        } catch (IOException | RuntimeException ignored) {
            // the peer is gone already
        }
    }

    /** A close reason is at most 123 bytes of UTF-8 (RFC 6455 §5.5). */
    static String truncate(String reason) {
        byte[] b = reason.getBytes(StandardCharsets.UTF_8);
        if (b.length <= 123) {
            return reason;
        }
        String s = reason;
        while (s.getBytes(StandardCharsets.UTF_8).length > 123) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}
