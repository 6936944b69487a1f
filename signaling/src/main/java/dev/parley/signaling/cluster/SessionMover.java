package dev.parley.signaling.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.auth.Principal;
import dev.parley.presence.cluster.ClusterBus;
import dev.parley.signaling.room.Frame;
import dev.parley.signaling.room.RemotePeer;
import dev.parley.signaling.room.Session;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a session to the node a client resumes on, without losing or repeating a message:
 *
 * <ol>
 *   <li><b>ask</b>: the new node asks every node ({@code parley.signal.takeover}: session id, SHA-256
 *       of the resume token, reply node); the holder answers on {@code parley.signal.node.<node>}
 *       with the session's ids, principal and rooms, and keeps serving it.</li>
 *   <li>The new node creates the session there, <i>arriving</i>: it subscribes the peer's and the
 *       rooms' topics and waits for Redis to confirm them; what reaches it meanwhile waits.</li>
 *   <li><b>take</b>: the holder publishes a fence on each of those topics and, once its own
 *       subscriptions saw them all (so it has everything published before the take), stops the
 *       session (no peer-left: it continues elsewhere) and answers with its state: seq, buffered
 *       frames, the ids of the last cluster messages it was given, rooms and who is in them.</li>
 *   <li>The new node lands the state, then numbers what waited, dropping what the old node already
 *       gave (same message id), and goes on as the session's node.</li>
 * </ol>
 *
 * If nobody answers the ask within {@code wait}, the new node looks for the state a gracefully
 * stopped node parked in the directory (TTL: the resume grace). The raw token never leaves a node.
 */
