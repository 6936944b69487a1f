package dev.parley.signaling.compat.ywebsocket.room;

/**
 * Per-room bounds.
 *
 * @param maxDocumentBytes       stored update bytes per room; an update past it closes its sender with 4413
 * @param maxConnectionsPerRoom  connections per room on this node
 * @param maxAwarenessStates     awareness client ids kept per room
 * @param maxPendingWhileLoading requests waiting while the room's document loads from the store
 * @param compactAfterUpdates    stored updates after which the room asks a client for the whole
 *                               document to replace them ({@link Compaction}); 0 = never
 */
public record RoomLimits(long maxDocumentBytes, int maxConnectionsPerRoom, int maxAwarenessStates,
                         int maxPendingWhileLoading, int compactAfterUpdates) {

    public RoomLimits {
        if (maxDocumentBytes < 1024) {
            throw new IllegalArgumentException("maxDocumentBytes must be at least 1024");
        }
        if (maxConnectionsPerRoom < 1 || maxAwarenessStates < 1 || maxPendingWhileLoading < 1) {
            throw new IllegalArgumentException("room limits must be positive");
        }
        if (compactAfterUpdates != 0 && compactAfterUpdates < 2) {
            throw new IllegalArgumentException("compactAfterUpdates must be 0 (never) or at least 2");
        }
    }
}
