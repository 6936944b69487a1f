package dev.parley.signaling.compat.ywebrtc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.signaling.metrics.SignalingMetrics;
import dev.parley.signaling.room.Frame;
import java.time.Duration;
import java.util.ArrayList;
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
 */
public final class YWebrtcHub implements AutoCloseable {

    private static final class Topic {
        final ReentrantLock lock = new ReentrantLock();
        final Set<YConnection> subscribers = new LinkedHashSet<>();
        boolean removed;
    }

    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    private final Set<YConnection> connections = ConcurrentHashMap.newKeySet();
    private final ObjectMapper mapper;
    private final SignalingMetrics metrics;
    private final ScheduledExecutorService scheduler;
    private final Duration pingInterval;
    private final LongSupplier nanos;
    private final String pong;
    private final int maxTopicsPerConnection;
    private ScheduledFuture<?> pinger;

    /** Longest topic name accepted (longer ones are ignored, like any other malformed input). */
    public static final int MAX_TOPIC_CHARS = 128;

    public YWebrtcHub(ObjectMapper mapper, SignalingMetrics metrics, ScheduledExecutorService scheduler,
                      Duration pingInterval, int maxTopicsPerConnection, LongSupplier nanos) {
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
                t.subscribers.add(c);
                c.topics.add(name);
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
            t.subscribers.remove(c);
            if (t.subscribers.isEmpty()) {
                t.removed = true;
                topics.remove(name, t);
            }
        } finally {
            t.lock.unlock();
        }
    }

    private void publish(String name, ObjectNode m) {
        Topic t = topics.get(name);
        if (t == null) {
            return;
        }
        t.lock.lock();
        try {
            m.put("clients", t.subscribers.size());
            Frame f = Frame.text(m.toString(), "y-publish");
            for (YConnection r : t.subscribers) {
                r.outlet.send(f);
            }
        } finally {
            t.lock.unlock();
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
        topics.clear();
        connections.clear();
    }
}
