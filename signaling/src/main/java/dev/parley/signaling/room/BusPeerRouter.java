package dev.parley.signaling.room;

import dev.parley.presence.cluster.ClusterBus;
import dev.parley.signaling.protocol.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link PeerRouter}: an in-memory map of this node's sessions, plus, when the
 * {@link ClusterBus} is distributed (Redis), one topic per local peer
 * ({@code parley.signal.peer.<peerId>}) through which other nodes reach it. With the in-memory bus
 * nothing is published and nothing is subscribed.
 */
public final class BusPeerRouter implements PeerRouter {

    static final String TOPIC_PREFIX = "parley.signal.peer.";

    private final ClusterBus bus;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, ClusterBus.Subscription> subscriptions = new ConcurrentHashMap<>();

    public BusPeerRouter(ClusterBus bus) {
        this.bus = bus;
    }

    @Override
    public void register(Session session) {
        sessions.put(session.peerId(), session);
        if (bus.isDistributed()) {
            subscriptions.put(session.peerId(), bus.subscribe(TOPIC_PREFIX + session.peerId(),
                    payload -> onRemote(session.peerId(), payload)));
        }
    }

    @Override
    public void unregister(Session session) {
        sessions.remove(session.peerId(), session);
        ClusterBus.Subscription s = subscriptions.remove(session.peerId());
        if (s != null) {
            s.close();
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
        Session s = sessions.get(peerId);
        if (s != null) {
            return s.deliver(seq -> Frame.text(MessageCodec.stamp(encoded, seq), type))
                    ? Delivery.DELIVERED : Delivery.UNKNOWN_PEER;
        }
        if (bus.isDistributed()) {
            bus.publish(TOPIC_PREFIX + peerId, (type + "\n" + encoded).getBytes(StandardCharsets.UTF_8));
            return Delivery.FORWARDED;
        }
        return Delivery.UNKNOWN_PEER;
    }

    private void onRemote(String peerId, byte[] payload) {
        String text = new String(payload, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        Session s = sessions.get(peerId);
        if (nl > 0 && s != null) {
            String type = text.substring(0, nl);
            String encoded = text.substring(nl + 1);
            s.deliver(seq -> Frame.text(MessageCodec.stamp(encoded, seq), type));
        }
    }

    @Override
    public void close() {
        subscriptions.values().forEach(ClusterBus.Subscription::close);
        subscriptions.clear();
        sessions.clear();
    }
}
