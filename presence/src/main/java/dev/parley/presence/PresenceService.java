package dev.parley.presence;

import dev.parley.presence.fanout.PresenceHub;
import dev.parley.presence.http.PresenceApiServlet;
import dev.parley.presence.http.PresenceStreamServlet;
import dev.parley.presence.http.SseConnections;
import dev.parley.presence.memory.MemoryPresenceStore;
import dev.parley.presence.model.Channel;
import dev.parley.presence.model.Meta;
import dev.parley.presence.model.PresenceEvent;
import dev.parley.presence.model.UserStatus;
import dev.parley.presence.redis.RedisPresenceStore;
import dev.parley.presence.store.NodeConnection;
import dev.parley.presence.store.PresenceStore;
import dev.parley.presence.store.StoreListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence for one node: the API signaling calls as its sessions come and go, the SSE stream and
 * query endpoints, and the node's duties in a cluster (lease heartbeat, reaping dead nodes,
 * sweeping grace deadlines, re-registering its connections after a Redis outage).
 *
 * <pre>{@code
 * PresenceService presence = new PresenceService(PresenceConfig.defaults("node-a"), meters, scheduler);
 * presence.install(context);          // /v1/presence/stream and /v1/presence/...
 * presence.start();
 * presence.connect("ann", "sess-1");                                  // a WebSocket session opened
 * presence.joinRoom("team", "ann", "sess-1", Map.of("name", "Ann"));   // it joined a room
 * presence.leaveRoom("team", "sess-1");
 * presence.disconnect("sess-1");                                       // the socket closed (leaves its rooms)
 * presence.setStatus("ann", UserStatus.AWAY);
 * }</pre>
 *
 * Every API call returns at once: the local registry is updated synchronously, the store call runs
 * asynchronously. A failed store call (Redis down) is repaired by the next successful heartbeat,
 * which re-registers every live local connection; callers may ignore the returned stage.
 */
