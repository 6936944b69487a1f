package dev.parley.signaling.compat.ywebsocket.room;

import dev.parley.signaling.compat.ywebsocket.wire.AwarenessEntry;
import dev.parley.signaling.compat.ywebsocket.wire.MalformedMessageException;
import dev.parley.signaling.compat.ywebsocket.wire.UpdateScanner;
import dev.parley.signaling.compat.ywebsocket.wire.UpdateSummary;
import dev.parley.signaling.compat.ywebsocket.wire.YMessageCodec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shared document: its stored updates, its awareness table and its connections. All state
 * changes happen under one lock, and every frame is queued to the outboxes under that lock, so
 * every connection sees the room's updates in the same order.
 *
 * <p>Until the room's stored updates are loaded, requests wait in a bounded list and run, in order,
 * once the load completes.
 */
public final class DocRoom {

    private static final Logger LOG = LoggerFactory.getLogger(DocRoom.class);

    /** An awareness state and the local connection that announced it (null: another node), with when. */
    private record Owned(AwarenessEntry entry, Connection owner, long atNanos) { }

    /** A compaction request not answered within this is given up (the next stored update may ask again). */
    static final long COMPACTION_TIMEOUT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

    /** An encoded empty state vector: "send me everything". */
    private static final byte[] EMPTY_STATE_VECTOR = {0};

    /** y-protocols' outdatedTimeout: a state not renewed for this long is gone. */
    static final long AWARENESS_OUTDATED_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

    private final String name;
    private final RoomLimits limits;
    private final UpdateStore store;
    private final RoomBus bus;
    private final RelayMetrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    private final DocState doc;
    private final Map<Long, Owned> awareness = new HashMap<>();
    private final Set<Connection> members = new LinkedHashSet<>();
    private final List<Runnable> pending = new ArrayList<>();
    private boolean loaded;
    private boolean failed;
    private long generation;
    /** The outstanding compaction request, or null. */
    private Compaction compaction;
    private long compactionIds;
    /** Stored-update count from which the next compaction may be asked for (after one that failed). */
    private int compactAgainAt;

    DocRoom(String name, RoomLimits limits, UpdateStore store, RoomBus bus, RelayMetrics metrics) {
        this.name = name;
        this.limits = limits;
        this.store = store;
        this.bus = bus;
        this.metrics = metrics;
        this.doc = new DocState(limits.maxDocumentBytes());
    }

    public String name() {
        return name;
    }

    /** Called once with the store's answer. */
    void loaded(List<byte[]> updates, Throwable failure) {
        List<Runnable> run;
        List<Connection> toClose = List.of();
        lock.lock();
        try {
            if (failure == null) {
                for (byte[] u : updates) {
                    try {
                        doc.restore(u, UpdateScanner.scan(u));
                    } catch (MalformedMessageException e) {
                        LOG.warn("room {}: skipping a stored update that is not a Yjs v1 update ({})", name, e.getMessage());
                    }
                }
                loaded = true;
                run = List.copyOf(pending);
            } else {
                failed = true;
                toClose = List.copyOf(members);
                run = List.of();
            }
            pending.clear();
            for (Runnable r : run) {
                r.run();
            }
        } finally {
            lock.unlock();
        }
        if (failure != null) {
            LOG.error("room {}: loading the document failed", name, failure);
            metrics.storeError();
            for (Connection c : toClose) {
                metrics.closed(CloseCode.STORE_UNAVAILABLE);
                c.close(CloseCode.STORE_UNAVAILABLE, "document store unavailable");
            }
        }
    }

    /** Runs {@code action} under the lock now, or once loaded; false if the room cannot take it. */
    private boolean whenLoaded(Connection c, Runnable action) {
        boolean full = false;
        lock.lock();
        try {
            if (failed) {
                full = true;
            } else if (loaded) {
                action.run();
                return true;
            } else if (pending.size() >= limits.maxPendingWhileLoading()) {
                full = true;
            } else {
                pending.add(action);
                return true;
            }
        } finally {
            lock.unlock();
        }
        if (full) {
            metrics.closed(CloseCode.TRY_AGAIN_LATER);
            c.close(CloseCode.TRY_AGAIN_LATER, "document is loading; try again later");
        }
        return false;
    }

