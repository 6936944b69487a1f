package dev.parley.signaling.compat.peerjs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.presence.cluster.ClusterBus;
import dev.parley.presence.fanout.SerialExecutor;
import dev.parley.signaling.metrics.SignalingMetrics;
import dev.parley.signaling.room.Frame;
import dev.parley.signaling.room.Outlet;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The PeerJS server protocol, as peers/peerjs-server speaks it. A "realm" of ids; each id belongs
 * to the token that first opened it.
 * <ul>
 *   <li>socket {@code peerjs?key&id&token}: missing parameters or a wrong key get
 *       {@code ERROR{payload:{msg}}} and a close; an id held by another token gets {@code ID-TAKEN};
 *       a new id gets {@code OPEN}. Unlike upstream, the same id re-attaching with the same token
 *       also gets {@code OPEN} (upstream stays silent and the client never fires "open").</li>
 *   <li>{@code OFFER/ANSWER/CANDIDATE/LEAVE/EXPIRE} are forwarded as {@code {type,src,dst,payload}}
 *       with {@code src} set by the server; for an id that is not connected they are queued
 *       (LEAVE/EXPIRE are not), delivered if it connects, else answered with one {@code EXPIRE} per
 *       sender after the expire timeout (5 s). {@code LEAVE} without {@code dst} removes the sender.</li>
 *   <li>{@code HEARTBEAT} keeps the id alive; an id silent for the alive timeout is closed and freed.</li>
 * </ul>
 * With {@link #cluster} (Redis) the realm spans nodes: a new id is claimed in the
 * {@link PeerjsDirectory} before {@code OPEN} (another token holding it on any node gets
 * {@code ID-TAKEN}); a message for an id held by another node is published on that node's channel
 * {@value #NODE_TOPIC}{@code <node>}; an id connected nowhere is queued here as on one node, and
 * when it attaches on some node ({@value #ATTACHED_TOPIC}) the queue is forwarded there.
 */
public final class PeerjsHub implements AutoCloseable {

    /** Upstream's error texts, sent as {@code ERROR.payload.msg}. */
    public static final String INVALID_KEY = "Invalid key provided";
    public static final String INVALID_WS_PARAMETERS = "No id, token, or key supplied to websocket server";
    public static final String CONNECTION_LIMIT_EXCEED = "Server has reached its concurrent user limit";

    private record Queued(String src, String encoded, String type) { }

    private static final class Queue {
        final ArrayDeque<Queued> messages = new ArrayDeque<>();
        long lastReadNanos;
    }

    private static final int MAX_QUEUED_PER_ID = 256;
    /** Longest id or token accepted (upstream has no limit; ours keeps the realm's memory bounded). */
    public static final int MAX_PARAM_CHARS = 256;

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, PeerjsClient> clients = new HashMap<>();
    private final Map<String, Queue> queues = new HashMap<>();
    private final ObjectMapper mapper;
    private final SignalingMetrics metrics;
    private final ScheduledExecutorService scheduler;
    private final Duration expire;
    private final Duration alive;
    private final int concurrentLimit;
    private final LongSupplier nanos;
    private ScheduledFuture<?> sweeper;

    /** Bus channel of one node's PeerJS traffic. */
    public static final String NODE_TOPIC = "parley.peerjs.node.";
    /** Bus channel announcing "id attached on node". */
    public static final String ATTACHED_TOPIC = "parley.peerjs.attached";
    private static final char SEP = '\u001f';
    private static final Set<String> FORWARDED = Set.of("OFFER", "ANSWER", "CANDIDATE", "LEAVE", "EXPIRE");
    private ClusterBus bus;
    private PeerjsDirectory directory;
    private String node;
    private Executor serial;
    private final List<ClusterBus.Subscription> subscriptions = new ArrayList<>();
    private ScheduledFuture<?> refresher;
    private int maxBusBytes = 64 * 1024 + 1024;

    public PeerjsHub(ObjectMapper mapper, SignalingMetrics metrics, ScheduledExecutorService scheduler, Duration expire,
                     Duration alive, int concurrentLimit, LongSupplier nanos) {
        this.mapper = mapper;
        this.metrics = metrics;
        this.scheduler = scheduler;
        this.expire = expire;
        this.alive = alive;
        this.concurrentLimit = concurrentLimit;
        this.nanos = nanos;
    }

    /**
     * Makes the realm cluster-wide (call before {@link #start()}): ids in {@code directory}, messages
     * for other nodes' ids over {@code bus}, which must be distributed. Bus messages are at most
     * {@code maxFrameBytes} plus a small header.
     */
    public void cluster(ClusterBus bus, PeerjsDirectory directory, int maxFrameBytes) {
        this.bus = bus;
        this.directory = directory;
        this.node = bus.nodeId();
        this.serial = new SerialExecutor(scheduler);
        this.maxBusBytes = maxFrameBytes + 1024;
    }

    public void start() {
        long period = Math.max(50, Math.min(1000, expire.toMillis() / 5));
        sweeper = scheduler.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
        if (directory != null) {
            subscriptions.add(bus.subscribe(NODE_TOPIC + node, this::onNodeMessage));
            subscriptions.add(bus.subscribe(ATTACHED_TOPIC, this::onAttached));
            long every = Math.max(100, directory.ttl().toMillis() / 3);
            refresher = scheduler.scheduleWithFixedDelay(this::refresh, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** A fresh id for {@code GET /{key}/id}. */
    public String generateId() {
        lock.lock();
        try {
            String id;
            do {
                id = UUID.randomUUID().toString();
            } while (clients.containsKey(id));
            return id;
        } finally {
            lock.unlock();
        }
    }

    /** The ids connected to this node. */
    public List<String> ids() {
        lock.lock();
        try {
            return new ArrayList<>(clients.keySet());
        } finally {
            lock.unlock();
        }
    }

    /** Most ids {@code GET /{key}/peers} lists (upstream lists all; a realm can be large). */
    public static final int MAX_LISTED_IDS = 1000;

    /**
     * The ids for {@code GET /{key}/peers}: in a cluster those connected on any node (from the
     * directory, plus this node's own, which covers ids granted here while Redis was away), else this
     * node's; at most {@link #MAX_LISTED_IDS}. While the directory is unreachable, this node's ids.
     */
    public CompletionStage<List<String>> listIds() {
        if (directory == null) {
            return CompletableFuture.completedFuture(capped(ids()));
        }
        return directory.ids(MAX_LISTED_IDS).handle((remote, err) -> {
            if (err != null) {
                metrics.error("peerjs-directory-unreachable");
                return capped(ids());
            }
            LinkedHashSet<String> all = new LinkedHashSet<>(ids());
            all.addAll(remote);
            return capped(new ArrayList<>(all));
        });
    }

    private static List<String> capped(List<String> ids) {
        return ids.size() <= MAX_LISTED_IDS ? ids : new ArrayList<>(ids.subList(0, MAX_LISTED_IDS));
    }

    /**
     * A fresh id for {@code GET /{key}/id} that no node holds: checked here and, in a cluster, in the
     * directory (a random UUID: a second try is a formality). While the directory is unreachable,
     * checked here only.
     */
    public CompletionStage<String> freshId() {
        String id = generateId();
        if (directory == null) {
            return CompletableFuture.completedFuture(id);
        }
        return freshId(id, 3);
    }

    private CompletionStage<String> freshId(String id, int triesLeft) {
        return directory.locate(id).handle((at, err) -> {
            if (err != null) {
                metrics.error("peerjs-directory-unreachable");
                return CompletableFuture.completedFuture(id);
            }
            if (at == null || triesLeft <= 1) {
                return CompletableFuture.completedFuture(id);
            }
            return freshId(generateId(), triesLeft - 1);
        }).thenCompose(x -> x);
    }

    /** Non-zero once draining (guarded by {@code lock}): the close code for sockets that attach later. */
    private int drainCode;

    /** An upgrade with {@code id} and {@code token} (key already checked). Returns the client, or null if refused. */
    public PeerjsClient attach(Outlet outlet, String id, String token) {
        if (id == null || id.isEmpty() || token == null || token.isEmpty()
                || id.length() > MAX_PARAM_CHARS || token.length() > MAX_PARAM_CHARS) {
            error(outlet, INVALID_WS_PARAMETERS);
            return null;
        }
        Outlet previous = null;
        PeerjsClient client;
        boolean claim = false;
        lock.lock();
        try {
            if (drainCode != 0) {
                // attached while draining: drain() has already closed the others
                outlet.close(drainCode, "server shutting down");
                return null;
            }
            client = clients.get(id);
            if (client != null) {
                if (!client.token.equals(token)) {
                    metrics.error("peerjs-id-taken");
                    outlet.send(Frame.text("{\"type\":\"ID-TAKEN\",\"payload\":{\"msg\":\"ID is taken\"}}", "peerjs-ID-TAKEN"));
                    outlet.close(1000, "ID is taken");
                    return null;
                }
                previous = client.outlet;
                client.outlet = outlet;
                client.lastPingNanos = nanos.getAsLong();
            } else {
                if (clients.size() >= concurrentLimit) {
                    error(outlet, CONNECTION_LIMIT_EXCEED);
                    return null;
                }
                client = new PeerjsClient(id, token, outlet, nanos.getAsLong());
                clients.put(id, client);
                if (directory != null) {
                    // OPEN once the cluster agrees the id is ours
                    client.tokenHash = sha256(token);
                    claim = true;
                }
            }
            if (!claim) {
                open(client);
            }
        } finally {
            lock.unlock();
        }
        if (previous != null && previous != outlet) {
            previous.close(1000, "re-attached elsewhere");
        }
        if (claim) {
            PeerjsClient c = client;
            directory.claim(id, client.tokenHash, node)
                    .whenComplete((out, err) -> serial.execute(() -> claimed(c, out, err)));
        }
        return client;
    }

    /** OPEN, then what was queued for the id (under {@code lock}). */
    private void open(PeerjsClient client) {
        client.outlet.send(Frame.text("{\"type\":\"OPEN\"}", "peerjs-OPEN"));
        Queue q = queues.remove(client.id);
        if (q != null) {
            for (Queued m : q.messages) {
                client.outlet.send(Frame.text(m.encoded(), m.type()));
            }
        }
    }

    /** The directory's answer to a new id: OPEN, or ID-TAKEN when another token holds it on some node. */
    private void claimed(PeerjsClient client, PeerjsDirectory.Claim out, Throwable err) {
        Outlet refused = null;
        lock.lock();
        try {
            if (clients.get(client.id) != client || client.outlet == null) {
                if (out != null && out.granted() && !clients.containsKey(client.id)) {
                    directory.release(client.id, node);   // it left while we asked
                }
                return;
            }
            if (err == null && !out.granted()) {
                clients.remove(client.id);
                refused = client.outlet;
                client.outlet = null;
            } else {
                // granted, or Redis unreachable: the id works on this node (re-claimed on refresh)
                open(client);
            }
        } finally {
            lock.unlock();
        }
        if (refused != null) {
            metrics.error("peerjs-id-taken");
            refused.send(Frame.text("{\"type\":\"ID-TAKEN\",\"payload\":{\"msg\":\"ID is taken\"}}", "peerjs-ID-TAKEN"));
            refused.close(1000, "ID is taken");
            return;
        }
        if (err == null) {
            bus.publish(ATTACHED_TOPIC, (node + SEP + client.id).getBytes(StandardCharsets.UTF_8));
            if (out.previousNode() != null && !out.previousNode().equals(node)) {
                // the same token re-attached here: the old node drops its stale socket
                publishTo(out.previousNode(), mapper.createObjectNode().put("k", "mv").put("id", client.id));
            }
        } else {
            metrics.error("peerjs-directory-unreachable");
        }
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public void onMessage(PeerjsClient client, String text) {
        JsonNode m;
        try {
            m = mapper.readTree(text);
        } catch (Exception e) {
            metrics.error("bad-json");
            return;
        }
        if (m == null || !m.isObject()) {
            return;
        }
        String type = m.path("type").asText("");
        switch (type) {
            case "HEARTBEAT" -> {
                metrics.in("peerjs-HEARTBEAT");
                lock.lock();
                try {
                    client.lastPingNanos = nanos.getAsLong();
                } finally {
                    lock.unlock();
                }
            }
            case "OFFER", "ANSWER", "CANDIDATE", "LEAVE", "EXPIRE" -> {
                metrics.in("peerjs-" + type);
                JsonNode dst = m.get("dst");
                transmit(type, client.id, dst != null && dst.isTextual() ? dst.asText() : null, m.get("payload"));
            }
            default -> metrics.in("peerjs-unknown");
        }
    }

    private void transmit(String type, String src, String dst, JsonNode payload) {
        ObjectNode out = mapper.createObjectNode();
        out.put("type", type);
        out.put("src", src);
        if (dst != null) {
            out.put("dst", dst);
        }
        if (payload != null) {
            out.set("payload", payload);
        }
        deliver(type, src, dst, out.toString(), true);
    }

    /**
     * Sends to a local id; else, with {@code mayRoute} in a cluster, to the node holding it; else
     * queues it here (OFFER/ANSWER/CANDIDATE) or drops it (LEAVE/EXPIRE).
     */
    private void deliver(String type, String src, String dst, String encoded, boolean mayRoute) {
        Outlet failed = null;
        boolean elsewhere = false;
        lock.lock();
        try {
            PeerjsClient target = dst == null ? null : clients.get(dst);
            if (target != null) {
                if (target.outlet != null && target.outlet.send(Frame.text(encoded, "peerjs-" + type))) {
                    return;
                }
                failed = target.outlet;
            } else if (dst != null && mayRoute && directory != null) {
                elsewhere = true;   // routed below, outside the lock
            } else if (dst != null && !type.equals("LEAVE") && !type.equals("EXPIRE")) {
                Queue q = queues.computeIfAbsent(dst, d -> {
                    Queue nq = new Queue();
                    nq.lastReadNanos = nanos.getAsLong();
                    return nq;
                });
                if (q.messages.size() < MAX_QUEUED_PER_ID) {
                    q.messages.add(new Queued(src, encoded, "peerjs-" + type));
                }
                return;
            } else if (type.equals("LEAVE") && dst == null) {
                remove(src);
                return;
            } else {
                return;
            }
        } finally {
            lock.unlock();
        }
        if (elsewhere) {
            route(type, src, dst, encoded);
            return;
        }
        // the destination's socket is dead: close it and tell the sender to stop trying
        if (failed != null) {
            failed.close(1000, "peer dead");
        }
        if (!type.equals("LEAVE") && src != null) {
            transmit("LEAVE", dst, src, null);
        }
    }

    /**
     * Asks the directory where {@code dst} is; lookups complete in the order they were sent (one
     * Redis connection) and their results run on one serial executor, so a sender's order holds.
     */
    private void route(String type, String src, String dst, String encoded) {
        directory.locate(dst).whenComplete((at, err) -> serial.execute(() -> {
            if (err == null && at != null && !at.equals(node)) {
                publishTo(at, mapper.createObjectNode().put("k", "m").put("t", type).put("s", src).put("d", dst)
                        .put("e", encoded));
            } else {
                deliver(type, src, dst, encoded, false);   // connected nowhere (or Redis away): as on one node
            }
        }));
    }

    private void publishTo(String toNode, ObjectNode m) {
        byte[] bytes = m.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxBusBytes) {
            metrics.error("peerjs-bus-oversize");
            return;
        }
        bus.publish(NODE_TOPIC + toNode, bytes);
    }

    /** A message for one of this node's ids, or word that one of them re-attached elsewhere. */
    private void onNodeMessage(byte[] bytes) {
        JsonNode m;
        try {
            m = bytes.length > maxBusBytes ? null : mapper.readTree(bytes);
        } catch (Exception e) {
            m = null;
        }
        if (m == null || !m.isObject()) {
            metrics.error("peerjs-bus-malformed");
            return;
        }
        switch (m.path("k").asText()) {
            case "m" -> {
                String type = m.path("t").asText();
                String dst = m.path("d").asText(null);
                String encoded = m.path("e").asText(null);
                if (dst == null || encoded == null || !FORWARDED.contains(type)) {
                    metrics.error("peerjs-bus-malformed");
                    return;
                }
                metrics.in("peerjs-remote-" + type);
                deliver(type, m.path("s").asText(null), dst, encoded, false);
            }
            case "mv" -> {
                Outlet stale = null;
                lock.lock();
                try {
                    PeerjsClient c = clients.remove(m.path("id").asText());
                    if (c != null) {
                        stale = c.outlet;
                        c.outlet = null;
                    }
                } finally {
                    lock.unlock();
                }
                if (stale != null) {
                    stale.close(1000, "re-attached elsewhere");
                }
            }
            default -> metrics.error("peerjs-bus-malformed");
        }
    }

    /** An id attached on some node: what this node queued for it goes there. */
    private void onAttached(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        int sep = text.indexOf(SEP);
        if (sep <= 0 || sep == text.length() - 1) {
            metrics.error("peerjs-bus-malformed");
            return;
        }
        String at = text.substring(0, sep);
        String id = text.substring(sep + 1);
        if (at.equals(node)) {
            return;
        }
        Queue q;
        lock.lock();
        try {
            q = queues.remove(id);
        } finally {
            lock.unlock();
        }
        if (q != null) {
            for (Queued m : q.messages) {
                publishTo(at, mapper.createObjectNode().put("k", "m").put("t", m.type().substring("peerjs-".length()))
                        .put("s", m.src()).put("d", id).put("e", m.encoded()));
            }
        }
    }

    /** Keeps this node's ids alive in the directory (and writes them back after a Redis restart). */
    private void refresh() {
        Map<String, String> mine = new HashMap<>();
        lock.lock();
        try {
            for (PeerjsClient c : clients.values()) {
                if (c.tokenHash != null && c.outlet != null) {
                    mine.put(c.id, c.tokenHash);
                }
            }
        } finally {
            lock.unlock();
        }
        if (!mine.isEmpty()) {
            directory.refresh(mine, node).whenComplete((v, err) -> {
                if (err != null) {
                    metrics.error("peerjs-directory-unreachable");
                }
            });
        }
    }

    public void closed(PeerjsClient client, Outlet outlet) {
        lock.lock();
        try {
            if (client.outlet == outlet) {
                remove(client.id);
            }
        } finally {
            lock.unlock();
        }
    }

    private void remove(String id) {
        PeerjsClient c = clients.remove(id);
        if (c != null) {
            c.outlet = null;
            if (directory != null) {
                directory.release(id, node);   // a no-op if another node holds it by now
            }
        }
    }

    private void error(Outlet outlet, String msg) {
        metrics.error("peerjs-error");
        ObjectNode e = mapper.createObjectNode();
        e.put("type", "ERROR");
        e.putObject("payload").put("msg", msg);
        outlet.send(Frame.text(e.toString(), "peerjs-ERROR"));
        outlet.close(1000, msg);
    }

    /** Expires queued messages (EXPIRE once per sender/recipient pair) and closes silent ids. */
    void sweep() {
        long now = nanos.getAsLong();
        List<String[]> expired = new ArrayList<>();
        List<Outlet> dead = new ArrayList<>();
        lock.lock();
        try {
            var it = queues.entrySet().iterator();
            while (it.hasNext()) {
                var e = it.next();
                if (now - e.getValue().lastReadNanos < expire.toNanos()) {
                    continue;
                }
                Set<String> seen = new HashSet<>();
                for (Queued m : e.getValue().messages) {
                    if (seen.add(m.src())) {
                        expired.add(new String[]{e.getKey(), m.src()});
                    }
                }
                it.remove();
            }
            var ci = clients.values().iterator();
            while (ci.hasNext()) {
                PeerjsClient c = ci.next();
                if (now - c.lastPingNanos >= alive.toNanos()) {
                    if (c.outlet != null) {
                        dead.add(c.outlet);
                    }
                    c.outlet = null;
                    queues.remove(c.id);
                    ci.remove();
                    if (directory != null) {
                        directory.release(c.id, node);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        for (String[] pair : expired) {
            transmit("EXPIRE", pair[0], pair[1], null);
        }
        for (Outlet o : dead) {
            metrics.error("peerjs-alive-timeout");
            o.close(1000, "no heartbeat");
        }
    }

    public void drain(int code) {
        List<Outlet> all = new ArrayList<>();
        lock.lock();
        try {
            drainCode = code;
            for (PeerjsClient c : clients.values()) {
                if (c.outlet != null) {
                    all.add(c.outlet);
                }
            }
        } finally {
            lock.unlock();
        }
        all.forEach(o -> o.close(code, "server shutting down"));
    }

    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        if (refresher != null) {
            refresher.cancel(false);
        }
        subscriptions.forEach(ClusterBus.Subscription::close);
        subscriptions.clear();
        lock.lock();
        try {
            clients.clear();
            queues.clear();
        } finally {
            lock.unlock();
        }
    }
}
