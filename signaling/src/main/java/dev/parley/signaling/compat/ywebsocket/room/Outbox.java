package dev.parley.signaling.compat.ywebsocket.room;

import dev.parley.signaling.compat.ywebsocket.wire.AwarenessEntry;
import dev.parley.signaling.compat.ywebsocket.wire.YMessageCodec;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One connection's outbound queue. Document frames are never dropped: they queue in order, and a
 * connection whose queued and in-flight bytes pass {@code maxQueuedBytes} is closed as a slow
 * consumer (y-websocket's client reconnects and syncs again, so nothing is lost). Awareness states
 * are coalesced per client id while the connection is backed up ({@link #MAX_IN_FLIGHT} frames in
 * flight): only the newest state of each client goes out, in one frame, after the queued documents.
 */
public final class Outbox {

    /** Frames handed to the transport and not yet completed, per connection. */
    static final int MAX_IN_FLIGHT = 16;

    private final Transport transport;
    private final long maxQueuedBytes;
    private final RelayMetrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<byte[]> frames = new ArrayDeque<>();
    private final LinkedHashMap<Long, AwarenessEntry> awareness = new LinkedHashMap<>();
    private long queuedBytes;
    private int inFlight;
    private boolean pumping;
    private boolean repump;
    private boolean closed;

    public Outbox(Transport transport, long maxQueuedBytes, RelayMetrics metrics) {
        this.transport = transport;
        this.maxQueuedBytes = maxQueuedBytes;
        this.metrics = metrics;
    }

    /** Queues a frame that must arrive (document sync, auth). */
    void sendFrame(byte[] frame) {
        boolean overflow = false;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (queuedBytes + frame.length > maxQueuedBytes) {
                closed = true;
                overflow = true;
                frames.clear();
                awareness.clear();
            } else {
                frames.add(frame);
                queuedBytes += frame.length; // counted until the transport completes it
            }
        } finally {
            lock.unlock();
        }
        if (overflow) {
            metrics.closed(CloseCode.SLOW_CONSUMER);
            transport.close(CloseCode.SLOW_CONSUMER, "slow consumer: more than " + maxQueuedBytes + " bytes queued");
            return;
        }
        pump();
    }

    /** Queues an auth message refusing something the client sent (never dropped). */
    public void sendFrameRefusal(byte[] frame) {
        sendFrame(frame);
    }

    /** Queues awareness states; a newer state of the same client replaces one not yet sent. */
    void sendAwareness(Collection<AwarenessEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            if (closed) {
                return;
            }
            for (AwarenessEntry e : entries) {
                AwarenessEntry old = awareness.get(e.clientId());
                if (old == null || e.supersedes(old)) {
                    if (old != null) {
                        metrics.awarenessCoalesced();
                    }
                    awareness.put(e.clientId(), e);
                }
            }
        } finally {
            lock.unlock();
        }
        pump();
    }

    /** Stops sending; queued frames are discarded. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            frames.clear();
            awareness.clear();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Hands queued frames to the transport, up to {@link #MAX_IN_FLIGHT} at a time (so the socket
     * layer can write several in one go). One thread pumps at a time; a completion that arrives
     * while pumping, on the same or another thread, makes the pumping thread go round again
     * instead of recursing.
     */
    private void pump() {
        lock.lock();
        try {
            if (pumping) {
                repump = true;
                return;
            }
            pumping = true;
        } finally {
            lock.unlock();
        }
        java.util.ArrayList<byte[]> batch = new java.util.ArrayList<>();
        while (true) {
            batch.clear();
            int documents = 0;
            lock.lock();
            try {
                repump = false;
                while (!closed && inFlight < MAX_IN_FLIGHT) {
                    byte[] next = frames.poll();
                    if (next != null) {
                        documents++;
                    } else if (!awareness.isEmpty()) {
                        next = YMessageCodec.awareness(awareness.values());
                        awareness.clear();
                        queuedBytes += next.length;
                    } else {
                        break;
                    }
                    inFlight++;
                    batch.add(next);
                }
                if (batch.isEmpty() && !repump) {
                    pumping = false;
                    return;
                }
            } finally {
                lock.unlock();
            }
            for (int i = 0; i < batch.size(); i++) {
                byte[] frame = batch.get(i);
                metrics.frameOut(i < documents, frame.length);
                transport.send(frame, failure -> {
                    finished(failure, frame.length);
                    pump();
                });
            }
        }
    }

    private void finished(Throwable failure, int length) {
        lock.lock();
        try {
            inFlight--;
            queuedBytes -= length;
            if (failure != null) {
                closed = true;
                frames.clear();
                awareness.clear();
            }
        } finally {
            lock.unlock();
        }
    }
}
