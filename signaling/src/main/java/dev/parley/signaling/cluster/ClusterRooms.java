package dev.parley.signaling.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.presence.cluster.ClusterBus;
import dev.parley.signaling.protocol.ErrorCode;
import dev.parley.signaling.protocol.MessageCodec;
import dev.parley.signaling.protocol.ProtocolException;
import dev.parley.signaling.room.Frame;
import dev.parley.signaling.room.Member;
import dev.parley.signaling.room.MessageIds;
import dev.parley.signaling.room.RemotePeer;
import dev.parley.signaling.room.Room;
import dev.parley.signaling.room.RoomListener;
import dev.parley.signaling.room.RoomRegistry;
import dev.parley.signaling.room.Session;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this node's {@link RoomRegistry} one view of cluster-wide rooms.
 *
 * <ul>
 *   <li>Membership lives in the {@link RoomDirectory} (atomic join with the room-size check, join
 *       order); joins and leaves are announced on the room's bus topic
 *       ({@code parley.signal.room.<room>}), which every node holding the room subscribes to.</li>
 *   <li>Room relays are published once on the same topic: one publisher connection and one serial
 *       subscriber per node keep them in order per sender.</li>
 *   <li>Every node renews a lease every TTL/3; a node whose lease expired is reaped by one survivor
 *       and its members leave everywhere with {@code peer-left{reason:"node-lost"}}.</li>
 *   <li>Each tick re-reads the directory for every local room and reconciles (missed events, Redis
 *       restarts). After the directory was unreachable, or lost this node's lease, the node
 *       re-registers its members and re-announces them.</li>
 * </ul>
 */