public final class SessionMover implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SessionMover.class);
    static final String TAKEOVER = "parley.signal.takeover";
    static final String NODE = "parley.signal.node.";

    /** A session's membership of one room, as moved, with the room's other members as its node knew them. */
    public record RoomState(String room, JsonNode meta, long order, List<RemotePeer> known) {
        public RoomState {
            known = known == null ? List.of() : known;
        }
    }

    /** A session leaving a node: its state and rooms. */
    public record MovedOut(Session.Moved moved, List<RoomState> rooms) { }

    /** The node side that owns sessions (the native handler). */
    public interface Holder {
        /** A live session's ids, principal and rooms (nothing stops), if here and the token hash matches. */
        MovedOut describe(String sessionId, String tokenHash);

        /** Publishes fence {@code fenceId} on the peer's topic and on each of its rooms' topics. */
        void fence(String peerId, List<String> rooms, String fenceId);

        /** Stops a session here, if the token hash matches, as it continues on {@code toNode}; null otherwise. */
        MovedOut handOut(String sessionId, String tokenHash, String toNode);
    }

    /** The new node's side of a move. Both run on the scheduler. */
    public interface Arrival {
        /**
         * The holder described the session: get ready to receive its messages. The stage completes when
         * its topics are subscribed; null refuses the move (the session then stays where it is).
         */
        java.util.concurrent.CompletionStage<Void> prepare(MovedOut described);

        /** The session's full state (its resume token set), or null: nobody had it, or the move failed. */
        void done(MovedOut state);
    }

    private record Fence(java.util.concurrent.atomic.AtomicInteger left, java.util.concurrent.CompletableFuture<Void> seen) { }

    /** Longest a holder waits for its fences before it hands over anyway. */
    static final Duration FENCE_WAIT = Duration.ofSeconds(1);
    private final Map<String, Fence> fences = new ConcurrentHashMap<>();

    private final String node;
    private final ClusterBus bus;
    private final RoomDirectory directory;
    private final ObjectMapper json;
    private final ScheduledExecutorService scheduler;
    private final Duration wait;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Consumer<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<ClusterBus.Subscription> subscriptions = new ArrayList<>();

    public SessionMover(String node, ClusterBus bus, RoomDirectory directory, ObjectMapper json,
                        ScheduledExecutorService scheduler, Duration wait) {
        this.node = node;
        this.bus = bus;
        this.directory = directory;
        this.json = json;
        this.scheduler = scheduler;
        this.wait = wait;
    }

    public void start(Holder holder) {
        subscriptions.add(bus.subscribe(TAKEOVER, bytes -> onRequest(holder, bytes)));
        subscriptions.add(bus.subscribe(NODE + node, this::onReply));
    }

    public static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String newId() {
        byte[] idBytes = new byte[9];
        random.nextBytes(idBytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(idBytes);
    }

    /**
     * Asks the cluster for a session (see the class comment). {@code arrival} is called on the
     * scheduler: {@code prepare} when a node holds it, then {@code done} with the full state (its
     * resume token set to {@code token}), or only {@code done(null)} when no node has it.
     */
    public void request(String sessionId, String token, Arrival arrival) {
        String id = newId();
        String th = hash(token);
        pending.put(id, described -> scheduler.execute(() -> take(sessionId, th, token, decode(described, token), arrival)));
        // a node that stopped gracefully parks its sessions instead of answering: look there too, a few times
        long deadline = System.nanoTime() + wait.toNanos();
        pollParked(id, sessionId, th, token, deadline, arrival::done);
        send(TAKEOVER, json.createObjectNode().put("op", "ask").put("id", id).put("sid", sessionId).put("th", th)
                .put("reply", node));
    }

    private void take(String sessionId, String th, String token, MovedOut described, Arrival arrival) {
        java.util.concurrent.CompletionStage<Void> ready = described == null ? null : arrival.prepare(described);
        if (ready == null) {
            arrival.done(null);
            return;
        }
        ready.toCompletableFuture().orTimeout(FENCE_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .whenCompleteAsync((v, err) -> {
                    if (err != null) {
                        LOG.debug("takeover of {}: subscriptions not confirmed ({}); taking it anyway", sessionId,
                                err.toString());
                    }
                    String id = newId();
                    pending.put(id, state -> scheduler.execute(() -> arrival.done(decode(state, token))));
                    scheduler.schedule(() -> {
                        if (pending.remove(id) != null) {
                            arrival.done(null);
                        }
                    }, wait.plus(FENCE_WAIT).toMillis(), TimeUnit.MILLISECONDS);
                    send(TAKEOVER, json.createObjectNode().put("op", "take").put("id", id).put("sid", sessionId)
                            .put("th", th).put("reply", node));
                }, scheduler);
    }

    private void send(String topic, JsonNode message) {
        try {
            bus.publish(topic, json.writeValueAsBytes(message));
        } catch (Exception e) {
            LOG.debug("takeover message not published: {}", e.toString());
        }
    }

    /** A fence published by this node came back through one of its subscriptions. */
    public void fenceSeen(String fenceId) {
        Fence f = fences.get(fenceId);
        if (f != null && f.left().decrementAndGet() == 0) {
            fences.remove(fenceId);
            f.seen().complete(null);
        }
    }

    private void pollParked(String id, String sessionId, String th, String token, long deadline,
                            Consumer<MovedOut> done) {
        if (!pending.containsKey(id)) {
            return;
        }
        directory.unpark(sessionId).whenCompleteAsync((parked, err) -> {
            MovedOut m = null;
            if (err == null && parked != null) {
                try {
                    JsonNode st = json.readTree(parked);
                    if (MessageDigestEq.equal(st.path("th").asText(), th)) {
                        m = decode(st, token);
                    }
                } catch (Exception e) {
                    LOG.debug("parked session {} unreadable: {}", sessionId, e.toString());
                }
            }
            if (m != null) {
                if (pending.remove(id) != null) {
                    done.accept(m);
                }
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                if (pending.remove(id) != null) {
                    done.accept(null);
                }
                return;
            }
            scheduler.schedule(() -> pollParked(id, sessionId, th, token, deadline, done),
                    Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 150), TimeUnit.MILLISECONDS);
        }, scheduler);
    }

    private void onRequest(Holder holder, byte[] bytes) {
        try {
            JsonNode req = json.readTree(bytes);
            String reply = req.path("reply").asText();
            if (reply.equals(node)) {
                return;
            }
            String sid = req.path("sid").asText();
            String th = req.path("th").asText();
            String id = req.path("id").asText();
            if ("ask".equals(req.path("op").asText())) {
                MovedOut d = holder.describe(sid, th);
                if (d != null) {
                    answer(reply, id, d, th);
                }
                return;
            }
            // take: first make sure everything published to the session before this request is here
            MovedOut d = holder.describe(sid, th);
            if (d == null) {
                return;
            }
            List<String> rooms = d.rooms().stream().map(RoomState::room).toList();
            String fenceId = "fence." + node + "." + newId();
            Fence f = new Fence(new java.util.concurrent.atomic.AtomicInteger(1 + rooms.size()),
                    new java.util.concurrent.CompletableFuture<>());
            fences.put(fenceId, f);
            holder.fence(d.moved().peerId(), rooms, fenceId);
            f.seen().orTimeout(FENCE_WAIT.toMillis(), TimeUnit.MILLISECONDS).whenCompleteAsync((v, err) -> {
                fences.remove(fenceId);
                if (err != null) {
                    LOG.debug("takeover of {}: fences not all back ({}); handing over anyway", sid, err.toString());
                }
                MovedOut out = holder.handOut(sid, th, reply);
                if (out != null) {
                    answer(reply, id, out, th);
                    LOG.debug("session {} handed to node {}", sid, reply);
                }
            }, scheduler);
        } catch (Exception e) {
            LOG.warn("takeover request failed", e);
        }
    }

    private void answer(String reply, String id, MovedOut out, String th) {
        ObjectNode answer = json.createObjectNode().put("id", id);
        answer.set("state", encode(out, th));
        send(NODE + reply, answer);
    }

    private void onReply(byte[] bytes) {
        try {
            JsonNode r = json.readTree(bytes);
            Consumer<JsonNode> c = pending.remove(r.path("id").asText());
            if (c != null) {
                c.accept(r.path("state"));
            }
        } catch (Exception e) {
            LOG.debug("bad takeover reply: {}", e.toString());
        }
    }

    /** Graceful stop: leaves the session's state in the directory for {@code ttl}. Waits at most 2 s. */
    public void park(MovedOut out, Duration ttl) {
        try {
            String th = hash(out.moved().resumeToken());
            directory.park(out.moved().sessionId(), json.writeValueAsString(encode(out, th)), ttl)
                    .toCompletableFuture().get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("session {} not parked: {}", out.moved().sessionId(), e.toString());
        }
    }

    ObjectNode encode(MovedOut out, String tokenHash) {
        Session.Moved m = out.moved();
        Principal p = m.principal();
        ObjectNode st = json.createObjectNode().put("sid", m.sessionId()).put("peer", m.peerId()).put("th", tokenHash)
                .put("seq", m.seq()).put("lost", m.lostUpTo());
        ObjectNode pr = st.putObject("pr").put("u", p.userId()).put("ro", p.readOnly()).put("ad", p.admin())
                .put("exp", p.expiresAt().getEpochSecond()).put("anon", p.anonymous());
        ArrayNode pRooms = pr.putArray("rooms");
        p.rooms().forEach(pRooms::add);
        ArrayNode seen = st.putArray("seen");
        m.seen().forEach(seen::add);
        ArrayNode frames = st.putArray("f");
        for (Session.SeqFrame f : m.frames()) {
            ObjectNode fn = frames.addObject().put("s", f.seq()).put("ty", f.frame().type());
            if (f.frame().text() != null) {
                fn.put("x", f.frame().text());
            } else {
                fn.put("b", Base64.getEncoder().encodeToString(f.frame().binary()));
            }
        }
        ArrayNode rooms = st.putArray("rooms");
        for (RoomState r : out.rooms()) {
            ObjectNode rn = rooms.addObject().put("r", r.room()).put("o", r.order());
            rn.set("m", r.meta());
            ArrayNode known = rn.putArray("k");
            for (RemotePeer k : r.known()) {
                ObjectNode pn = known.addObject().put("p", k.peerId()).put("u", k.userId()).put("n", k.node())
                        .put("o", k.order());
                pn.set("m", k.meta());
            }
        }
        return st;
    }

    MovedOut decode(JsonNode st, String token) {
        if (st == null || !st.isObject()) {
            return null;
        }
        JsonNode pr = st.path("pr");
        List<String> pRooms = new ArrayList<>();
        pr.path("rooms").forEach(n -> pRooms.add(n.asText()));
        Principal p = new Principal(pr.path("u").asText(), pRooms, pr.path("ro").asBoolean(), pr.path("ad").asBoolean(),
                Instant.ofEpochSecond(pr.path("exp").asLong()), pr.path("anon").asBoolean());
        List<Session.SeqFrame> frames = new ArrayList<>();
        for (JsonNode f : st.path("f")) {
            Frame frame = f.has("x") ? Frame.text(f.path("x").asText(), f.path("ty").asText())
                    : Frame.binary(Base64.getDecoder().decode(f.path("b").asText()), f.path("ty").asText());
            frames.add(new Session.SeqFrame(f.path("s").asLong(), frame));
        }
        List<RoomState> rooms = new ArrayList<>();
        for (JsonNode r : st.path("rooms")) {
            List<RemotePeer> known = new ArrayList<>();
            for (JsonNode k : r.path("k")) {
                known.add(new RemotePeer(k.path("p").asText(), k.path("u").asText(), meta(k), k.path("n").asText(),
                        k.path("o").asLong()));
            }
            rooms.add(new RoomState(r.path("r").asText(), meta(r), r.path("o").asLong(), known));
        }
        List<String> seen = new ArrayList<>();
        st.path("seen").forEach(n -> seen.add(n.asText()));
        Session.Moved m = new Session.Moved(st.path("sid").asText(), st.path("peer").asText(), token, p,
                st.path("seq").asLong(), st.path("lost").asLong(), frames, seen, null);
        return new MovedOut(m, rooms);
    }

    private static JsonNode meta(JsonNode n) {
        JsonNode meta = n.get("m");
        return meta == null || meta.isNull() ? null : meta;
    }

    @Override
    public void close() {
        fences.clear();
        subscriptions.forEach(ClusterBus.Subscription::close);
        subscriptions.clear();
        pending.clear();
    }

    /** Constant-time comparison of two hex digests. */
    static final class MessageDigestEq {
        private MessageDigestEq() {
        }

        static boolean equal(String a, String b) {
            return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
        }
    }
}
