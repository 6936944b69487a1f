package dev.parley.presence.http;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The node's live SSE responses: for keep-alive ticks and shutdown. */
public final class SseConnections {

    private final Set<SseConnection> live = ConcurrentHashMap.newKeySet();
    private final int bufferFrames;
    private final Duration retry;

    public SseConnections(int bufferFrames, Duration retry, MeterRegistry meters) {
        this.bufferFrames = bufferFrames;
        this.retry = retry;
        meters.gauge("parley.presence.sse.connections", live, Set::size);
    }

    int bufferFrames() {
        return bufferFrames;
    }

    Duration retry() {
        return retry;
    }

    void add(SseConnection c) {
        live.add(c);
    }

    void remove(SseConnection c) {
        live.remove(c);
    }

    /** Sends a keep-alive comment on every idle stream (called by the service every keep-alive interval). */
    public void keepAlive() {
        for (SseConnection c : new ArrayList<>(live)) {
            c.keepAlive();
        }
    }

    /** Ends every stream (node shutdown); EventSource clients reconnect, to another node behind a balancer. */
    public void closeAll() {
        for (SseConnection c : new ArrayList<>(live)) {
            c.closeQuietly();
        }
    }
}
