package dev.parley.signaling.compat.ywebsocket.room;

import dev.parley.signaling.compat.ywebsocket.wire.ClockRange;
import dev.parley.signaling.compat.ywebsocket.wire.UpdateSummary;
import dev.parley.signaling.compat.ywebsocket.wire.MalformedMessageException;
import dev.parley.signaling.compat.ywebsocket.wire.UpdateScanner;
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
    /** Bumped whenever a prefix of {@link #updates} is replaced, so an old count no longer names it. */
    private long epoch;
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

    boolean isRedundant(UpdateSummary summary) {
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

    /** The ids of the first {@code count} stored updates (scanned again: compaction is rare). */
    Ids prefixIds(int count) {
        Ids ids = new Ids();
        for (byte[] u : updates.subList(0, count)) {
            try {
                ids.add(UpdateScanner.scan(u));
            } catch (MalformedMessageException e) {
                throw new IllegalStateException("a stored update no longer scans", e);
            }
        }
        return ids;
    }

    /** Which stored updates {@code ids} holds (each scanned again: compaction is rare). */
    boolean[] heldBy(Ids ids) {
        boolean[] held = new boolean[updates.size()];
        for (int i = 0; i < held.length; i++) {
            try {
                held[i] = ids.covers(UpdateScanner.scan(updates.get(i)));
            } catch (MalformedMessageException e) {
                held[i] = false;
            }
        }
        return held;
    }

    long bytesOf(boolean[] which) {
        long n = 0;
        for (int i = 0; i < which.length; i++) {
            if (which[i]) {
                n += updates.get(i).length;
            }
        }
        return n;
    }

    /**
     * Whether a candidate snapshot adds nothing the room does not hold: each of its structs is a
     * stored struct, each id it deletes is a stored struct or a stored deletion (a client reports
     * garbage-collected content as deleted, though no update deleted it explicitly).
     */
    boolean holdsAll(UpdateSummary snapshot) {
        for (ClockRange r : snapshot.structs()) {
            if (!structs.covers(r)) {
                return false;
            }
        }
        IdSet known = null;
        for (ClockRange r : snapshot.deletes()) {
            if (deletes.covers(r) || structs.covers(r)) {
                continue;
            }
            if (known == null) {
                known = new IdSet();
                structs.addAllTo(known);
                deletes.addAllTo(known);
            }
            if (!known.covers(r)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Removes the updates marked in {@code held} (which {@code snapshot} holds, and
     * the snapshot puts first; a client applies them in any order, Yjs being a CRDT). The ids held do
     * not change: an id the snapshot holds beyond them still counts as new when it arrives.
     *
     * @return how many were removed
     */
    int replace(boolean[] held, byte[] snapshot) {
        List<byte[]> kept = new ArrayList<>(updates.size());
        kept.add(snapshot);
        long b = snapshot.length;
        for (int i = 0; i < updates.size(); i++) {
            if (i >= held.length || !held[i]) {
                kept.add(updates.get(i));
                b += updates.get(i).length;
            }
        }
        int removed = updates.size() + 1 - kept.size();
        updates.clear();
        updates.addAll(kept);
        bytes = b;
        epoch++;
        return removed;
    }

    long epoch() {
        return epoch;
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

    /** Struct and deletion ids of some updates, merged. */
    static final class Ids {
        private final IdSet structs = new IdSet();
        private final IdSet deletes = new IdSet();

        void add(UpdateSummary s) {
            s.structs().forEach(structs::add);
            s.deletes().forEach(deletes::add);
        }

        /** Whether every struct and deletion of {@code s} is among these. */
        boolean covers(UpdateSummary s) {
            return s.structs().stream().allMatch(structs::covers) && s.deletes().stream().allMatch(deletes::covers);
        }

        /** Whether every struct and deletion of {@code other} is among these. */
        boolean covers(Ids other) {
            return structs.coversAll(other.structs) && deletes.coversAll(other.deletes);
        }
    }
}
