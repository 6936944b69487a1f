package dev.parley.signaling.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.auth.Principal;
import dev.parley.presence.cluster.ClusterBus;
import dev.parley.signaling.room.Frame;
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
 * Moves a session to the node a client resumes on. The new node asks every node
 * ({@code parley.signal.takeover}: session id, SHA-256 of the resume token, reply node); the node
 * holding the session stops it there (no peer-left: it continues elsewhere) and answers on
 * {@code parley.signal.node.<node>} with its state: ids, principal, seq, buffered frames, rooms. If
 * nobody answers within {@code wait}, the new node looks for the state a gracefully stopped node
 * parked in the directory (TTL: the resume grace). The raw resume token never leaves a node.
 */
public final class SessionMover implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SessionMover.class);
    static final String TAKEOVER = "parley.signal.takeover";
    static final String NODE = "parley.signal.node.";

    /** A session's membership of one room, as moved. */
    public record RoomState(String room, JsonNode meta, long order) { }

    /** A session leaving a node: its state and rooms. */
    public record MovedOut(Session.Moved moved, List<RoomState> rooms) { }

    /** The node side that owns sessions (the native handler). */
    public interface Holder {
        /** Stops a session here if the token hash matches; null otherwise. */
        MovedOut handOut(String sessionId, String tokenHash);
    }

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

    /**
     * Asks the cluster for a session. {@code done} runs on the scheduler with the moved state (its
     * resume token set to {@code token}) or null when no node has it.
     */
    public void request(String sessionId, String token, Consumer<MovedOut> done) {
        byte[] idBytes = new byte[9];
        random.nextBytes(idBytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(idBytes);
        String th = hash(token);
        pending.put(id, state -> scheduler.execute(() -> done.accept(decode(state, token))));
        // a node that stopped gracefully parks its sessions instead of answering: look there too, a few times
        long deadline = System.nanoTime() + wait.toNanos();
        pollParked(id, sessionId, th, token, deadline, done);
        ObjectNode req = json.createObjectNode().put("id", id).put("sid", sessionId).put("th", th).put("reply", node);
        try {
            bus.publish(TAKEOVER, json.writeValueAsBytes(req));
        } catch (Exception e) {
            LOG.debug("takeover request not published: {}", e.toString());
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
            MovedOut out = holder.handOut(req.path("sid").asText(), req.path("th").asText());
            if (out == null) {
                return;
            }
            ObjectNode answer = json.createObjectNode().put("id", req.path("id").asText());
            answer.set("state", encode(out, req.path("th").asText()));
            bus.publish(NODE + reply, json.writeValueAsBytes(answer));
            LOG.debug("session {} handed to node {}", out.moved().sessionId(), reply);
        } catch (Exception e) {
            LOG.warn("takeover request failed", e);
        }
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
            JsonNode meta = r.get("m");
            rooms.add(new RoomState(r.path("r").asText(), meta == null || meta.isNull() ? null : meta, r.path("o").asLong()));
        }
        Session.Moved m = new Session.Moved(st.path("sid").asText(), st.path("peer").asText(), token, p,
                st.path("seq").asLong(), st.path("lost").asLong(), frames, null);
        return new MovedOut(m, rooms);
    }

    @Override
    public void close() {
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
