package dev.parley.presence.http;

import dev.parley.presence.fanout.EventSink;
import dev.parley.presence.model.PresenceEvent;
import dev.parley.presence.wire.SseFrame;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.eclipse.jetty.ee11.servlet.ServletContextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SSE response written with Servlet non-blocking I/O: frames wait in a bounded queue and are
 * written whenever the container says the socket can take more ({@link WriteListener}); no thread
 * waits on a slow client. When the queue is full the subscriber is dropped: the response is aborted
 * and the browser's EventSource reconnects with Last-Event-ID.
 */
final class SseConnection implements EventSink, WriteListener {

    private static final Logger LOG = LoggerFactory.getLogger(SseConnection.class);
    private static final int MAX_WRITE = 64 * 1024;

    private final AsyncContext async;
    private final ServletOutputStream out;
    private final int maxFrames;
    private final Consumer<SseConnection> onClose;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private boolean closed;
    private boolean wroteSinceKeepAlive;

    SseConnection(AsyncContext async, int maxFrames, Consumer<SseConnection> onClose) throws IOException {
        this.async = async;
        this.out = async.getResponse().getOutputStream();
        this.maxFrames = maxFrames;
        this.onClose = onClose;
    }

    void begin(byte[] first) {
        lock.lock();
        try {
            queue.add(first);
        } finally {
            lock.unlock();
        }
        out.setWriteListener(this);   // the container calls onWritePossible() once ready
    }

    @Override
    public boolean offer(PresenceEvent event) {
        byte[] frame = SseFrame.eventShared(event);
        lock.lock();
        try {
            if (closed) {
                return true;
            }
            if (queue.size() >= maxFrames) {
                return false;
            }
            queue.add(frame);
            wroteSinceKeepAlive = true;
        } finally {
            lock.unlock();
        }
        pump();
        return true;
    }

    /** Queues a comment unless an event went out since the last call; a full queue means a stuck client. */
    void keepAlive() {
        boolean stuck = false;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (!wroteSinceKeepAlive) {
                if (queue.size() >= maxFrames) {
                    stuck = true;
                } else {
                    queue.add(SseFrame.comment("keep-alive"));
                }
            }
            wroteSinceKeepAlive = false;
        } finally {
            lock.unlock();
        }
        if (stuck) {
            close("slow subscriber");
        } else {
            pump();
        }
    }

    @Override
    public void onWritePossible() {
        pump();
    }

    private void pump() {
        lock.lock();
        try {
            while (!closed && out.isReady()) {
                if (queue.isEmpty()) {
                    return;
                }
                // write(ByteBuffer) (Servlet 6.1) is not aggregated by Jetty: one write, no separate flush
                out.write(java.nio.ByteBuffer.wrap(drainBatch()));
            }
        } catch (IOException | IllegalStateException e) {
            LOG.debug("SSE write failed: {}", e.toString());
            closeQuietly();
        } finally {
            lock.unlock();
        }
    }

    private byte[] drainBatch() {
        if (queue.size() == 1) {
            return queue.poll();
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (!queue.isEmpty() && b.size() < MAX_WRITE) {
            b.writeBytes(queue.poll());
        }
        return b.toByteArray();
    }

    @Override
    public void onError(Throwable t) {
        LOG.debug("SSE connection error: {}", t.toString());
        closeQuietly();
    }

    /** Marks this stream closed and drops what is queued; false if it already was. */
    private boolean markClosed() {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            queue.clear();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Server-side end: aborts the response (a client that stopped reading cannot take a clean end). */
    @Override
    public void close(String reason) {
        if (!markClosed()) {
            return;
        }
        LOG.debug("closing SSE subscriber: {}", reason);
        try {
            ServletContextRequest.getServletContextRequest(async.getRequest()).getServletChannel()
                    .abort(new IOException("presence stream closed: " + reason));
        } catch (RuntimeException e) {
            LOG.debug("abort failed: {}", e.toString());
        }
        onClose.accept(this);
    }

    /** The client went away or the container ended the request. */
    void closeQuietly() {
        if (!markClosed()) {
            return;
        }
        try {
            async.complete();
        } catch (RuntimeException e) {
            LOG.debug("complete failed: {}", e.toString());
        }
        onClose.accept(this);
    }
}
