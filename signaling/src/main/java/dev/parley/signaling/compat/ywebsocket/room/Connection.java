package dev.parley.signaling.compat.ywebsocket.room;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * One y-websocket connection in a room: its outbox, whether its token is read-only, and the
 * awareness client ids it announced (removed for everyone when it closes).
 */
public final class Connection {

    private final String id;
    private final boolean readOnly;
    private final Outbox outbox;
    private final Transport transport;
    /** Guarded by the room's lock. */
    final Set<Long> awarenessClients = new HashSet<>();
    /**
     * Sync step 1s sent to this client and not yet answered, oldest first: 0 for the one sent on
     * join, a {@link Compaction#id()} for a compaction request. Guarded by the room's lock.
     */
    final ArrayDeque<Long> stepOnesSent = new ArrayDeque<>();
    /** Whether every stored update has been queued to it (after its sync step 1). Guarded by the room's lock. */
    boolean caughtUp;

    public Connection(String id, boolean readOnly, Transport transport, long maxQueuedBytes, RelayMetrics metrics) {
        this.id = id;
        this.readOnly = readOnly;
        this.transport = transport;
        this.outbox = new Outbox(transport, maxQueuedBytes, metrics);
    }

    public String id() {
        return id;
    }

    public boolean readOnly() {
        return readOnly;
    }

    public Outbox outbox() {
        return outbox;
    }

    /** Closes the socket (the adapter then calls {@link DocRoom#leave}). */
    public void close(CloseCode code, String reason) {
        outbox.close();
        transport.close(code, reason);
    }

    @Override
    public String toString() {
        return id;
    }
}