public final class ClusterRooms implements RoomListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterRooms.class);
    static final String ROOM_TOPIC = "parley.signal.room.";
    static final String NODE_LOST = "node-lost";

    private final String node;
    private final ClusterBus bus;
    private final RoomDirectory directory;
    private final RoomRegistry rooms;
    private final ObjectMapper json;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Map<String, ClusterBus.Subscription> topics = new ConcurrentHashMap<>();
    private volatile Map<String, Long> leases = Map.of();
    private volatile boolean dirty;
    private volatile int quietTicks;
    private volatile boolean closed;
    private ScheduledFuture<?> ticker;
    private final MessageIds ids;
    private volatile Consumer<String> onFence = id -> { };

    public ClusterRooms(String node, ClusterBus bus, RoomDirectory directory, RoomRegistry rooms, MessageCodec codec,
                        ScheduledExecutorService scheduler, Clock clock) {
        this.node = node;
        this.bus = bus;
        this.directory = directory;
        this.rooms = rooms;
        this.json = codec.mapper();
        this.scheduler = scheduler;
        this.clock = clock;
        this.ids = new MessageIds(node);
        rooms.listener(this);
    }

    public String node() {
        return node;
    }

    public RoomDirectory directory() {
        return directory;
    }

    public void start() {
        long period = Math.max(100, directory.leaseTtl().toMillis() / 3);
        try {
            directory.renew(node, clock.millis() + directory.leaseTtl().toMillis()).toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            dirty = true;
            LOG.warn("signaling cluster: first lease renewal failed ({}); will retry", e.toString());
        }
        ticker = scheduler.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    // ---- room topics ----

    @Override
    public void opened(String room) {
        topics.computeIfAbsent(room, r -> bus.subscribe(ROOM_TOPIC + r, bytes -> onEvent(r, bytes)));
    }

    @Override
    public void closed(String room) {
        ClusterBus.Subscription s = topics.remove(room);
        if (s != null) {
            s.close();
        }
    }

    @Override
    public void broadcast(String room, JsonNode d, String id) {
        ObjectNode e = event("c", room).put("id", id);
        e.set("d", d);
        publish(room, e);
    }

    @Override
    public String nextId() {
        return ids.next();
    }

    /** Completes once this node's subscription to a room's topic is confirmed (done at once if none). */
    public CompletionStage<Void> subscribed(String room) {
        ClusterBus.Subscription s = topics.get(room);
        return s == null ? CompletableFuture.completedFuture(null) : s.ready();
    }

    /**
     * Publishes a marker on a room's topic: every node sees it after everything published there before
     * it. This node reports it to the fence sink.
     */
    public void fence(String room, String fenceId) {
        publish(room, event("f", room).put("id", fenceId));
    }

    /** Where fences seen on room topics are reported. */
    public void onFence(Consumer<String> sink) {
        this.onFence = sink;
    }

    // ---- what local sessions do ----

    /**
     * Joins through the directory, then locally. {@code done} gets null on success or the error to
     * report; it runs on the scheduler.
     */
    public void join(Session s, String room, JsonNode meta, int maxPeers, Consumer<ProtocolException> done) {
        rooms.hold(room);
        String metaJson = meta == null ? "{}" : meta.toString();
        directory.join(room, s.peerId(), s.userId(), metaJson, node, maxPeers)
                .whenCompleteAsync((out, err) -> {
                    if (err != null) {
                        // Redis unreachable: the room works locally; re-registered when Redis is back
                        dirty = true;
                        rooms.release(room);
                        try {
                            rooms.join(room, s, meta, maxPeers);
                            done.accept(null);
                        } catch (ProtocolException e) {
                            done.accept(e);
                        }
                        return;
                    }
                    switch (out.status()) {
                        case FULL -> {
                            rooms.release(room);
                            done.accept(new ProtocolException(ErrorCode.ROOM_FULL,
                                    "room " + room + " has " + maxPeers + " peers already"));
                        }
                        case ALREADY -> {
                            rooms.release(room);
                            done.accept(new ProtocolException(ErrorCode.ALREADY_IN_ROOM, "already in room " + room));
                        }
                        case JOINED -> {
                            String id = ids.next();
                            rooms.joinHeld(room, s, meta, out.order(), remote(out.members()), id);
                            publish(room, event("j", room).put("id", id).put("p", s.peerId()).put("u", s.userId())
                                    .put("n", node).put("ord", out.order()).set("m", meta));
                            done.accept(null);
                        }
                    }
                }, scheduler);
    }

    /** A local session left a room (after {@link RoomRegistry#leave}). */
    public void left(String room, Session s, String reason) {
        left(room, s, reason, null);
    }

    /** {@link #left}, the event carrying the cluster message id the local peer-left carried. */
    public void left(String room, Session s, String reason, String id) {
        directory.leave(room, s.peerId(), node).whenComplete((v, err) -> {
            if (err != null) {
                dirty = true;
            }
        });
        publish(room, event("l", room).put("id", id).put("p", s.peerId()).put("why", reason));
    }

    /** A session that moved here is now this node's member of {@code room} (no event: the room knows it). */
    public void adopted(String room, Session s, JsonNode meta, long order) {
        directory.put(room, new RoomDirectory.Entry(s.peerId(), s.userId(), meta == null ? "{}" : meta.toString(),
                node, order)).whenComplete((v, err) -> {
                    if (err != null) {
                        dirty = true;
                    }
                });
    }

    /** A text relay (unstamped encoding) from a local session to the room's members elsewhere. */
    public void relayText(String room, String from, String to, String encoded, String id) {
        publish(room, event("x", room).put("id", id).put("f", from).put("to", to).put("e", encoded));
    }

    public void relayBinary(String room, String from, String to, String ch, byte[] payload, String id) {
        publish(room, event("b", room).put("id", id).put("f", from).put("to", to).put("ch", ch)
                .put("d", Base64.getEncoder().encodeToString(payload)));
    }

    private ObjectNode event(String kind, String room) {
        return json.createObjectNode().put("k", kind).put("o", node).put("r", room);
    }

    private void publish(String room, JsonNode event) {
        try {
            bus.publish(ROOM_TOPIC + room, json.writeValueAsBytes(event));
        } catch (Exception e) {
            LOG.debug("room event for {} not published: {}", room, e.toString());
        }
    }

    // ---- what other nodes say ----

    void onEvent(String room, byte[] bytes) {
        JsonNode e;
        try {
            e = json.readTree(bytes);
        } catch (Exception ex) {
            LOG.debug("bad room event on {}: {}", room, ex.toString());
            return;
        }
        String kind = e.path("k").asText();
        String id = text(e, "id");
        if ("f".equals(kind)) {
            if (id != null) {
                onFence.accept(id);
            }
            return;
        }
        if (node.equals(e.path("o").asText())) {
            return;   // our own, already applied locally
        }
        switch (kind) {
            case "j" -> rooms.remoteJoined(room, new RemotePeer(e.path("p").asText(), e.path("u").asText(),
                    e.get("m") == null || e.get("m").isNull() ? null : e.get("m"), e.path("n").asText(),
                    e.path("ord").asLong()), id);
            case "l" -> rooms.remoteLeft(room, e.path("p").asText(), e.path("why").asText("left"), id);
            case "x" -> {
                String encoded = e.path("e").asText();
                rooms.remoteRelay(room, e.path("f").asText(), text(e, "to"), id,
                        seq -> Frame.text(MessageCodec.stamp(encoded, seq), "relay"));
            }
            case "b" -> {
                byte[] payload = Base64.getDecoder().decode(e.path("d").asText());
                String from = e.path("f").asText();
                String to = text(e, "to");
                String ch = text(e, "ch");
                rooms.remoteRelay(room, from, to, id, seq -> Frame.binary(
                        codecBinary(room, from, to, ch, seq, payload), "relay"));
            }
            case "c" -> rooms.remoteBroadcast(room, e.get("d"), id);
            default -> LOG.debug("unknown room event {}", e);
        }
    }

    private MessageCodec binaryCodec;

    /** Set by the service: the codec that frames binary relays. */
    public void binaryCodec(MessageCodec codec) {
        this.binaryCodec = codec;
    }

    private byte[] codecBinary(String room, String from, String to, String ch, long seq, byte[] payload) {
        return binaryCodec.encodeBinaryRelay(room, from, to, ch, seq, payload);
    }

    private static String text(JsonNode e, String field) {
        JsonNode v = e.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private List<RemotePeer> remote(List<RoomDirectory.Entry> entries) {
        long now = clock.millis();
        Map<String, Long> live = leases;
        List<RemotePeer> out = new ArrayList<>();
        for (RoomDirectory.Entry e : entries) {
            if (e.node().equals(node)) {
                continue;
            }
            Long exp = live.get(e.node());
            if (exp != null && exp < now) {
                continue;   // a dead node's member, about to be reaped
            }
            out.add(new RemotePeer(e.peerId(), e.userId(), parse(e.metaJson()), e.node(), e.order()));
        }
        return out;
    }

    private JsonNode parse(String metaJson) {
        try {
            JsonNode n = json.readTree(metaJson);
            return n == null || n.isNull() || n.isMissingNode() ? null : n;
        } catch (Exception e) {
            return null;
        }
    }

    // ---- operator views (admin API) ----

    /** False for a node whose lease has expired (its members are about to be reaped). */
    private boolean live(String n, long now) {
        Long exp = leases.get(n);
        return exp == null || exp >= now;
    }

    /**
     * The rooms of the whole cluster with their members per node, in name order (a page of
     * {@code limit} after {@code after}); members of nodes whose lease expired are not counted.
     * Fails when the directory is unreachable.
     */
    public CompletionStage<RoomDirectory.RoomPage> listRooms(String after, int limit) {
        return directory.rooms(after, limit).thenApply(page -> {
            long now = clock.millis();
            List<RoomDirectory.RoomCount> out = new ArrayList<>(page.rooms().size());
            for (RoomDirectory.RoomCount rc : page.rooms()) {
                Map<String, Integer> nodes = new java.util.HashMap<>(rc.nodes());
                nodes.keySet().removeIf(n -> !live(n, now));
                if (!nodes.isEmpty()) {
                    out.add(new RoomDirectory.RoomCount(rc.room(), nodes));
                }
            }
            return new RoomDirectory.RoomPage(out, page.next());
        });
    }

    /** The members of a room on every live node, as the directory holds them. */
    public CompletionStage<List<RoomDirectory.Entry>> members(String room) {
        return directory.members(room).thenApply(entries -> {
            long now = clock.millis();
            return entries.stream().filter(e -> live(e.node(), now))
                    .sorted(java.util.Comparator.comparingLong(RoomDirectory.Entry::order)).toList();
        });
    }

    /** Where a member of a room is held: its entry, or null when no live node holds it. */
    public CompletionStage<RoomDirectory.Entry> locate(String room, String peerId) {
        return directory.member(room, peerId).thenApply(e -> e != null && live(e.node(), clock.millis()) ? e : null);
    }

    // ---- leases, reaping, reconciliation ----

    void tick() {
        if (closed) {
            return;
        }
        long now = clock.millis();
        directory.renew(node, now + directory.leaseTtl().toMillis())
                .thenCompose(existed -> {
                    boolean recover = dirty || !existed;
                    dirty = false;
                    CompletionStage<Void> re = recover ? reregister(!existed) : CompletableFuture.completedFuture(null);
                    return re.thenCompose(v -> directory.leases());
                })
                .thenCompose(l -> {
                    leases = l;
                    List<CompletableFuture<?>> work = new ArrayList<>();
                    for (Map.Entry<String, Long> e : l.entrySet()) {
                        if (!e.getKey().equals(node) && e.getValue() < now) {
                            work.add(reap(e.getKey(), now).toCompletableFuture());
                        }
                    }
                    return CompletableFuture.allOf(work.toArray(CompletableFuture[]::new));
                })
                .thenRun(this::reconcileAll)
                .whenComplete((v, err) -> {
                    if (err != null) {
                        if (!dirty) {
                            LOG.warn("signaling cluster: directory unreachable ({}); serving local rooms", rootMessage(err));
                        }
                        dirty = true;
                    }
                });
    }

    private CompletionStage<Void> reap(String dead, long now) {
        return directory.reap(dead, now).thenAccept(peers -> {
            if (!peers.isEmpty()) {
                LOG.info("signaling cluster: node {} lost; {} room members removed", dead, peers.size());
            }
            for (RoomDirectory.RoomPeer rp : peers) {
                // origin "" so every node, this one included, applies it
                ObjectNode e = json.createObjectNode().put("k", "l").put("o", "").put("r", rp.room())
                        .put("id", ids.next()).put("p", rp.peerId()).put("why", NODE_LOST);
                try {
                    bus.publish(ROOM_TOPIC + rp.room(), json.writeValueAsBytes(e));
                } catch (Exception ex) {
                    LOG.debug("reap event not published: {}", ex.toString());
                }
            }
        });
    }

    /** Writes every local member back into the directory and announces it again. */
    private CompletionStage<Void> reregister(boolean leaseWasLost) {
        if (leaseWasLost) {
            // the directory was emptied or we were reaped: others need a moment to re-register too
            quietTicks = 3;
        }
        List<CompletableFuture<?>> work = new ArrayList<>();
        java.util.Set<RoomDirectory.RoomPeer> live = new java.util.HashSet<>();
        int n = 0;
        for (Room room : rooms.rooms()) {
            for (Member m : room.snapshot()) {
                Session s = m.session();
                live.add(new RoomDirectory.RoomPeer(room.name(), s.peerId()));
                String meta = m.meta() == null ? "{}" : m.meta().toString();
                work.add(directory.put(room.name(), new RoomDirectory.Entry(s.peerId(), s.userId(), meta, node,
                        m.order())).toCompletableFuture());
                publish(room.name(), event("j", room.name()).put("p", s.peerId()).put("u", s.userId())
                        .put("n", node).put("ord", m.order()).set("m", m.meta()));
                n++;
            }
        }
        // members that left while the directory was unreachable are still listed there: remove them
        work.add(directory.owned(node).thenCompose(owned -> {
            List<CompletableFuture<?>> stale = new ArrayList<>();
            for (RoomDirectory.RoomPeer rp : owned) {
                if (!live.contains(rp) && !rooms.joining(rp.room())) {
                    stale.add(directory.leave(rp.room(), rp.peerId(), node).toCompletableFuture());
                    publish(rp.room(), event("l", rp.room()).put("p", rp.peerId()).put("why", "left"));
                }
            }
            return CompletableFuture.allOf(stale.toArray(CompletableFuture[]::new));
        }).toCompletableFuture());
        LOG.info("signaling cluster: node {} re-registered {} room members", node, n);
        return CompletableFuture.allOf(work.toArray(CompletableFuture[]::new));
    }

    private void reconcileAll() {
        boolean removals = quietTicks == 0;
        if (!removals) {
            quietTicks--;
        }
        for (Room room : rooms.rooms()) {
            String name = room.name();
            directory.members(name).whenCompleteAsync((entries, err) -> {
                if (err != null) {
                    dirty = true;
                    return;
                }
                List<RemotePeer> truth = remote(entries);
                if (removals) {
                    java.util.Set<String> listedHere = new java.util.HashSet<>();
                    for (RoomDirectory.Entry e : entries) {
                        if (e.node().equals(node)) {
                            listedHere.add(e.peerId());
                        }
                    }
                    rooms.reconcile(name, truth, listedHere, NODE_LOST);
                } else {
                    for (RemotePeer p : truth) {
                        rooms.remoteJoined(name, p);
                    }
                }
            }, scheduler);
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        return c.toString();
    }

    /** Graceful stop: this node's lease lapses after {@code linger} (its parked sessions stay resumable until then). */
    public void retire(java.time.Duration linger) {
        closed = true;
        if (ticker != null) {
            ticker.cancel(false);
        }
        try {
            directory.renew(node, clock.millis() + linger.toMillis()).toCompletableFuture().get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("lease retire failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        if (ticker != null) {
            ticker.cancel(false);
        }
        topics.values().forEach(ClusterBus.Subscription::close);
        topics.clear();
        directory.close();
    }
}
