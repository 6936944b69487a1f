package dev.parley.signaling.room;

import dev.parley.presence.cluster.ClusterBus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Which other nodes are alive, for rooms that span nodes: every node publishes its id on
 * {@code parley.signal.nodes} once a heartbeat; a node not heard from for three heartbeats is
 * gone, and its members are removed from every room here ({@code peer-left{reason:"node-gone"}}).
 * A crashed node cannot say goodbye; this is how the others find out.
 */
public final class NodeWatch implements AutoCloseable {

    static final String TOPIC = "parley.signal.nodes";

    private final ClusterBus bus;
    private final long timeoutNanos;
    private final LongSupplier nanos;
    private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();
    private ClusterBus.Subscription subscription;

    public NodeWatch(ClusterBus bus, Duration heartbeat, LongSupplier nanos) {
        this.bus = bus;
        this.timeoutNanos = heartbeat.toNanos() * 3;
        this.nanos = nanos;
    }

    public void start() {
        subscription = bus.subscribe(TOPIC, payload -> {
            String node = new String(payload, StandardCharsets.UTF_8);
            if (!node.equals(bus.nodeId())) {
                lastSeen.put(node, nanos.getAsLong());
            }
        });
    }

    /** Call once a heartbeat: announces this node and returns the nodes that went silent since. */
    public List<String> beat() {
        bus.publish(TOPIC, bus.nodeId().getBytes(StandardCharsets.UTF_8));
        long now = nanos.getAsLong();
        List<String> gone = new ArrayList<>();
        lastSeen.forEach((node, seen) -> {
            if (now - seen > timeoutNanos && lastSeen.remove(node, seen)) {
                gone.add(node);
            }
        });
        return gone;
    }

    @Override
    public void close() {
        if (subscription != null) {
            subscription.close();
        }
    }
}
