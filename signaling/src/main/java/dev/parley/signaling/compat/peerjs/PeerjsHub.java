package dev.parley.signaling.compat.peerjs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.signaling.metrics.SignalingMetrics;
import dev.parley.signaling.room.Frame;
import dev.parley.signaling.room.Outlet;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
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

    public void start() {
        long period = Math.max(50, Math.min(1000, expire.toMillis() / 5));
        sweeper = scheduler.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
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

    public List<String> ids() {
        lock.lock();
        try {
            return new ArrayList<>(clients.keySet());
        } finally {
            lock.unlock();
        }
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
            }
            outlet.send(Frame.text("{\"type\":\"OPEN\"}", "peerjs-OPEN"));
            Queue q = queues.remove(id);
            if (q != null) {
                for (Queued m : q.messages) {
                    outlet.send(Frame.text(m.encoded(), m.type()));
                }
            }
        } finally {
            lock.unlock();
        }
        if (previous != null && previous != outlet) {
            previous.close(1000, "re-attached elsewhere");
        }
        return client;
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
        String encoded = out.toString();
        Outlet failed = null;
        lock.lock();
        try {
            PeerjsClient target = dst == null ? null : clients.get(dst);
            if (target != null) {
                if (target.outlet != null && target.outlet.send(Frame.text(encoded, "peerjs-" + type))) {
                    return;
                }
                failed = target.outlet;
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
        // the destination's socket is dead: close it and tell the sender to stop trying
        if (failed != null) {
            failed.close(1000, "peer dead");
        }
        if (!type.equals("LEAVE") && src != null) {
            transmit("LEAVE", dst, src, null);
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
        lock.lock();
        try {
            clients.clear();
            queues.clear();
        } finally {
            lock.unlock();
        }
    }
}
