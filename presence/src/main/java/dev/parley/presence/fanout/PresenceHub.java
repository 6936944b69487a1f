package dev.parley.presence.fanout;

import dev.parley.presence.model.Channel;
import dev.parley.presence.model.EventId;
import dev.parley.presence.model.PresenceEvent;
import dev.parley.presence.store.History;
import dev.parley.presence.store.PresenceStore;
import dev.parley.presence.store.StoreListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a store's events to this node's subscribers, Centrifugo-style: each subscriber has a
 * position (epoch:offset) and gets exactly the events after it, in order. The next expected event
 * is delivered at once; an older one is skipped; a gap, a new epoch or a store reconnect makes the
 * subscriber fetch what it missed from the store's log, or a fresh snapshot when the log cannot
 * supply it. All work for a channel runs on that channel's serial executor, never on the store's
 * I/O thread.
 */
public final class PresenceHub implements StoreListener {

    private static final Logger LOG = LoggerFactory.getLogger(PresenceHub.class);

    private static final class ChannelState {
        final SerialExecutor serial;
        final Set<Subscriber> subscribers = new LinkedHashSet<>();
        final CompletableFuture<Void> subscribed;

        ChannelState(SerialExecutor serial, CompletableFuture<Void> subscribed) {
            this.serial = serial;
            this.subscribed = subscribed;
        }
    }

    private final PresenceStore store;
    private final ScheduledExecutorService executor;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Channel, ChannelState> channels = new HashMap<>();
    private final AtomicInteger subscriberCount = new AtomicInteger();
    private final Counter delivered;
    private final Counter dropped;
    private final Counter replays;
    private final Counter snapshots;

    public PresenceHub(PresenceStore store, ScheduledExecutorService executor, MeterRegistry meters) {
        this.store = store;
        this.executor = executor;
        meters.gauge("parley.presence.subscribers", subscriberCount);
        this.delivered = meters.counter("parley.presence.events.delivered");
        this.dropped = meters.counter("parley.presence.subscribers.dropped");
        this.replays = meters.counter("parley.presence.resync", "result", "replay");
        this.snapshots = meters.counter("parley.presence.resync", "result", "snapshot");
    }

    public int subscriberCount() {
        return subscriberCount.get();
    }

    /**
     * Adds a subscriber. It first gets either the events after {@code lastEventId} or a snapshot
     * (marked fresh when {@code lastEventId} was given but could not be replayed), then live events.
     *
     * @param users for {@link Channel#USERS}: the watched users
     */
    public Subscriber subscribe(Channel channel, Set<String> users, EventId lastEventId, EventSink sink) {
        Subscriber s = new Subscriber(channel, users, lastEventId, sink);
        ChannelState cs;
        lock.lock();
        try {
            cs = channels.get(channel);
            if (cs == null) {
                cs = new ChannelState(new SerialExecutor(executor), store.subscribe(channel).toCompletableFuture());
                channels.put(channel, cs);
            }
            cs.subscribers.add(s);
        } finally {
            lock.unlock();
        }
        subscriberCount.incrementAndGet();
        ChannelState state = cs;
        state.subscribed.whenComplete((v, err) -> state.serial.execute(() -> startSync(state, s)));
        return s;
    }

