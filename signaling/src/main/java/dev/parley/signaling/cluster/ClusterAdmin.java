package dev.parley.signaling.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.presence.cluster.ClusterBus;
import java.security.SecureRandom;
import java.time.Duration;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator actions on a peer held by another node. An admin kick for a member this node does not
 * hold is looked up in the {@link RoomDirectory} and sent to the owning node on its admin channel
 * ({@value #TOPIC}{@code <node>}, JSON {@code {"op":"kick","id","room","peer","reply"}}); the owner
 * kicks it exactly as a local kick would (the session ends, no resume, the room sees
 * {@code peer-left{reason:"kicked"}}) and answers on the asker's channel
 * ({@code {"op":"done","id","ok"}}). A kick is answered only once the owner confirmed it; a member
 * that moved to another node meanwhile is followed once; an owner that does not answer within
 * {@code wait} gives {@link Outcome#TIMEOUT}.
 */
public final class ClusterAdmin implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterAdmin.class);
    static final String TOPIC = "parley.signal.admin.";
    /** Kicks waiting for an owner's answer at once; more are refused ({@link Outcome#UNAVAILABLE}). */
    static final int MAX_PENDING = 1024;
    /** How many times a kick follows a member that moved while it was asked for. */
    private static final int MAX_HOPS = 2;

    /** What a kick came to. */
    public enum Outcome { KICKED, NO_SUCH_PEER, TIMEOUT, UNAVAILABLE }

    /** {@code node}: the node that kicked it (KICKED) or did not answer (TIMEOUT); else null. */
    public record Result(Outcome outcome, String node) { }

    /** This node's side: kicks a member of {@code room} it holds; false when it holds none. */
    public interface Local {
        boolean kick(String room, String peerId);
    }

    private record Pending(CompletableFuture<Boolean> answer, ScheduledFuture<?> timer) { }

    private final String node;
    private final ClusterBus bus;
    private final ClusterRooms rooms;
    private final ObjectMapper json;
    private final ScheduledExecutorService scheduler;
    private final Duration wait;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final List<ClusterBus.Subscription> subscriptions = new ArrayList<>();
    private volatile Local local = (room, peer) -> false;

    public ClusterAdmin(String node, ClusterBus bus, ClusterRooms rooms, ObjectMapper json,
                        ScheduledExecutorService scheduler, Duration wait) {
        this.node = node;
        this.bus = bus;
        this.rooms = rooms;
        this.json = json;
        this.scheduler = scheduler;
        this.wait = wait;
    }

    public void start(Local local) {
        this.local = local;
        subscriptions.add(bus.subscribe(TOPIC + node, this::onMessage));
    }

    /** How long a kick waits for the owning node's answer. */
    public Duration waitLimit() {
        return wait;
    }

    /** Kicks {@code peerId} out of {@code room} wherever it is held. */
    public CompletionStage<Result> kick(String room, String peerId) {
        if (local.kick(room, peerId)) {
            return CompletableFuture.completedFuture(new Result(Outcome.KICKED, node));
        }
        return attempt(room, peerId, null, 0).exceptionally(e -> new Result(Outcome.UNAVAILABLE, null));
    }

    private CompletionStage<Result> attempt(String room, String peerId, String refusedBy, int hops) {
        return rooms.locate(room, peerId).handle((entry, err) -> {
            if (err != null) {
                return CompletableFuture.completedFuture(new Result(Outcome.UNAVAILABLE, null));
            }
            if (entry == null || entry.node().equals(refusedBy)) {
                return CompletableFuture.completedFuture(new Result(Outcome.NO_SUCH_PEER, null));
            }
            String owner = entry.node();
            if (owner.equals(node)) {
                // listed here but not found a moment ago: it may just have arrived
                return CompletableFuture.completedFuture(local.kick(room, peerId)
                        ? new Result(Outcome.KICKED, node) : new Result(Outcome.NO_SUCH_PEER, null));
            }
            return ask(owner, room, peerId).thenCompose(ok -> {
                if (ok == null) {
                    return CompletableFuture.completedFuture(new Result(Outcome.TIMEOUT, owner));
                }
                if (ok) {
                    return CompletableFuture.completedFuture(new Result(Outcome.KICKED, owner));
                }
                // the owner no longer holds it: it may have moved to another node meanwhile
                return hops + 1 >= MAX_HOPS ? CompletableFuture.completedFuture(new Result(Outcome.NO_SUCH_PEER, null))
                        : attempt(room, peerId, owner, hops + 1);
            });
        }).thenCompose(stage -> stage);
    }

    /** Completes with the owner's answer, or null when it did not answer within {@code wait}. */
    private CompletionStage<Boolean> ask(String owner, String room, String peerId) {
        if (pending.size() >= MAX_PENDING) {
            return CompletableFuture.failedFuture(new IllegalStateException("too many kicks in flight"));
        }
        String id = newId();
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        ScheduledFuture<?> timer = scheduler.schedule(() -> {
            if (pending.remove(id) != null) {
                answer.complete(null);
            }
        }, wait.toMillis(), TimeUnit.MILLISECONDS);
        pending.put(id, new Pending(answer, timer));
        send(owner, json.createObjectNode().put("op", "kick").put("id", id).put("room", room).put("peer", peerId)
                .put("reply", node));
        return answer;
    }

    private void onMessage(byte[] bytes) {
        JsonNode m;
        try {
            m = json.readTree(bytes);
        } catch (Exception e) {
            LOG.debug("bad admin message: {}", e.toString());
            return;
        }
        if (m == null || !m.isObject()) {
            return;
        }
        String id = m.path("id").asText("");
        switch (m.path("op").asText("")) {
            case "kick" -> {
                String room = m.path("room").asText(null);
                String peer = m.path("peer").asText(null);
                String reply = m.path("reply").asText(null);
                if (room == null || peer == null || reply == null) {
                    return;
                }
                boolean ok;
                try {
                    ok = local.kick(room, peer);
                } catch (RuntimeException e) {
                    LOG.warn("admin kick of {} in {} failed", peer, room, e);
                    ok = false;
                }
                if (ok) {
                    LOG.info("peer {} in room {} kicked at the request of node {}", peer, room, reply);
                }
                send(reply, json.createObjectNode().put("op", "done").put("id", id).put("ok", ok));
            }
            case "done" -> {
                Pending p = pending.remove(id);
                if (p != null) {
                    p.timer().cancel(false);
                    p.answer().complete(m.path("ok").asBoolean(false));
                }
            }
            default -> LOG.debug("unknown admin message {}", m);
        }
    }

    private void send(String toNode, ObjectNode message) {
        try {
            bus.publish(TOPIC + toNode, json.writeValueAsBytes(message));
        } catch (Exception e) {
            LOG.debug("admin message not published: {}", e.toString());
        }
    }

    private String newId() {
        byte[] b = new byte[9];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Override
    public void close() {
        subscriptions.forEach(ClusterBus.Subscription::close);
        subscriptions.clear();
        pending.values().forEach(p -> {
            p.timer().cancel(false);
            p.answer().complete(null);
        });
        pending.clear();
    }
}
