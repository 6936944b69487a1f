package dev.parley.signaling.compat.ywebsocket.room;

import dev.parley.signaling.compat.ywebsocket.wire.AwarenessEntry;
import dev.parley.signaling.compat.ywebsocket.wire.YMessageCodec;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One connection's outbound queue. Document frames are never dropped: they queue in order, and a
 * connection whose queue passes {@code maxQueuedBytes} is closed as a slow consumer (y-websocket's
 * client reconnects and syncs again, so nothing is lost). Awareness states are coalesced per client
 * id while a send is in flight: only the newest state of each client goes out, in one frame.
 */
public final class Outbox {

    private static final int SENDING = 0;
    private static final int RETURNED = 1;
    private static final int COMPLETED = 2;

    private final Transport transport;
    private final long maxQueuedBytes;
    private final RelayMetrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<byte[]> frames = new ArrayDeque<>();
    private final LinkedHashMap<Long, AwarenessEntry> awareness = new LinkedHashMap<>();
    private long queuedBytes;
    private boolean inFlight;
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
                queuedBytes += frame.length;
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

    private void pump() {
        while (true) {
            byte[] next;
            boolean document;
            lock.lock();
            try {
                if (inFlight || closed) {
                    return;
                }
                next = frames.poll();
                document = next != null;
                if (next != null) {
                    queuedBytes -= next.length;
                } else if (!awareness.isEmpty()) {
                    next = YMessageCodec.awareness(awareness.values());
                    awareness.clear();
                } else {
                    return;
                }
                inFlight = true;
            } finally {
                lock.unlock();
            }
            metrics.frameOut(document, next.length);
            AtomicInteger state = new AtomicInteger(SENDING);
            transport.send(next, failure -> {
                finished(failure);
                if (!state.compareAndSet(SENDING, COMPLETED)) {
                    pump();
                }
            });
            if (state.compareAndSet(SENDING, RETURNED)) {
                return; // completes later, on another thread; its callback pumps
            }
        }
    }

    private void finished(Throwable failure) {
        lock.lock();
        try {
            inFlight = false;
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
