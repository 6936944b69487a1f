package dev.parley.signaling.ws;

import dev.parley.signaling.metrics.SignalingMetrics;

/**
 * One WebSocket connection's place under the node-wide connection limit: taken in
 * {@code onOpen}, given back exactly once in {@code onClose} (and only if it was taken), so the
 * per-endpoint and total connection counts cannot drift.
 */
final class ConnectionSlot {

    private final SignalingMetrics metrics;
    private final String endpoint;
    private boolean held;

    ConnectionSlot(SignalingMetrics metrics, String endpoint) {
        this.metrics = metrics;
        this.endpoint = endpoint;
    }

    /** Counts this connection unless the node already has {@code max}; false means refuse it. */
    boolean take(int max) {
        held = metrics.tryOpen(endpoint, max);
        return held;
    }

    /** Uncounts this connection if {@link #take} counted it; later calls do nothing. */
    void release() {
        if (held) {
            held = false;
            metrics.closed(endpoint);
        }
    }
}
