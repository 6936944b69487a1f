package dev.parley.signaling.ws;

import dev.parley.signaling.SignalingConfig;
import dev.parley.signaling.metrics.SignalingMetrics;
import dev.parley.signaling.room.Frame;
import dev.parley.signaling.room.Outlet;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.OpCode;

/**
 * An {@link Outlet} over a Jetty core WebSocket session. Sends are asynchronous: a frame joins this
 * connection's pending queue and the connection asks its {@link WriteCoalescer} writer for a flush;
 * the writer hands everything pending to Jetty in send order and writes it with one system call, so
 * frames that pile up while the writer is busy share a write. This class bounds what is queued here
 * and in Jetty, in messages and bytes. Past either bound the connection is dropped at once with
 * its queue (a close frame would only queue behind the backlog the peer is not reading): nobody
 * else waits for it. A frame's bytes are encoded once ({@link Frame#payload()}) and shared by every
 * connection it is sent to; each send only wraps them.
 */
final class WsOutlet implements Outlet, WriteCoalescer.Flushable {

    private static final byte[] PING = {'p'};
    /** Items one flush hands to Jetty before yielding the writer to other connections. */
    static final int MAX_DRAIN = 64;

    private final CoreSession session;
    private final SignalingMetrics metrics;
    private final WriteCoalescer writers;
    private final int writer;
    private final AtomicBoolean flushRequested = new AtomicBoolean();
    /** Frames (and at most one {@link Closing}) not yet handed to Jetty, in send order. */
    private final Queue<Object> pending = new ConcurrentLinkedQueue<>();
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
    static WsOutlet open(CoreSession session, SignalingConfig config, SignalingMetrics metrics, WriteCoalescer writers,
                         long idleMillis) {
        session.setMaxTextMessageSize(config.maxFrameBytes());
        session.setMaxBinaryMessageSize(config.maxFrameBytes());
        session.setIdleTimeout(Duration.ofMillis(idleMillis));
        return new WsOutlet(session, metrics, writers, config.maxQueuedMessages(), config.maxQueuedBytes());
    }

    WsOutlet(CoreSession session, SignalingMetrics metrics, WriteCoalescer writers, int maxMessages, long maxBytes) {
        this.session = session;
        this.metrics = metrics;
        this.writers = writers;
        this.writer = writers.assign();
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
                pending.clear();
                session.abort();
                onLost.run();
            }
            return false;
        }
        pending.add(frame);
        metrics.out(frame.type());
        requestFlush();
        return true;
    }

    private void requestFlush() {
        if (flushRequested.compareAndSet(false, true)) {
            writers.request(writer, this);
        }
    }

    /**
     * On a writer thread: hands what is pending to Jetty in order, every frame but the last in batch
     * mode (Jetty copies small ones into the connection's batch buffer), so the last one writes them
     * all with one gathered system call. The request flag is cleared first: a frame queued meanwhile
     * asks for another flush. At most {@link #MAX_DRAIN} items per turn, so one busy connection does
     * not hold up the writer's others.
     */
    @Override
    public void flushNow() {
        flushRequested.set(false);
        Object item = pending.poll();
        for (int n = 1; item != null; n++) {
            Object next = n < MAX_DRAIN ? pending.poll() : null;
            try {
                if (item instanceof Frame f) {
                    byte op = f.text() != null ? OpCode.TEXT : OpCode.BINARY;
                    session.sendFrame(new org.eclipse.jetty.websocket.core.Frame(op, true, ByteBuffer.wrap(f.payload())),
                            new Sent(f.size()), next != null);
                } else {
                    Closing c = (Closing) item;
                    session.close(c.code(), c.reason(), Callback.NOOP);
                }
            } catch (RuntimeException e) {
                pending.clear();
                closed.set(true);
                session.abort();
                return;
            }
            item = next;
        }
        if (!pending.isEmpty()) {
            requestFlush();
        }
    }

    /** A close queued behind the frames sent before it (an error message, then its close). */
    private record Closing(int code, String reason) { }

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
            pending.add(new Closing(code, reason));
            requestFlush();
        }
    }

    @Override
    public void abort() {
        if (closed.compareAndSet(false, true)) {
            pending.clear();
            session.abort();
        }
    }
}