    /** Adds a connection; returns false if the room is full. Caller holds the registry lock. */
    boolean join(Connection c) {
        lock.lock();
        try {
            if (failed || members.size() >= limits.maxConnectionsPerRoom()) {
                return false;
            }
            members.add(c);
            generation++;
        } finally {
            lock.unlock();
        }
        // y-websocket's server opens with sync step 1 and the awareness states it knows.
        whenLoaded(c, () -> {
            if (!members.contains(c)) {
                return;
            }
            c.stepOnesSent.add(0L);
            c.outbox().sendFrame(YMessageCodec.syncStep1(doc.stateVector()));
            c.outbox().sendAwareness(awarenessEntries());
        });
        return true;
    }

    /** Removes a connection and tells the others that its awareness states are gone. */
    public void leave(Connection c) {
        lock.lock();
        try {
            if (!members.remove(c)) {
                return;
            }
            List<AwarenessEntry> removals = new ArrayList<>();
            for (Long id : c.awarenessClients) {
                Owned o = awareness.get(id);
                if (o != null && o.owner() == c) {
                    awareness.remove(id);
                    removals.add(o.entry().removal());
                }
            }
            c.awarenessClients.clear();
            if (compaction != null && compaction.connection() == c) {
                compaction = null;
                compactAgainAt = 0; // ask another client at the next stored update
                metrics.compaction("disconnected");
            }
            for (Connection m : members) {
                m.outbox().sendAwareness(removals);
            }
            if (!removals.isEmpty()) {
                bus.publish(name, new RoomBus.Message(RoomBus.Kind.AWARENESS, YMessageCodec.awarenessUpdate(removals)));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sync step 1 from a client: every stored update, the last one as sync step 2. */
    public void syncStep1(Connection c) {
        whenLoaded(c, () -> {
            List<byte[]> updates = doc.updates();
            for (int i = 0; i < updates.size() - 1; i++) {
                c.outbox().sendFrame(YMessageCodec.syncUpdate(updates.get(i)));
            }
            c.outbox().sendFrame(YMessageCodec.syncStep2(updates.isEmpty() ? YMessageCodec.EMPTY_UPDATE
                    : updates.get(updates.size() - 1)));
            if (members.contains(c)) {
                c.caughtUp = true;
            }
        });
    }

    /**
     * Sync step 2 from a client: the answer to the oldest step 1 it has not answered. The answer to
     * the outstanding compaction request is handled here; any other goes through {@code asUpdate}
     * (the ordinary update path: scan, read-only check, {@link #update}).
     */
    public void syncStep2(Connection c, byte[] update, Runnable asUpdate) {
        whenLoaded(c, () -> {
            Long answered = c.stepOnesSent.poll();
            Compaction k = compaction;
            if (answered != null && k != null && k.id() == answered && k.connection() == c) {
                compaction = null;
                compact(k, update, asUpdate);
            } else {
                asUpdate.run();
            }
        });
    }

    /** Asks a client for the whole document when the room holds enough updates. Holds the lock. */
    private void maybeCompact() {
        int limit = limits.compactAfterUpdates();
        int n = doc.updateCount();
        if (limit == 0) {
            return;
        }
        if (compaction != null) {
            if (System.nanoTime() - compaction.startedNanos() < COMPACTION_TIMEOUT_NANOS) {
                return;
            }
            compaction = null;
            compactAgainAt = n + Math.max(1, limit / 4);
            metrics.compaction("timeout");
            return;
        }
        if (n < Math.max(limit, compactAgainAt)) {
            return;
        }
        Connection target = null;
        for (Connection m : members) {
            // writable (its edits are all stored), caught up, and no step 1 of ours unanswered
            if (!m.readOnly() && m.caughtUp && m.stepOnesSent.isEmpty()) {
                target = m;
                break;
            }
        }
        if (target == null) {
            compactAgainAt = n + Math.max(1, limit / 4);
            return;
        }
        compaction = new Compaction(++compactionIds, target, n, doc.epoch(), doc.prefixIds(n), System.nanoTime());
        target.stepOnesSent.add(compaction.id());
        target.outbox().sendFrame(YMessageCodec.syncStep1(EMPTY_STATE_VECTOR));
        metrics.compaction("requested");
    }

    /**
     * A client's answer to a compaction request: if it holds every id of the first {@code k.count()}
     * updates and nothing the room lacks, it replaces every stored update it holds (those and any
     * that reached the client before it answered), provided it is smaller than they are. An answer not used is then
     * treated as any sync step 2 ({@code asUpdate}: stored if it brings something new), except a
     * malformed one, which is ignored. Holds the lock.
     */
    private void compact(Compaction k, byte[] snapshot, Runnable asUpdate) {
        String rejected = null;
        UpdateSummary summary = null;
        DocState.Ids held = new DocState.Ids();
        try {
            summary = UpdateScanner.scan(snapshot);
            held.add(summary);
        } catch (MalformedMessageException e) {
            rejected = "malformed";
        }
        boolean[] replaced = null;
        if (rejected == null) {
            if (doc.epoch() != k.epoch()) {
                rejected = "stale";
            } else if (!doc.holdsAll(summary)) {
                rejected = "unknown-ids";
            } else if (!held.covers(k.prefix())) {
                rejected = "incomplete";
            } else {
                // the client answered after more updates reached it: replace every one it holds
                replaced = doc.heldBy(held);
                if (snapshot.length >= doc.bytesOf(replaced)) {
                    rejected = "not-smaller";
                }
            }
        }
        if (rejected != null) {
            LOG.warn("room {}: compaction answer from {} not used ({})", name, k.connection(), rejected);
            metrics.compaction(rejected);
            compactAgainAt = doc.updateCount() + Math.max(1, limits.compactAfterUpdates() / 4);
            if (summary != null) {
                asUpdate.run();
            }
            return;
        }
        long before = doc.bytes();
        long replacedBytes = doc.bytesOf(replaced);
        int count = doc.replace(replaced, snapshot);
        compactAgainAt = 0;
        metrics.compacted(count, before, doc.bytes());
        LOG.debug("room {}: {} updates ({} bytes) replaced by one of {} bytes", name, count, replacedBytes,
                snapshot.length);
        store.compact(name, snapshot, stored -> {
            try {
                return held.covers(UpdateScanner.scan(stored));
            } catch (MalformedMessageException e) {
                return false;
            }
        }).whenComplete((removed, err) -> {
            if (err != null) {
                metrics.storeError();
                LOG.error("room {}: compacting the stored updates failed (they stay as they were)", name, err);
            } else {
                metrics.storeCompaction(removed);
            }
        });
    }

    /** A document update (sync step 2 or update) from a client that may write. */
    public void update(Connection c, byte[] update, UpdateSummary summary) {
        whenLoaded(c, () -> {
            if (!members.contains(c)) {
                return;
            }
            switch (doc.offer(update, summary)) {
                case REDUNDANT -> metrics.refused("redundant");
                case TOO_LARGE -> {
                    metrics.refused("document-too-large");
                    metrics.closed(CloseCode.DOCUMENT_TOO_LARGE);
                    c.close(CloseCode.DOCUMENT_TOO_LARGE, "document too large: room holds " + doc.bytes()
                            + " bytes, limit " + limits.maxDocumentBytes());
                }
                case STORED -> {
                    metrics.documentUpdate(update.length);
                    store.append(name, update).whenComplete((ok, err) -> {
                        if (err != null) {
                            metrics.storeError();
                            LOG.error("room {}: storing an update failed", name, err);
                        }
                    });
                    bus.publish(name, new RoomBus.Message(RoomBus.Kind.UPDATE, update));
                    byte[] frame = YMessageCodec.syncUpdate(update);
                    for (Connection m : members) {
                        if (m != c) {
                            m.outbox().sendFrame(frame);
                        }
                    }
                    maybeCompact();
                }
                default -> throw new IllegalStateException();
            }
        });
    }

    /** Awareness states from a client: kept, and relayed to everyone (the sender too, as upstream does). */
    public void awareness(Connection c, List<AwarenessEntry> entries) {
        whenLoaded(c, () -> {
            if (!members.contains(c)) {
                return;
            }
            List<AwarenessEntry> accepted = applyAwareness(c, entries);
            for (Connection m : members) {
                m.outbox().sendAwareness(accepted);
            }
            if (!accepted.isEmpty()) {
                bus.publish(name, new RoomBus.Message(RoomBus.Kind.AWARENESS, YMessageCodec.awarenessUpdate(accepted)));
            }
        });
    }

    /** Applies y-protocols' rules; {@code owner} null for states from another node. Holds the lock. */
    private List<AwarenessEntry> applyAwareness(Connection owner, List<AwarenessEntry> entries) {
        List<AwarenessEntry> accepted = new ArrayList<>(entries.size());
        for (AwarenessEntry e : entries) {
            Owned cur = awareness.get(e.clientId());
            if (!e.supersedes(cur == null ? null : cur.entry())) {
                continue;
            }
            if (!e.isRemoval() && cur == null && awareness.size() >= limits.maxAwarenessStates()) {
                metrics.refused("awareness-full");
                continue;
            }
            accepted.add(e);
            if (cur != null && cur.owner() != null && cur.owner() != owner) {
                cur.owner().awarenessClients.remove(e.clientId());
            }
            if (e.isRemoval()) {
                awareness.remove(e.clientId());
                if (owner != null) {
                    owner.awarenessClients.remove(e.clientId());
                }
            } else {
                awareness.put(e.clientId(), new Owned(e, owner, System.nanoTime()));
                if (owner != null) {
                    owner.awarenessClients.add(e.clientId());
                }
            }
        }
        return accepted;
    }

    /** A message from another node holding this room: applied and passed to this node's clients. */
    void remote(RoomBus.Message message) {
        if (message.kind() == RoomBus.Kind.HELLO) {
            lock.lock();
            try {
                List<AwarenessEntry> ours = new ArrayList<>();
                for (Owned o : awareness.values()) {
                    if (o.owner() != null) {
                        ours.add(o.entry());
                    }
                }
                if (!ours.isEmpty()) {
                    bus.publish(name, new RoomBus.Message(RoomBus.Kind.AWARENESS, YMessageCodec.awarenessUpdate(ours)));
                }
            } finally {
                lock.unlock();
            }
            return;
        }
        List<AwarenessEntry> entries = null;
        UpdateSummary summary = null;
        try {
            if (message.kind() == RoomBus.Kind.UPDATE) {
                summary = UpdateScanner.scan(message.payload());
            } else {
                entries = YMessageCodec.decodeAwareness(message.payload());
            }
        } catch (MalformedMessageException e) {
            LOG.warn("room {}: ignoring a malformed message from another node ({})", name, e.getMessage());
            return;
        }
        UpdateSummary s = summary;
        List<AwarenessEntry> a = entries;
        lock.lock();
        try {
            Runnable apply = () -> {
                if (s != null) {
                    DocState.Offer offer = doc.offer(message.payload(), s);
                    if (offer == DocState.Offer.STORED) {
                        byte[] frame = YMessageCodec.syncUpdate(message.payload());
                        for (Connection m : members) {
                            m.outbox().sendFrame(frame);
                        }
                        maybeCompact();
                    } else if (offer == DocState.Offer.TOO_LARGE) {
                        metrics.refused("document-too-large");
                        LOG.warn("room {}: an update from another node exceeds this node's document limit", name);
                    }
                } else {
                    List<AwarenessEntry> accepted = applyAwareness(null, a);
                    for (Connection m : members) {
                        m.outbox().sendAwareness(accepted);
                    }
                }
            };
            if (failed) {
                return;
            }
            if (loaded) {
                apply.run();
            } else {
                pending.add(apply);
            }
        } finally {
            lock.unlock();
        }
    }

    public void queryAwareness(Connection c) {
        whenLoaded(c, () -> c.outbox().sendAwareness(awarenessEntries()));
    }

    /**
     * Every current awareness state. States from other nodes that were not renewed within
     * y-protocols' 30 s are dropped here (their node may have crashed): no ghost cursors for new joiners.
     */
    private List<AwarenessEntry> awarenessEntries() {
        long now = System.nanoTime();
        awareness.values().removeIf(o -> o.owner() == null && now - o.atNanos() > AWARENESS_OUTDATED_NANOS);
        List<AwarenessEntry> out = new ArrayList<>(awareness.size());
        for (Owned o : awareness.values()) {
            out.add(o.entry());
        }
        return out;
    }

    boolean isEmpty() {
        lock.lock();
        try {
            return members.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    boolean failed() {
        lock.lock();
        try {
            return failed;
        } finally {
            lock.unlock();
        }
    }

    long generation() {
        lock.lock();
        try {
            return generation;
        } finally {
            lock.unlock();
        }
    }

    List<Connection> members() {
        lock.lock();
        try {
            return List.copyOf(members);
        } finally {
            lock.unlock();
        }
    }

    /** For tests and admin: stored bytes and update count. */
    public long documentBytes() {
        lock.lock();
        try {
            return doc.bytes();
        } finally {
            lock.unlock();
        }
    }

    public int updateCount() {
        lock.lock();
        try {
            return doc.updateCount();
        } finally {
            lock.unlock();
        }
    }
}
