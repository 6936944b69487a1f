package dev.parley.signaling.compat.ywebsocket.wire;

import java.util.List;

/**
 * The messages of y-websocket's protocol, one per WebSocket binary frame. The first varuint is the
 * message type ({@code messageSync = 0}, {@code messageAwareness = 1}, {@code messageAuth = 2},
 * {@code messageQueryAwareness = 3}); a sync message then carries its own varuint sub-type
 * (y-protocols {@code sync.js}: step 1 = 0, step 2 = 1, update = 2).
 */
public sealed interface YMessage {

    /** Sync step 1: the sender's state vector; the receiver answers with step 2. */
    record SyncStep1(byte[] stateVector) implements YMessage { }

    /** Sync step 2: a Yjs update holding what the receiver of step 1 was missing. */
    record SyncStep2(byte[] update) implements YMessage { }

    /** A Yjs update made after the sync. */
    record SyncUpdate(byte[] update) implements YMessage { }

    /** An awareness update: states of one or more clients. */
    record Awareness(List<AwarenessEntry> entries) implements YMessage {
        public Awareness {
            entries = List.copyOf(entries);
        }
    }

    /** y-protocols {@code auth.js}: {@code permissionDenied = 0} with a reason. */
    record Auth(int authType, String reason) implements YMessage { }

    /** Asks for every awareness state known to the receiver. */
    record QueryAwareness() implements YMessage { }

    /** A message type this relay does not know; ignored, as y-websocket's own server does. */
    record Unknown(long type) implements YMessage { }
}
