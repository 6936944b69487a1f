package dev.parley.signaling.compat.ywebsocket.room;

import dev.parley.signaling.compat.ywebsocket.wire.ClockRange;
import dev.parley.signaling.compat.ywebsocket.wire.UpdateSummary;
import java.util.ArrayList;
import java.util.List;

/**
 * A room's document as the relay holds it: the list of Yjs update blobs in arrival order (opaque;
 * a client applies them in sequence) and the ids they cover. Not thread-safe: the room's lock guards it.
 */
final class DocState {

    /** What became of an offered update. */
    enum Offer { STORED, REDUNDANT, TOO_LARGE }

    private final long maxBytes;
    private final List<byte[]> updates = new ArrayList<>();
    private final IdSet structs = new IdSet();
    private final IdSet deletes = new IdSet();
    private long bytes;

    DocState(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Adds an update loaded from the store, whatever its size. */
    void restore(byte[] update, UpdateSummary summary) {
        append(update, summary);
    }

    Offer offer(byte[] update, UpdateSummary summary) {
        if (isRedundant(summary)) {
            return Offer.REDUNDANT;
        }
        if (bytes + update.length > maxBytes) {
            return Offer.TOO_LARGE;
        }
        append(update, summary);
        return Offer.STORED;
    }

    private boolean isRedundant(UpdateSummary summary) {
        for (ClockRange r : summary.structs()) {
            if (!structs.covers(r)) {
                return false;
            }
        }
        for (ClockRange r : summary.deletes()) {
            if (!deletes.covers(r)) {
                return false;
            }
        }
        return true;
    }

    private void append(byte[] update, UpdateSummary summary) {
        updates.add(update);
        bytes += update.length;
        summary.structs().forEach(structs::add);
        summary.deletes().forEach(deletes::add);
    }

    List<byte[]> updates() {
        return List.copyOf(updates);
    }

    int updateCount() {
        return updates.size();
    }

    long bytes() {
        return bytes;
    }

    byte[] stateVector() {
        return structs.encodeStateVector();
    }
}