public final class PresenceService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PresenceService.class);

    private final PresenceConfig config;
    private final MeterRegistry meters;
    private final ScheduledExecutorService scheduler;
    private final PresenceStore store;
    private final PresenceHub hub;
    private final SseConnections sse;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, LocalConnection> connections = new HashMap<>();
    private final Map<String, UserStatus> chosenStatus = new HashMap<>();
    private final AtomicBoolean dirty = new AtomicBoolean();
    private final List<java.util.function.Consumer<Health>> healthListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicBoolean reconciling = new AtomicBoolean();
    private final Counter storeFailures;
    private final Counter reaped;
    private volatile boolean started;
    private volatile boolean closed;
    private volatile boolean halted;
    private ScheduledFuture<?> tick;
    private ScheduledFuture<?> keepAlive;

    public PresenceService(PresenceConfig config, MeterRegistry meters, ScheduledExecutorService scheduler) {
        this.config = config;
        this.meters = meters;
        this.scheduler = scheduler;
        this.store = config.redisUri() == null
                ? new MemoryPresenceStore(config.logLength())
                : new RedisPresenceStore(config.redisUri(), config.logLength());
        this.hub = new PresenceHub(store, scheduler, meters);
        this.sse = new SseConnections(config.subscriberBuffer(), config.retry(), meters);
        this.storeFailures = meters.counter("parley.presence.store.failures");
        this.reaped = meters.counter("parley.presence.nodes.reaped");
        meters.gauge("parley.presence.connections", connections, Map::size);
    }

    /** Adds the SSE stream ({@code /v1/presence/stream}) and the status/query API ({@code /v1/presence/*}). */
    public void install(ServletContextHandler context) {
        ServletHolder stream = new ServletHolder("presence-stream", new PresenceStreamServlet(this, hub, sse, config));
        stream.setAsyncSupported(true);
        context.addServlet(stream, "/v1/presence/stream");
        ServletHolder api = new ServletHolder("presence-api", new PresenceApiServlet(this, config, scheduler));
        api.setAsyncSupported(true);
        context.addServlet(api, "/v1/presence/*");
    }

    public void start() throws Exception {
        store.setListener(new StoreListener() {
            @Override
            public void onEvent(PresenceEvent event) {
                hub.onEvent(event);
            }

            @Override
            public void onDisconnected() {
                LOG.warn("presence store unreachable: serving local connections, will re-register when it returns");
                notifyHealth();
            }

            @Override
            public void onReconnected() {
                notifyHealth();
                LOG.info("presence store reconnected; re-registering this node's connections");
                dirty.set(true);
                scheduler.execute(PresenceService.this::tick);
                hub.onReconnected();
                // pub/sub re-subscription completes asynchronously: check positions once more a little later
                scheduler.schedule(hub::resyncAll, config.tickInterval().toMillis() * 2, TimeUnit.MILLISECONDS);
            }
        });
        store.start();
        long every = config.tickInterval().toMillis();
        tick = scheduler.scheduleWithFixedDelay(this::tick, 0, every, TimeUnit.MILLISECONDS);
        long ka = config.keepAlive().toMillis();
        keepAlive = scheduler.scheduleAtFixedRate(sse::keepAlive, ka, ka, TimeUnit.MILLISECONDS);
        started = true;
    }

    public boolean isReady() {
        return started && !closed && store.isHealthy();
    }

    /** For {@code /readyz}: degraded (not ready) while Redis is unreachable. */
    public Health health() {
        if (!started || closed) {
            return new Health(false, false, closed ? "closed" : "not started");
        }
        if (!store.isHealthy()) {
            return new Health(false, true, "presence store unreachable; serving local connections, will re-register");
        }
        return new Health(true, false, config.redisUri() == null ? "in-memory" : "redis");
    }

    /** Called (off I/O threads) whenever the store connection is lost or restored; e.g. for logs or /readyz push. */
    public void addHealthListener(java.util.function.Consumer<Health> listener) {
        healthListeners.add(listener);
    }

    private void notifyHealth() {
        scheduler.execute(() -> {
            Health h = health();
            healthListeners.forEach(l -> l.accept(h));
        });
    }

    public String nodeId() {
        return config.nodeId();
    }

    public PresenceConfig config() {
        return config;
    }

    /** The shared scheduler (for the HTTP layer's timers). */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    // ------------------------------------------------------------------ API for signaling

    /** A session of {@code userId} opened on this node. The user's first connection anywhere makes them online. */
    public CompletionStage<Void> connect(String userId, String connectionId) {
        Channel.checkName(userId, "user");
        Channel.checkName(connectionId, "connection id");
        lock.lock();
        try {
            connections.putIfAbsent(connectionId, new LocalConnection(connectionId, userId));
        } finally {
            lock.unlock();
        }
        return track(store.connect(nodeId(), connectionId, userId, now()));
    }

    /**
     * The session joined a room with some small metadata (at most 16 string entries). The user's first
     * connection in the room emits {@code join}. Implies {@link #connect} if it was not called.
     */
    public CompletionStage<Void> joinRoom(String room, String userId, String connectionId, Map<String, String> meta) {
        Channel.checkName(room, "room");
        Channel.checkName(userId, "user");
        Channel.checkName(connectionId, "connection id");
        Map<String, String> m = Meta.check(meta);
        boolean fresh;
        lock.lock();
        try {
            LocalConnection c = connections.get(connectionId);
            fresh = c == null;
            if (fresh) {
                c = new LocalConnection(connectionId, userId);
                connections.put(connectionId, c);
            } else if (!c.userId.equals(userId)) {
                throw new IllegalArgumentException("connection " + connectionId + " belongs to another user");
            }
            c.rooms.put(room, m);
        } finally {
            lock.unlock();
        }
        long now = now();
        if (fresh) {
            track(store.connect(nodeId(), connectionId, userId, now));
        }
        return track(store.join(nodeId(), connectionId, userId, room, m, now));
    }

    /** The session left a room; the user's last connection there emits {@code leave} after the grace period. */
    public CompletionStage<Void> leaveRoom(String room, String connectionId) {
        lock.lock();
        try {
            LocalConnection c = connections.get(connectionId);
            if (c == null || c.rooms.remove(room) == null) {
                return CompletableFuture.completedFuture(null);
            }
        } finally {
            lock.unlock();
        }
        CompletionStage<Void> s = track(store.leave(nodeId(), connectionId, room, deadline()));
        scheduleExpiry();
        return s;
    }

    /** The session closed: it leaves its rooms; the user's last connection anywhere goes offline after the grace period. */
    public CompletionStage<Void> disconnect(String connectionId) {
        LocalConnection c;
        lock.lock();
        try {
            c = connections.remove(connectionId);
            if (c != null && connections.values().stream().noneMatch(o -> o.userId.equals(c.userId))) {
                chosenStatus.remove(c.userId);
            }
        } finally {
            lock.unlock();
        }
        if (c == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletionStage<Void> s = release(nodeId(), c.connectionId, c.rooms.keySet(), deadline());
        scheduleExpiry();
        return s;
    }

    /** A user chose a status (online or away), from {@code POST /v1/presence/status} or a signaling message. */
    public CompletionStage<Void> setStatus(String userId, UserStatus status) {
        if (status == UserStatus.OFFLINE) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("status must be online or away"));
        }
        lock.lock();
        try {
            if (connections.values().stream().anyMatch(c -> c.userId.equals(userId))) {
                chosenStatus.put(userId, status);
            }
        } finally {
            lock.unlock();
        }
        return track(store.setStatus(userId, status, now()));
    }

    /** A room's members now (also {@code GET /v1/presence/rooms/{room}}). */
    public CompletionStage<PresenceEvent.Snapshot> room(String room) {
        return store.snapshot(Channel.room(Channel.checkName(room, "room")), List.of());
    }

    /** Some users' statuses now (also {@code GET /v1/presence/users?ids=a,b}). */
    public CompletionStage<PresenceEvent.Snapshot> users(Collection<String> userIds) {
        return store.snapshot(Channel.USERS, userIds);
    }

    /** Number of live SSE subscribers on this node. */
    public int subscriberCount() {
        return hub.subscriberCount();
    }

    // ------------------------------------------------------------------ cluster duties

    private void tick() {
        if (closed || halted) {
            return;
        }
        long now = now();
        store.heartbeat(nodeId(), now + config.leaseTtl().toMillis()).whenCompleteAsync((isNew, err) -> {
            if (err != null) {
                dirty.set(true);
                return;
            }
            if (isNew || dirty.get()) {
                reconcile();
            }
        }, scheduler);
        store.claimExpiredNodes(now, now + config.leaseTtl().toMillis()).whenCompleteAsync((dead, err) -> {
            if (err == null) {
                for (String node : dead) {
                    if (!node.equals(nodeId())) {
                        reap(node);
                    }
                }
            }
        }, scheduler);
        store.expireDue(now);
    }

    /** Makes the store's view of this node equal to the local registry (after an outage, or a reap of a live node). */
    private void reconcile() {
        if (!reconciling.compareAndSet(false, true)) {
            return;
        }
        dirty.set(false);
        store.nodeConnections(nodeId()).thenComposeAsync(known -> {
            List<LocalConnection> live;
            Map<String, UserStatus> chosen;
            lock.lock();
            try {
                live = new ArrayList<>(connections.values());
                chosen = new HashMap<>(chosenStatus);
            } finally {
                lock.unlock();
            }
            long now = now();
            List<CompletableFuture<Void>> all = new ArrayList<>();
            Set<String> liveIds = new java.util.HashSet<>();
            for (LocalConnection c : live) {
                liveIds.add(c.connectionId);
                all.add(store.connect(nodeId(), c.connectionId, c.userId, now).toCompletableFuture());
                c.rooms.forEach((room, meta) ->
                        all.add(store.join(nodeId(), c.connectionId, c.userId, room, meta, now).toCompletableFuture()));
            }
            for (NodeConnection k : known) {
                if (!liveIds.contains(k.connectionId())) {   // closed while the store was unreachable
                    all.add(release(nodeId(), k.connectionId(), k.rooms(), deadline()).toCompletableFuture());
                }
            }
            chosen.forEach((user, st) -> all.add(store.setStatus(user, st, now).toCompletableFuture()));
            return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
        }, scheduler).whenCompleteAsync((v, err) -> {
            reconciling.set(false);
            if (err != null) {
                dirty.set(true);
                LOG.debug("re-registration incomplete: {}", err.toString());
            } else {
                LOG.info("presence: node {} registered {} connections", nodeId(), connections.size());
            }
        }, scheduler);
    }

    /** A dead node's connections leave their rooms and go offline, after the usual grace period. */
    private void reap(String node) {
        LOG.info("presence: node {} lease expired; reaping its connections", node);
        long deadline = deadline();
        store.nodeConnections(node).thenComposeAsync(conns -> {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (NodeConnection c : conns) {
                all.add(release(node, c.connectionId(), c.rooms(), deadline).toCompletableFuture());
            }
            return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
        }, scheduler).thenCompose(v -> store.removeNode(node)).whenCompleteAsync((v, err) -> {
            if (err != null) {
                LOG.warn("reaping node {} failed (another node will retry): {}", node, err.toString());
            } else {
                reaped.increment();
                scheduleExpiry();
            }
        }, scheduler);
    }

    private CompletionStage<Void> release(String node, String connectionId, Collection<String> rooms, long deadline) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (String room : rooms) {
            all.add(store.leave(node, connectionId, room, deadline).toCompletableFuture());
        }
        all.add(store.disconnect(node, connectionId, deadline).toCompletableFuture());
        return track(CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)));
    }

    private void scheduleExpiry() {
        if (!closed) {
            scheduler.schedule(() -> {
                if (!halted) {
                    store.expireDue(now());
                }
            }, config.grace().toMillis() + 20, TimeUnit.MILLISECONDS);
        }
    }

    private <T> CompletionStage<T> track(CompletionStage<T> s) {
        return s.whenComplete((v, err) -> {
            if (err != null && !(err instanceof IllegalArgumentException)) {
                storeFailures.increment();
                dirty.set(true);
            }
        });
    }

    private long deadline() {
        return now() + config.grace().toMillis();
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Graceful stop: SSE clients are told to reconnect (elsewhere), this node's connections leave
     * with the normal grace period (users who reconnect to another node in time do not flap), and
     * the node deregisters.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        cancelTimers();
        sse.closeAll();
        hub.closeAll("node shutting down");
        if (!halted && started) {
            List<LocalConnection> live;
            lock.lock();
            try {
                live = new ArrayList<>(connections.values());
                connections.clear();
            } finally {
                lock.unlock();
            }
            List<CompletableFuture<Void>> all = new ArrayList<>();
            long deadline = deadline();
            for (LocalConnection c : live) {
                all.add(release(nodeId(), c.connectionId, c.rooms.keySet(), deadline).toCompletableFuture());
            }
            try {
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                        .thenCompose(v -> store.removeNode(nodeId()))
                        .toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("presence: could not deregister cleanly ({}); the lease will expire and another node reaps", e.toString());
            }
        }
        store.close();
    }

    /**
     * Stops this node as a crash would: no leaves, no deregistration, the lease just stops being
     * refreshed. For fault-injection tests and the benchmark only.
     */
    public void halt() {
        halted = true;
        closed = true;
        cancelTimers();
        sse.closeAll();
        hub.closeAll("halted");
        store.close();
    }

    private void cancelTimers() {
        if (tick != null) {
            tick.cancel(false);
        }
        if (keepAlive != null) {
            keepAlive.cancel(false);
        }
    }
}
