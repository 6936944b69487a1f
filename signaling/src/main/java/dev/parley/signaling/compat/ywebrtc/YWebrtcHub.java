package dev.parley.signaling.compat.ywebrtc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.presence.cluster.ClusterBus;
import dev.parley.signaling.metrics.SignalingMetrics;
import dev.parley.signaling.room.Frame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * y-webrtc's signaling server protocol, as its {@code bin/server.js} speaks it:
 * <ul>
 *   <li>{@code {type:"subscribe", topics:[...]}} adds the connection to each string topic;</li>
 *   <li>{@code {type:"unsubscribe", topics:[...]}} removes it;</li>
 *   <li>{@code {type:"publish", topic, ...}} sends the message, with {@code clients} set to the number
 *       of subscribers, to every subscriber of the topic, the sender included;</li>
 *   <li>{@code {type:"ping"}} is answered with {@code {type:"pong"}};</li>
 *   <li>the server sends a WebSocket ping every 30 s and closes a connection that did not pong.</li>
 * </ul>
 * Anything else is ignored, as upstream does. Each topic fans out under its own lock, so all
 * subscribers see a topic's publishes in one order. With auth on, a token's room list limits the
 * topics a client may subscribe and publish to. A connection holds at most
 * {@code maxTopicsPerConnection} topics (the native protocol's rooms-per-session limit) of at most
 * {@value #MAX_TOPIC_CHARS} characters; excess subscriptions are ignored.
 *
 * <p>With a distributed {@link ClusterBus} (Redis) topics span nodes: a node subscribes the bus
 * channel {@value #BUS_PREFIX}{@code <topic>} while it has local subscribers, delivers a publish to
 * its own subscribers directly and sends it once on the bus for the others (it skips its own copy
 * when the bus hands it back). Nodes announce their subscriber count per topic on the same channel
 * when it changes and every ping interval (a node that starts a topic asks the others for theirs once
 * its subscription to the channel is confirmed), so {@code clients} counts the subscribers on every node
 * (remote counts as last announced; a silent node's count is dropped after
 * {@value #STALE_PINGS} ping intervals). With the in-memory bus nothing of this runs.
 */
public final class YWebrtcHub implements AutoCloseable {

    private static final class Topic {
        final ReentrantLock lock = new ReentrantLock();
        final Set<YConnection> subscribers = new LinkedHashSet<>();
        boolean removed;
        /** Distributed bus only: this node's subscription, other nodes' announced counts and their sum. */
        ClusterBus.Subscription busSubscription;
        Map<String, RemoteCount> remote;
        int remoteClients;
    }

    private record RemoteCount(int count, long seenNanos) { }

    /** Bus channel prefix of a topic. */
    public static final String BUS_PREFIX = "parley.ywebrtc.";
    /** Ping intervals after which a node that stopped announcing no longer counts in {@code clients}. */
    static final int STALE_PINGS = 3;

    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    private final Set<YConnection> connections = ConcurrentHashMap.newKeySet();
    private final ObjectMapper mapper;
    private final SignalingMetrics metrics;
    private final ScheduledExecutorService scheduler;
    private final Duration pingInterval;
    private final LongSupplier nanos;
    private final String pong;
    private final int maxTopicsPerConnection;
    private final ClusterBus bus;
    private final boolean distributed;
    private final int maxFrameBytes;
    private ScheduledFuture<?> pinger;

    /** Longest topic name accepted (longer ones are ignored, like any other malformed input). */
    public static final int MAX_TOPIC_CHARS = 128;

    /** A single-node hub (no bus). */
    public YWebrtcHub(ObjectMapper mapper, SignalingMetrics metrics, ScheduledExecutorService scheduler,
                      Duration pingInterval, int maxTopicsPerConnection, LongSupplier nanos) {
        this(mapper, metrics, scheduler, pingInterval, maxTopicsPerConnection, nanos, null, 64 * 1024);
    }

    /** A hub whose topics span every node on {@code bus} when it is distributed; bus messages carry at most {@code maxFrameBytes}. */
    public YWebrtcHub(ObjectMapper mapper, SignalingMetrics metrics, ScheduledExecutorService scheduler,
                      Duration pingInterval, int maxTopicsPerConnection, LongSupplier nanos, ClusterBus bus,
                      int maxFrameBytes) {
        this.bus = bus;
        this.distributed = bus != null && bus.isDistributed();
        this.maxFrameBytes = maxFrameBytes;
        this.maxTopicsPerConnection = maxTopicsPerConnection;
        this.mapper = mapper;
        this.metrics = metrics;
        this.scheduler = scheduler;
        this.pingInterval = pingInterval;
        this.nanos = nanos;
        this.pong = "{\"type\":\"pong\"}";
    }

    /** Non-zero once draining: the close code for connections that open from now on. */
    private volatile int drainCode;

    public void start() {
        long ms = pingInterval.toMillis();
        pinger = scheduler.scheduleWithFixedDelay(this::pingAll, ms, ms, TimeUnit.MILLISECONDS);
    }

    public int topicCount() {
        return topics.size();
    }

    public void opened(YConnection c) {
        connections.add(c);
        int code = drainCode;
        if (code != 0) {
            // opened while draining: drain() may have iterated before this connection was added
            c.outlet.close(code, "server shutting down");
        }
    }

    public void onPong(YConnection c) {
        c.pongReceived = true;
    }

    public void onMessage(YConnection c, String text) {
        if (c.closed) {
            return;
        }
        if (c.bucket.tryTake(nanos.getAsLong()) != 0) {
            metrics.error("rate-limited");
            return;
        }
        JsonNode m;
        try {
            m = mapper.readTree(text);
        } catch (Exception e) {
            metrics.error("bad-json");
            return;
        }
        if (m == null || !m.isObject() || !m.path("type").isTextual()) {
            return;
        }
        String type = m.path("type").asText();
        switch (type) {
            case "subscribe" -> {
                metrics.in("y-subscribe");
                for (JsonNode t : m.path("topics")) {
                    if (!t.isTextual() || t.asText().length() > MAX_TOPIC_CHARS || !c.principal.mayJoin(t.asText())) {
                        continue;
                    }
                    if (c.topics.size() >= maxTopicsPerConnection && !c.topics.contains(t.asText())) {
                        metrics.error("too-many-rooms");
                        break;
                    }
                    subscribe(c, t.asText());
                }
            }
            case "unsubscribe" -> {
                metrics.in("y-unsubscribe");
                for (JsonNode t : m.path("topics")) {
                    if (t.isTextual()) {
                        unsubscribe(c, t.asText());
                    }
                }
            }
            case "publish" -> {
                metrics.in("y-publish");
                JsonNode topic = m.get("topic");
                if (topic != null && topic.isTextual() && !topic.asText().isEmpty() && c.principal.mayJoin(topic.asText())) {
                    publish(topic.asText(), (ObjectNode) m);
                }
            }
            case "ping" -> {
                metrics.in("y-ping");
                c.outlet.send(Frame.text(pong, "y-pong"));
            }
            default -> metrics.in("y-unknown");
        }
    }

    private void subscribe(YConnection c, String name) {
        while (true) {
            Topic t = topics.computeIfAbsent(name, n -> new Topic());
            t.lock.lock();
            try {
                if (t.removed) {
                    continue;
                }
                boolean added = t.subscribers.add(c);
                c.topics.add(name);
                if (distributed && added) {
                    if (t.busSubscription == null) {
                        t.remote = new HashMap<>();
                        t.busSubscription = bus.subscribe(BUS_PREFIX + name, bytes -> onBus(name, bytes));
                        // ask the other nodes for their counts only once their answers can reach us:
                        // asked before the SUBSCRIBE is confirmed, the answers could cross it and be lost
                        // until the next periodic announcement (a ping interval later)
                        t.busSubscription.ready().thenRun(() -> askCounts(name, t));
                    } else {
                        announce(name, t.subscribers.size(), false);
                    }
                }
                return;
            } finally {
                t.lock.unlock();
            }
        }
    }

    private void unsubscribe(YConnection c, String name) {
        c.topics.remove(name);
        Topic t = topics.get(name);
        if (t == null) {
            return;
        }
        t.lock.lock();
        try {
            boolean removed = t.subscribers.remove(c);
            if (t.subscribers.isEmpty()) {
                t.removed = true;
                topics.remove(name, t);
            }
            if (distributed && removed) {
                announce(name, t.subscribers.size(), false);
                if (t.removed && t.busSubscription != null) {
                    t.busSubscription.close();
                    t.busSubscription = null;
                }
            }
        } finally {
            t.lock.unlock();
        }
    }

    private void publish(String name, ObjectNode m) {
        Topic t = topics.get(name);
        if (t != null) {
            deliverLocally(t, m);
        }
        if (distributed) {
            // outside the topic lock: one connection's publishes arrive here one at a time, in order
            byte[] payload = TopicBusMessage.encode(new TopicBusMessage.Publish(bus.nodeId(), m.toString()));
            if (payload.length > maxFrameBytes + 256) {
                metrics.error("y-bus-oversize");
                return;
            }
            bus.publish(BUS_PREFIX + name, payload);
        }
    }

    /** Sends a publish to this node's subscribers of {@code t}, with {@code clients} counted over every node. */
    private static void deliverLocally(Topic t, ObjectNode m) {
        t.lock.lock();
        try {
            m.put("clients", t.subscribers.size() + t.remoteClients);
            Frame f = Frame.text(m.toString(), "y-publish");
            for (YConnection r : t.subscribers) {
                r.outlet.send(f);
            }
        } finally {
            t.lock.unlock();
        }
    }

    /** Announces this node's current count for a topic whose bus subscription just became ready, asking for theirs. */
    private void askCounts(String name, Topic t) {
        t.lock.lock();
        try {
            if (!t.removed) {
                announce(name, t.subscribers.size(), true);
            }
        } finally {
            t.lock.unlock();
        }
    }

    private void announce(String name, int count, boolean ask) {
        bus.publish(BUS_PREFIX + name, TopicBusMessage.encode(new TopicBusMessage.Count(bus.nodeId(), count, ask)));
    }

    /** A message on a topic's bus channel (serial per topic, never on an I/O thread). */
    void onBus(String name, byte[] bytes) {
        TopicBusMessage msg = TopicBusMessage.decode(bytes, maxFrameBytes + 256);
        if (msg == null) {
            metrics.error("y-bus-malformed");
            return;
        }
        if (msg.origin().equals(bus.nodeId())) {
            return;   // our own: delivered locally when it was sent
        }
        Topic t = topics.get(name);
        if (t == null) {
            return;
        }
        if (msg instanceof TopicBusMessage.Publish p) {
            ObjectNode m;
            try {
                JsonNode n = mapper.readTree(p.json());
                if (n == null || !n.isObject()) {
                    return;
                }
                m = (ObjectNode) n;
            } catch (Exception e) {
                metrics.error("y-bus-malformed");
                return;
            }
            deliverLocally(t, m);
            return;
        }
        TopicBusMessage.Count c = (TopicBusMessage.Count) msg;
        int mine = -1;
        t.lock.lock();
        try {
            if (t.removed || t.remote == null) {
                return;
            }
            if (c.count() == 0) {
                t.remote.remove(c.origin());
            } else {
                t.remote.put(c.origin(), new RemoteCount(c.count(), nanos.getAsLong()));
            }
            t.remoteClients = sum(t.remote);
            if (c.ask()) {
                mine = t.subscribers.size();
            }
        } finally {
            t.lock.unlock();
        }
        if (mine > 0) {
            announce(name, mine, false);
        }
    }

    private static int sum(Map<String, RemoteCount> remote) {
        int n = 0;
        for (RemoteCount r : remote.values()) {
            n += r.count();
        }
        return n;
    }

    /** Every ping interval: re-announce this node's counts and forget nodes that went quiet. */
    private void refreshCounts() {
        long staleBefore = nanos.getAsLong() - STALE_PINGS * pingInterval.toNanos();
        for (Map.Entry<String, Topic> e : topics.entrySet()) {
            Topic t = e.getValue();
            int mine;
            t.lock.lock();
            try {
                if (t.removed || t.remote == null) {
                    continue;
                }
                if (t.remote.values().removeIf(r -> r.seenNanos() - staleBefore < 0)) {
                    t.remoteClients = sum(t.remote);
                }
                mine = t.subscribers.size();
            } finally {
                t.lock.unlock();
            }
            announce(e.getKey(), mine, false);
        }
    }

    public void closed(YConnection c) {
        c.closed = true;
        connections.remove(c);
        for (String name : new ArrayList<>(c.topics)) {
            unsubscribe(c, name);
        }
    }

    /** Upstream's 30 s ping: a connection that did not answer the previous ping is closed. */
    private void pingAll() {
        if (distributed) {
            refreshCounts();
        }
        List<YConnection> dead = new ArrayList<>();
        for (YConnection c : connections) {
            if (!c.pongReceived) {
                dead.add(c);
            } else {
                c.pongReceived = false;
                c.outlet.ping();
            }
        }
        for (YConnection c : dead) {
            metrics.error("heartbeat-timeout");
            c.outlet.abort();
            closed(c);
        }
    }

    /** Closes every connection (graceful shutdown): y-webrtc clients reconnect on their own. */
    public void drain(int code) {
        drainCode = code;
        for (YConnection c : connections) {
            c.outlet.close(code, "server shutting down");
        }
    }

    @Override
    public void close() {
        if (pinger != null) {
            pinger.cancel(false);
        }
        for (Topic t : topics.values()) {
            t.lock.lock();
            try {
                if (t.busSubscription != null) {
                    t.busSubscription.close();
                    t.busSubscription = null;
                }
            } finally {
                t.lock.unlock();
            }
        }
        topics.clear();
        connections.clear();
    }
}