    /** Removes a subscriber (its connection ended); the last one of a channel unsubscribes from the store. */
    public void unsubscribe(Subscriber s) {
        lock.lock();
        try {
            ChannelState cs = channels.get(s.channel);
            if (cs == null || !cs.subscribers.remove(s)) {
                return;
            }
            subscriberCount.decrementAndGet();
            cs.serial.execute(() -> s.closed = true);
            if (cs.subscribers.isEmpty()) {
                channels.remove(s.channel);
                store.unsubscribe(s.channel);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Closes every subscriber (node shutdown); clients reconnect elsewhere with their Last-Event-ID. */
    public void closeAll(String reason) {
        List<Subscriber> all = new ArrayList<>();
        lock.lock();
        try {
            channels.values().forEach(cs -> all.addAll(cs.subscribers));
        } finally {
            lock.unlock();
        }
        for (Subscriber s : all) {
            unsubscribe(s);
            s.sink.close(reason);
        }
    }

    @Override
    public void onEvent(PresenceEvent event) {
        ChannelState cs = state(event.channel());
        if (cs != null) {
            cs.serial.execute(() -> {
                for (Subscriber s : snapshotOf(cs)) {
                    deliver(cs, s, event);
                }
            });
        }
    }

    @Override
    public void onReconnected() {
        List<ChannelState> all;
        lock.lock();
        try {
            all = new ArrayList<>(channels.values());
        } finally {
            lock.unlock();
        }
        for (ChannelState cs : all) {
            cs.serial.execute(() -> {
                for (Subscriber s : snapshotOf(cs)) {
                    if (!s.syncing) {
                        startSync(cs, s);
                    }
                }
            });
        }
    }

    /** Re-checks every subscriber's position against the store (after an outage or on a timer). */
    public void resyncAll() {
        onReconnected();
    }

    private ChannelState state(Channel c) {
        lock.lock();
        try {
            return channels.get(c);
        } finally {
            lock.unlock();
        }
    }

    private List<Subscriber> snapshotOf(ChannelState cs) {
        lock.lock();
        try {
            return new ArrayList<>(cs.subscribers);
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------ per-subscriber state machine (serial)

    private void deliver(ChannelState cs, Subscriber s, PresenceEvent e) {
        if (s.closed) {
            return;
        }
        if (s.syncing) {
            if (s.pending.size() < Subscriber.MAX_PENDING) {
                s.pending.add(e);
            } else {
                s.pendingOverflow = true;
            }
            return;
        }
        EventId p = s.position;
        if (!p.epoch().equals(e.id().epoch()) || e.id().offset() > p.offset() + 1) {
            s.pending.add(e);
            startSync(cs, s);
            return;
        }
        if (e.id().offset() <= p.offset()) {
            return;   // already sent (replay and live overlap)
        }
        s.position = e.id();
        if (s.wants(e)) {
            send(s, e);
        }
    }

    private void startSync(ChannelState cs, Subscriber s) {
        if (s.closed) {
            return;
        }
        s.syncing = true;
        EventId from = s.position;
        if (from == null) {
            fetchSnapshot(cs, s);
            return;
        }
        store.history(s.channel, from).whenComplete((h, err) -> cs.serial.execute(() -> {
            if (err != null) {
                retryLater(cs, s, err);
            } else if (!h.recoverable()) {
                fetchSnapshot(cs, s);
            } else {
                replays.increment();
                applyHistory(cs, s, h);
            }
        }));
    }

    private void applyHistory(ChannelState cs, Subscriber s, History h) {
        for (PresenceEvent e : h.events()) {
            if (s.closed) {
                return;
            }
            if (e.id().offset() > s.position.offset()) {
                s.position = e.id();
                if (s.wants(e)) {
                    send(s, e);
                }
            }
        }
        finishSync(cs, s);
    }

    private void fetchSnapshot(ChannelState cs, Subscriber s) {
        store.snapshot(s.channel, s.users).whenComplete((snap, err) -> cs.serial.execute(() -> {
            if (err != null) {
                retryLater(cs, s, err);
                return;
            }
            if (s.closed) {
                return;
            }
            snapshots.increment();
            s.position = snap.id();
            send(s, snap.asFresh(s.everPositioned));
            s.everPositioned = true;
            finishSync(cs, s);
        }));
    }

    private void finishSync(ChannelState cs, Subscriber s) {
        s.syncing = false;
        List<PresenceEvent> waiting = new ArrayList<>(s.pending);
        s.pending.clear();
        if (s.pendingOverflow) {
            s.pendingOverflow = false;
            startSync(cs, s);   // some live events were not kept: fetch them from the log
            return;
        }
        for (PresenceEvent e : waiting) {
            deliver(cs, s, e);
        }
    }

    private void retryLater(ChannelState cs, Subscriber s, Throwable err) {
        LOG.debug("presence resync for {} failed ({}); retrying", s.channel, err.toString());
        s.syncing = true;
        executor.schedule(() -> cs.serial.execute(() -> startSync(cs, s)), 1, TimeUnit.SECONDS);
    }

    private void send(Subscriber s, PresenceEvent e) {
        if (s.closed) {
            return;
        }
        if (s.sink.offer(e)) {
            delivered.increment();
        } else {
            dropped.increment();
            s.closed = true;
            unsubscribe(s);
            s.sink.close("slow subscriber");
        }
    }
}
