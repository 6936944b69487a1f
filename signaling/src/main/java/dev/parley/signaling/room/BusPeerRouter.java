package dev.parley.signaling.room;

import dev.parley.presence.cluster.ClusterBus;
import dev.parley.signaling.protocol.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The {@link PeerRouter}: an in-memory map of this node's sessions, plus, when the
 * {@link ClusterBus} is distributed (Redis), one topic per local peer
 * ({@code parley.signal.peer.<peerId>}) through which other nodes reach it. With the in-memory bus
 * nothing is published and nothing is subscribed.
 *
 * <p>Bus message on a peer topic: {@code <id>\n<type>\n<encoded message>}, where {@code id} is the
 * message's cluster-wide id ({@link MessageIds}); a fence is {@code <fenceId>\n~fence\n}.
 */
public final class BusPeerRouter implements PeerRouter {

    static final String TOPIC_PREFIX = "parley.signal.peer.";
    static final String FENCE = "~fence";

    private final ClusterBus bus;
    private final MessageIds ids;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, ClusterBus.Subscription> subscriptions = new ConcurrentHashMap<>();
    private volatile Consumer<String> onFence = id -> { };

    public BusPeerRouter(ClusterBus bus) {
        this(bus, new MessageIds(bus.nodeId()));
    }

    public BusPeerRouter(ClusterBus bus, MessageIds ids) {
        this.bus = bus;
        this.ids = ids;
    }

    /** Where fences seen on this node's peer topics are reported. */
    public void onFence(Consumer<String> sink) {
        this.onFence = sink;
    }

    @Override
    public void register(Session session) {
        sessions.put(session.peerId(), session);
        if (bus.isDistributed()) {
            ClusterBus.Subscription old = subscriptions.put(session.peerId(), bus.subscribe(
                    TOPIC_PREFIX + session.peerId(), payload -> onRemote(session.peerId(), payload)));
            if (old != null) {
                old.close();
            }
        }
    }

    @Override
    public void unregister(Session session) {
        if (sessions.remove(session.peerId(), session)) {
            ClusterBus.Subscription s = subscriptions.remove(session.peerId());
            if (s != null) {
                s.close();
            }
        }
    }

    @Override
    public CompletionStage<Void> reachable(String peerId) {
        ClusterBus.Subscription s = subscriptions.get(peerId);
        return s == null ? CompletableFuture.completedFuture(null) : s.ready();
    }

    @Override
    public void fence(String peerId, String fenceId) {
        if (bus.isDistributed()) {
            bus.publish(TOPIC_PREFIX + peerId, (fenceId + "\n" + FENCE + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public Optional<Session> local(String peerId) {
        return Optional.ofNullable(sessions.get(peerId));
    }

    @Override
    public Collection<Session> localSessions() {
        return List.copyOf(sessions.values());
    }

    @Override
    public Delivery deliver(String peerId, String encoded, String type) {
        boolean distributed = bus.isDistributed();
        String id = distributed ? ids.next() : null;
        Session s = sessions.get(peerId);
        if (s != null && s.deliver(id, seq -> Frame.text(MessageCodec.stamp(encoded, seq), type))) {
            return Delivery.DELIVERED;
        }
        if (distributed) {
            // not here, or it just moved to another node: that node subscribed its topic before the move
            bus.publish(TOPIC_PREFIX + peerId, (id + "\n" + type + "\n" + encoded).getBytes(StandardCharsets.UTF_8));
            return Delivery.FORWARDED;
        }
        return Delivery.UNKNOWN_PEER;
    }

    private void onRemote(String peerId, byte[] payload) {
        String text = new String(payload, StandardCharsets.UTF_8);
        int nl1 = text.indexOf('\n');
        int nl2 = nl1 < 0 ? -1 : text.indexOf('\n', nl1 + 1);
        if (nl1 <= 0 || nl2 <= nl1 + 1) {
            return;
        }
        String id = text.substring(0, nl1);
        String type = text.substring(nl1 + 1, nl2);
        if (FENCE.equals(type)) {
            onFence.accept(id);
            return;
        }
        Session s = sessions.get(peerId);
        if (s != null) {
            String encoded = text.substring(nl2 + 1);
            s.deliver(id, seq -> Frame.text(MessageCodec.stamp(encoded, seq), type));
        }
    }

    @Override
    public void close() {
        subscriptions.values().forEach(ClusterBus.Subscription::close);
        subscriptions.clear();
        sessions.clear();
    }
}
