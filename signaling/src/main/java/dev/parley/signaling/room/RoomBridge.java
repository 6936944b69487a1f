package dev.parley.signaling.room;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.presence.cluster.ClusterBus;
import java.io.IOException;
import java.util.Base64;
import java.util.function.BiConsumer;

/**
 * The cross-node half of rooms: with a distributed {@link ClusterBus}, every node that has local
 * members in a room subscribes to {@code parley.signal.room.<room>} and publishes its members'
 * joins, leaves and relays there; the other nodes replay them to their own members. A node that
 * starts hosting a room publishes {@code hello} and the others answer with their members.
 * Ordering: the bus keeps one publisher's order per topic, so each sender's room messages arrive
 * in order everywhere. With the in-memory bus this class is never used.
 *
 * <p>Wire format (JSON): {@code {"op":"join|leave|relay|broadcast|hello","node":..,...}}.
 */
public final class RoomBridge {

    static final String TOPIC_PREFIX = "parley.signal.room.";

    private final ClusterBus bus;
    private final ObjectMapper mapper;

    public RoomBridge(ClusterBus bus, ObjectMapper mapper) {
        this.bus = bus;
        this.mapper = mapper;
    }

    public String nodeId() {
        return bus.nodeId();
    }

    /** Starts hearing a room's events from other nodes and asks them who is there. */
    ClusterBus.Subscription open(String room, BiConsumer<String, JsonNode> onRemote) {
        ClusterBus.Subscription s = bus.subscribe(TOPIC_PREFIX + room, payload -> {
            JsonNode m;
            try {
                m = mapper.readTree(payload);
            } catch (IOException e) {
                return;
            }
            if (m != null && !bus.nodeId().equals(m.path("node").asText())) {
                onRemote.accept(room, m);
            }
        });
        publish(room, op("hello"));
        return s;
    }

    void join(String room, String peerId, String userId, JsonNode meta) {
        ObjectNode m = op("join").put("peerId", peerId).put("userId", userId);
        if (meta != null) {
            m.set("meta", meta);
        }
        publish(room, m);
    }

    void leave(String room, String peerId, String reason) {
        publish(room, op("leave").put("peerId", peerId).put("reason", reason));
    }

    void relay(String room, String from, String to, String ch, JsonNode d, byte[] binary) {
        ObjectNode m = op("relay").put("from", from).put("ch", ch);
        if (to != null) {
            m.put("to", to);
        }
        if (binary != null) {
            m.put("b", Base64.getEncoder().encodeToString(binary));
        } else {
            m.set("d", d);
        }
        publish(room, m);
    }

    void broadcast(String room, JsonNode d) {
        ObjectNode m = op("broadcast");
        m.set("d", d);
        publish(room, m);
    }

    private ObjectNode op(String op) {
        return mapper.createObjectNode().put("op", op).put("node", bus.nodeId());
    }

    private void publish(String room, ObjectNode m) {
        try {
            bus.publish(TOPIC_PREFIX + room, mapper.writeValueAsBytes(m));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a room event", e);
        }
    }
}
