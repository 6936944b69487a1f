package dev.parley.signaling.ws;

import dev.parley.signaling.metrics.SignalingMetrics;
import dev.parley.signaling.room.Frame;
import dev.parley.signaling.room.Outlet;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.ee11.websocket.jakarta.common.JakartaWebSocketSession;
import org.eclipse.jetty.util.Callback;

/**
 * An {@link Outlet} over a jakarta WebSocket session. Sends are asynchronous (Jetty's frame flusher
 * queues them in call order); this class bounds what is queued, in messages and bytes. Past either
 * bound the connection is dropped at once with its queue (a close frame would only queue behind the
 * backlog the peer is not reading): nobody else waits for it.
 */
final class WsOutlet implements Outlet {

    private static final ByteBuffer PING = ByteBuffer.wrap(new byte[]{'p'});

    private final Session session;
    private final SignalingMetrics metrics;
    private final int maxMessages;
    private final long maxBytes;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Runnable onLost = () -> { };

    WsOutlet(Session session, SignalingMetrics metrics, int maxMessages, long maxBytes) {
        this.session = session;
        this.metrics = metrics;
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    @Override
    public boolean send(Frame frame) {
        if (closed.get()) {
            return false;
        }
        int size = frame.size();
        if (queued.incrementAndGet() > maxMessages || queuedBytes.addAndGet(size) > maxBytes) {
            // a close frame would queue behind the backlog it cannot read: drop the connection instead
            if (closed.compareAndSet(false, true)) {
                metrics.error("slow-consumer");
                if (session instanceof JakartaWebSocketSession js) {
                    js.abort();
                }
                onLost.run();
            }
            return false;
        }
        SendHandler done = result -> {
            queued.decrementAndGet();
            queuedBytes.addAndGet(-size);
        };
        try {
            if (frame.text() != null) {
                session.getAsyncRemote().sendText(frame.text(), done);
            } else {
                session.getAsyncRemote().sendBinary(ByteBuffer.wrap(frame.binary()), done);
            }
            metrics.out(frame.type());
            return true;
        } catch (RuntimeException e) {
            closed.set(true);
            return false;
        }
    }

    /** Called once when this outlet drops its connection by itself (slow consumer). */
    void onLost(Runnable r) {
        this.onLost = r;
    }

    @Override
    public void ping() {
        if (closed.get()) {
            return;
        }
        try {
            session.getAsyncRemote().sendPing(PING.duplicate());
        } catch (IOException | RuntimeException e) {
            abort();
        }
    }

    @Override
    public void close(int code, String reason) {
        if (closed.compareAndSet(false, true)) {
            if (session instanceof JakartaWebSocketSession js) {
                js.getCoreSession().close(code, reason, Callback.NOOP);
            } else {
                try {
                    session.close();
                } catch (IOException ignored) {
                    // already gone
                }
            }
        }
    }

    @Override
    public void abort() {
        if (closed.compareAndSet(false, true) && session instanceof JakartaWebSocketSession js) {
            js.abort();
        }
    }
}
