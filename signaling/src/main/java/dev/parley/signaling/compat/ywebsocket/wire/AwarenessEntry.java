package dev.parley.signaling.compat.ywebsocket.wire;

import java.util.Objects;

/**
 * One client's awareness state as y-protocols' {@code encodeAwarenessUpdate} writes it.
 *
 * @param clientId  the Yjs client id (a uint32)
 * @param clock     increases with every change of that client's state
 * @param stateJson the state as JSON text; {@code "null"} means the client is gone
 */
public record AwarenessEntry(long clientId, long clock, String stateJson) {

    public static final String REMOVED = "null";

    public AwarenessEntry {
        Objects.requireNonNull(stateJson, "stateJson");
    }

    public boolean isRemoval() {
        return REMOVED.equals(stateJson);
    }

    /** The entry that tells peers this client left: the next clock with a null state. */
    public AwarenessEntry removal() {
        return new AwarenessEntry(clientId, clock + 1, REMOVED);
    }

    /**
     * y-protocols' {@code applyAwarenessUpdate} rule: a newer clock wins, and at the same clock a
     * removal wins over a present state.
     */
    public boolean supersedes(AwarenessEntry current) {
        return current == null || clock > current.clock || (clock == current.clock && isRemoval() && !current.isRemoval());
    }
}
