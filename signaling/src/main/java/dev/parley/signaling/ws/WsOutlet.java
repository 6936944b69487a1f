package dev.parley.signaling.ws;

import dev.parley.signaling.SignalingConfig;
import dev.parley.signaling.metrics.SignalingMetrics;
import dev.parley.signaling.room.Frame;
import dev.parley.signaling.room.Outlet;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.OpCode;

/**
 * An {@link Outlet} over a Jetty core WebSocket session. Sends are asynchronous (Jetty's frame
 * flusher queues them in call order and gathers queued frames into one write); this class bounds
 * what is queued, in messages and bytes. Past either bound the connection is dropped at once with
 * its queue (a close frame would only queue behind the backlog the peer is not reading): nobody
 * else waits for it. A frame's bytes are encoded once ({@link Frame#payload()}) and shared by every
 * connection it is sent to; each send only wraps them.
 */
final class WsOutlet implements Outlet {

    private static final byte[] PING = {'p'};

    private final CoreSession session;
    private final SignalingMetrics metrics;
    private final int maxMessages;
    private final long maxBytes;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Runnable onLost = () -> { };

    /**
     * Applies the configured text and binary message limits and the given idle timeout (ms) to a
     * freshly opened session and wraps it in an outlet bounded by the configured queue limits.
     */
    static WsOutlet open(CoreSession session, SignalingConfig config, SignalingMetrics metrics, long idleMillis) {
        session.setMaxTextMessageSize(config.maxFrameBytes());
        session.setMaxBinaryMessageSize(config.maxFrameBytes());
        session.setIdleTimeout(Duration.ofMillis(idleMillis));
        return new WsOutlet(session, metrics, config.maxQueuedMessages(), config.maxQueuedBytes());
    }

    WsOutlet(CoreSession session, SignalingMetrics metrics, int maxMessages, long maxBytes) {
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
                session.abort();
                onLost.run();
            }
            return false;
        }
        byte op = frame.text() != null ? OpCode.TEXT : OpCode.BINARY;
        try {
            session.sendFrame(new org.eclipse.jetty.websocket.core.Frame(op, true, ByteBuffer.wrap(frame.payload())),
                    new Sent(size), false);
            metrics.out(frame.type());
            return true;
        } catch (RuntimeException e) {
            closed.set(true);
            return false;
        }
    }

    /** Gives a frame's place in the bounded queue back once it is written or failed. */
    private final class Sent implements Callback {
        private final int size;

        Sent(int size) {
            this.size = size;
        }

        @Override
        public void succeeded() {
            queued.decrementAndGet();
            queuedBytes.addAndGet(-size);
        }

        @Override
        public void failed(Throwable x) {
            succeeded();
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
            session.sendFrame(new org.eclipse.jetty.websocket.core.Frame(OpCode.PING, true, ByteBuffer.wrap(PING)),
                    Callback.NOOP, false);
        } catch (RuntimeException e) {
            abort();
        }
    }

    @Override
    public void close(int code, String reason) {
        if (closed.compareAndSet(false, true)) {
            session.close(code, reason, Callback.NOOP);
        }
    }

    @Override
    public void abort() {
        if (closed.compareAndSet(false, true)) {
            session.abort();
        }
    }
}
