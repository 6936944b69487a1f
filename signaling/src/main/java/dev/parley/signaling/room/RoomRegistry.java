package dev.parley.signaling.room;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.signaling.protocol.ErrorCode;
import dev.parley.signaling.protocol.MessageCodec;
import dev.parley.signaling.protocol.ProtocolException;
import dev.parley.signaling.protocol.ServerMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;

/**
 * This node's rooms. Joins, leaves and relays take the room's lock, so membership changes and room
 * messages reach every local member in the same order. Empty rooms are removed. In cluster mode a
 * room also knows its members on other nodes ({@link RemotePeer}): the cluster layer feeds their
 * joins and leaves in ({@code remote*} methods) and the roster of {@code joined} includes them.
 */
public final class RoomRegistry {

    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final MessageCodec codec;
    private volatile RoomListener listener = RoomListener.NONE;

    public RoomRegistry(MessageCodec codec) {
        this.codec = codec;
    }

    public void listener(RoomListener listener) {
        this.listener = listener;
    }

    public int roomCount() {
        return rooms.size();
    }

    public Optional<Room> room(String name) {
        return Optional.ofNullable(rooms.get(name));
    }

    public List<Room> rooms() {
        return new ArrayList<>(rooms.values());
    }

    /** The room, created (and announced to the listener) if needed, with its lock held. */
    private Room lockOpen(String name) {
        while (true) {
            boolean[] created = new boolean[1];
            Room room = rooms.computeIfAbsent(name, n -> {
                created[0] = true;
                return new Room(n);
            });
            if (created[0]) {
                listener.opened(name);
            }
            room.lock().lock();
            if (!room.closed()) {
                return room;
            }
            room.lock().unlock();
        }
    }

    private void closeIfIdle(Room room) {
        if (room.idle()) {
            room.markClosed();
            room.remote().clear();
            if (rooms.remove(room.name(), room)) {
                listener.closed(room.name());
            }
        }
    }

    /**
     * Adds a session to a room (single node): the joiner gets {@code joined} with the roster, every
     * other member {@code peer-joined}, each with its own {@code polite} flag.
     */
    public void join(String name, Session session, JsonNode meta, int maxPeers) throws ProtocolException {
        Room room = lockOpen(name);
        try {
            if (room.members().containsKey(session.peerId())) {
                throw new ProtocolException(ErrorCode.ALREADY_IN_ROOM, "already in room " + name);
            }
            if (room.members().size() + room.remote().size() >= maxPeers) {
                closeIfIdle(room);
                throw new ProtocolException(ErrorCode.ROOM_FULL, "room " + name + " has " + maxPeers + " peers already");
            }
            admit(room, session, meta, room.nextOrder(), List.of(), null);
        } finally {
            room.lock().unlock();
        }
    }

    /** True while a join into {@code name} is being checked elsewhere ({@link #hold}). */
    public boolean joining(String name) {
        Room room = rooms.get(name);
        if (room == null) {
            return false;
        }
        room.lock().lock();
        try {
            return room.pending() > 0;
        } finally {
            room.lock().unlock();
        }
    }

    /** Cluster mode: keeps the room open (and its events flowing in) while a join is checked elsewhere. */
    public void hold(String name) {
        Room room = lockOpen(name);
        try {
            room.pending(1);
        } finally {
            room.lock().unlock();
        }
    }

    /** Ends a {@link #hold} whose join did not happen. */
    public void release(String name) {
        Room room = rooms.get(name);
        if (room == null) {
            return;
        }
        room.lock().lock();
        try {
            room.pending(-1);
            closeIfIdle(room);
        } finally {
            room.lock().unlock();
        }
    }

    /**
     * Cluster mode: completes a {@link #hold}ed join that the shared directory accepted with join
     * {@code order}; {@code others} are the room's members on other nodes at that moment.
     */
    public void joinHeld(String name, Session session, JsonNode meta, long order, Collection<RemotePeer> others) {
        joinHeld(name, session, meta, order, others, null);
    }

    /** {@link #joinHeld}, the members' {@code peer-joined} carrying cluster message id {@code id}. */
    public void joinHeld(String name, Session session, JsonNode meta, long order, Collection<RemotePeer> others,
                         String id) {
        Room room = lockOpen(name);
        try {
            room.pending(-1);
            if (session.state() == Session.State.ENDED || room.members().containsKey(session.peerId())) {
                closeIfIdle(room);
                return;
            }
            admit(room, session, meta, order, others, id);
        } finally {
            room.lock().unlock();
        }
    }

    private void admit(Room room, Session session, JsonNode meta, long order, Collection<RemotePeer> others,
                       String id) {
        String name = room.name();
        for (RemotePeer p : others) {
            if (!room.members().containsKey(p.peerId())) {
                room.remote().putIfAbsent(p.peerId(), p);
            }
        }
        record Entry(String peerId, String userId, JsonNode meta, long order) { }
        List<Entry> all = new ArrayList<>();
        for (Member m : room.members().values()) {
            String other = m.peerId();
            all.add(new Entry(other, m.session().userId(), m.meta(), m.order()));
            String encoded = codec.encode(new ServerMessage.PeerJoined(name, session.peerId(), session.userId(),
                    meta, Polite.toward(other, session.peerId())));
            m.session().deliver(id, seq -> Frame.text(MessageCodec.stamp(encoded, seq), "peer-joined"));
        }
        for (RemotePeer p : room.remote().values()) {
            all.add(new Entry(p.peerId(), p.userId(), p.meta(), p.order()));
        }
        all.sort(Comparator.comparingLong(Entry::order));
        List<ServerMessage.RosterEntry> roster = new ArrayList<>(all.size());
        for (Entry e : all) {
            roster.add(new ServerMessage.RosterEntry(e.peerId(), e.userId(), e.meta(),
                    Polite.toward(session.peerId(), e.peerId())));
        }
        room.members().put(session.peerId(), new Member(session, meta, order));
        session.rooms().add(name);
        String joined = codec.encode(new ServerMessage.Joined(name, roster));
        session.deliver(seq -> Frame.text(MessageCodec.stamp(joined, seq), "joined"));
    }

    /** Removes a session from a room; the others get {@code peer-left{reason}}. False if it was not there. */
    public boolean leave(String name, Session session, String reason, boolean tellSelf) {
        return leave(name, session, reason, tellSelf, null);
    }

    /** {@link #leave}, the members' {@code peer-left} carrying cluster message id {@code id}. */
    public boolean leave(String name, Session session, String reason, boolean tellSelf, String id) {
        Room room = rooms.get(name);
        session.rooms().remove(name);
        if (room == null) {
            return false;
        }
        room.lock().lock();
        try {
            if (room.members().remove(session.peerId()) == null) {
                return false;
            }
            String encoded = codec.encode(new ServerMessage.PeerLeft(name, session.peerId(), reason));
            for (Member m : room.members().values()) {
                m.session().deliver(id, seq -> Frame.text(MessageCodec.stamp(encoded, seq), "peer-left"));
            }
            if (tellSelf) {
                String left = codec.encode(new ServerMessage.Left(name, reason));
                session.deliver(seq -> Frame.text(MessageCodec.stamp(left, seq), "left"));
            }
            closeIfIdle(room);
            return true;
        } finally {
            room.lock().unlock();
        }
    }

    /**
     * Takes a session out of a room without telling anyone (it moves to another node, which takes
     * its place). Returns its membership, or null.
     */
    public Member drop(String name, Session session) {
        return drop(name, session, null);
    }

    /**
     * {@link #drop}; with {@code toNode} the session stays known here as a member on that node, so
     * what this node's members send it from now on goes through the bus.
     */
    public Member drop(String name, Session session, String toNode) {
        Room room = rooms.get(name);
        if (room == null) {
            return null;
        }
        room.lock().lock();
        try {
            Member m = room.members().remove(session.peerId());
            if (m != null && toNode != null && !room.members().isEmpty()) {
                room.remote().put(session.peerId(), new RemotePeer(session.peerId(), session.userId(), m.meta(),
                        toNode, m.order()));
            }
            closeIfIdle(room);
            return m;
        } finally {
            room.lock().unlock();
        }
    }

    /** Puts a session that moved here from another node into a room without any event. */
    public void adopt(String name, Session session, JsonNode meta, long order) {
        Room room = lockOpen(name);
        try {
            room.remote().remove(session.peerId());
            room.members().put(session.peerId(), new Member(session, meta, order));
            session.rooms().add(name);
        } finally {
            room.lock().unlock();
        }
    }

    /**
     * A session that moved here landed: {@code known} are the room's other members as the old node
     * knew them (so the client knows them). Those this node has not heard of become remote members
     * silently; those that left while the session was arriving, unseen here, get their
     * {@code peer-left} now.
     */
    public void landed(String name, Session session, Collection<RemotePeer> known) {
        Room room = rooms.get(name);
        if (room == null) {
            return;
        }
        room.lock().lock();
        try {
            if (!room.members().containsKey(session.peerId())) {
                return;
            }
            for (RemotePeer p : known) {
                if (p.peerId().equals(session.peerId()) || room.members().containsKey(p.peerId())
                        || room.remote().containsKey(p.peerId())) {
                    continue;
                }
                String[] gone = room.hasDeparted() ? room.departed().get(p.peerId()) : null;
                if (gone != null) {
                    String encoded = codec.encode(new ServerMessage.PeerLeft(name, p.peerId(), gone[0]));
                    session.deliver(gone[1], seq -> Frame.text(MessageCodec.stamp(encoded, seq), "peer-left"));
                } else {
                    room.remote().put(p.peerId(), p);
                }
            }
            if (room.hasDeparted() && room.members().values().stream()
                    .noneMatch(m -> m.session().state() == Session.State.ARRIVING)) {
                room.departed().clear();
            }
        } finally {
            room.lock().unlock();
        }
    }

    /** A local session's membership of a room, or null. */
    public Member member(String name, Session session) {
        Room room = rooms.get(name);
        if (room == null) {
            return null;
        }
        room.lock().lock();
        try {
            Member m = room.members().get(session.peerId());
            return m != null && m.session() == session ? m : null;
        } finally {
            room.lock().unlock();
        }
    }

    /** The other members of a room as this node knows them (local ones as members of {@code node}). */
    public List<RemotePeer> view(String name, Session except, String node) {
        Room room = rooms.get(name);
        if (room == null) {
            return List.of();
        }
        room.lock().lock();
        try {
            List<RemotePeer> out = new ArrayList<>();
            for (Member m : room.members().values()) {
                if (m.session() != except) {
                    out.add(new RemotePeer(m.peerId(), m.session().userId(), m.meta(), node, m.order()));
                }
            }
            out.addAll(room.remote().values());
            return out;
        } finally {
            room.lock().unlock();
        }
    }

    /**
     * Sends a relay to every other local member (or to {@code to} only), in room order.
     *
     * @param encode builds the recipient's frame for its seq
     * @return the number of local recipients, or -1 when {@code to} is a member on another node
     */
    public int relay(String name, Session from, String to, LongFunction<Frame> encode)
            throws ProtocolException {
        return relay(name, from, to, null, encode);
    }

    /**
     * {@link #relay} of a message with cluster id {@code id}; also -1 when {@code to} just moved to
     * another node (its session here has ended), so that the caller publishes it.
     */
    public int relay(String name, Session from, String to, String id, LongFunction<Frame> encode)
            throws ProtocolException {
        Room room = rooms.get(name);
        if (room == null) {
            throw new ProtocolException(ErrorCode.NOT_IN_ROOM, "not in room " + name);
        }
        room.lock().lock();
        try {
            Map<String, Member> members = room.members();
            if (!members.containsKey(from.peerId())) {
                throw new ProtocolException(ErrorCode.NOT_IN_ROOM, "not in room " + name);
            }
            if (to != null) {
                Member target = members.get(to);
                if (target == null) {
                    if (room.remote().containsKey(to)) {
                        return -1;
                    }
                    throw new ProtocolException(ErrorCode.PEER_GONE, "peer " + to + " is not in room " + name);
                }
                return target.session().deliver(id, encode) ? 1 : -1;
            }
            int n = 0;
            for (Member m : members.values()) {
                if (m.session() != from) {
                    m.session().deliver(id, encode);
                    n++;
                }
            }
            return n;
        } finally {
            room.lock().unlock();
        }
    }

    /** Sends a sequenced message to every member of a room (admin broadcast). */
    public int broadcast(String name, ServerMessage message) {
        Room room = rooms.get(name);
        if (room == null) {
            return 0;
        }
        String encoded = codec.encode(message);
        String id = listener.nextId();
        room.lock().lock();
        try {
            for (Member m : room.members().values()) {
                m.session().deliver(id, seq -> Frame.text(MessageCodec.stamp(encoded, seq), message.type()));
            }
            if (message instanceof ServerMessage.Broadcast b && !room.remote().isEmpty()) {
                listener.broadcast(name, b.d(), id);
            }
            return room.members().size() + room.remote().size();
        } finally {
            room.lock().unlock();
        }
    }

    // ---- cluster mode: what other nodes report ----

    /** A peer on another node joined: local members get {@code peer-joined} unless it was known. */
    public void remoteJoined(String name, RemotePeer p) {
        remoteJoined(name, p, null);
    }

    /** {@link #remoteJoined} of an event with cluster message id {@code id}. */
    public void remoteJoined(String name, RemotePeer p, String id) {
        Room room = rooms.get(name);
        if (room == null) {
            return;
        }
        room.lock().lock();
        try {
            if (room.closed() || room.members().containsKey(p.peerId())
                    || room.remote().putIfAbsent(p.peerId(), p) != null) {
                return;
            }
            for (Member m : room.members().values()) {
                String encoded = codec.encode(new ServerMessage.PeerJoined(name, p.peerId(), p.userId(), p.meta(),
                        Polite.toward(m.peerId(), p.peerId())));
                m.session().deliver(id, seq -> Frame.text(MessageCodec.stamp(encoded, seq), "peer-joined"));
            }
        } finally {
            room.lock().unlock();
        }
    }

    /** A peer on another node left: local members get {@code peer-left{reason}} if it was known. */
    public void remoteLeft(String name, String peerId, String reason) {
        remoteLeft(name, peerId, reason, null);
    }

    /** {@link #remoteLeft} of an event with cluster message id {@code id}. */
    public void remoteLeft(String name, String peerId, String reason, String id) {
        Room room = rooms.get(name);
        if (room == null) {
            return;
        }
        room.lock().lock();
        try {
            if (room.remote().remove(peerId) == null) {
                if (!room.members().containsKey(peerId) && room.members().values().stream()
                        .anyMatch(m -> m.session().state() == Session.State.ARRIVING)) {
                    // unknown here, maybe known to the arriving member: told when it lands
                    room.departed().put(peerId, new String[] {reason, id});
                }
                return;
            }
            String encoded = codec.encode(new ServerMessage.PeerLeft(name, peerId, reason));
            for (Member m : room.members().values()) {
                m.session().deliver(id, seq -> Frame.text(MessageCodec.stamp(encoded, seq), "peer-left"));
            }
        } finally {
            room.lock().unlock();
        }
    }

    /** An operator broadcast made on another node: every local member gets it. */
    public void remoteBroadcast(String name, JsonNode d) {
        remoteBroadcast(name, d, null);
    }

    /** {@link #remoteBroadcast} of an event with cluster message id {@code id}. */
    public void remoteBroadcast(String name, JsonNode d, String id) {
        Room room = rooms.get(name);
        if (room == null) {
            return;
        }
        String encoded = codec.encode(new ServerMessage.Broadcast(name, d));
        room.lock().lock();
        try {
            for (Member m : room.members().values()) {
                m.session().deliver(id, seq -> Frame.text(MessageCodec.stamp(encoded, seq), "broadcast"));
            }
        } finally {
            room.lock().unlock();
        }
    }

    /** A relay from a peer on another node: to {@code to} if it is local, else to every local member. */
    public void remoteRelay(String name, String from, String to, LongFunction<Frame> encode) {
        remoteRelay(name, from, to, null, encode);
    }

    /** {@link #remoteRelay} of a relay with cluster message id {@code id}. */
    public void remoteRelay(String name, String from, String to, String id, LongFunction<Frame> encode) {
        Room room = rooms.get(name);
        if (room == null) {
            return;
        }
        room.lock().lock();
        try {
            if (to != null) {
                Member target = room.members().get(to);
                if (target != null) {
                    target.session().deliver(id, encode);
                }
                return;
            }
            for (Member m : room.members().values()) {
                if (!m.peerId().equals(from)) {
                    m.session().deliver(id, encode);
                }
            }
        } finally {
            room.lock().unlock();
        }
    }

    /**
     * Replaces what this node knows of a room's members elsewhere with {@code truth} (a fresh read of
     * the shared directory): new ones are announced, missing ones leave with {@code reason}.
     */
    public void reconcile(String name, Collection<RemotePeer> truth, String reason) {
        reconcile(name, truth, Set.of(), reason);
    }

    /**
     * {@link #reconcile}; {@code listedHere} are peers the directory still lists on this node: one
     * that just moved to another node is kept until that node's listing lands.
     */
    public void reconcile(String name, Collection<RemotePeer> truth, Set<String> listedHere, String reason) {
        Room room = rooms.get(name);
        if (room == null) {
            return;
        }
        Set<String> keep = new HashSet<>(listedHere);
        for (RemotePeer p : truth) {
            keep.add(p.peerId());
        }
        List<String> gone = new ArrayList<>();
        room.lock().lock();
        try {
            for (String id : room.remote().keySet()) {
                if (!keep.contains(id)) {
                    gone.add(id);
                }
            }
        } finally {
            room.lock().unlock();
        }
        for (String id : gone) {
            remoteLeft(name, id, reason);
        }
        for (RemotePeer p : truth) {
            remoteJoined(name, p);
        }
    }

    /** True when {@code peerId} is known as a member, here or on another node, of a room {@code s} is in. */
    public boolean sharesRoomWith(Session s, String peerId) {
        for (String r : s.rooms()) {
            Room room = rooms.get(r);
            if (room == null) {
                continue;
            }
            room.lock().lock();
            try {
                if (room.members().containsKey(peerId) || room.remote().containsKey(peerId)) {
                    return true;
                }
            } finally {
                room.lock().unlock();
            }
        }
        return false;
    }

    /** True when both sessions are members of at least one common room. */
    public static boolean shareRoom(Session a, Session b) {
        for (String r : a.rooms()) {
            if (b.rooms().contains(r)) {
                return true;
            }
        }
        return false;
    }
}
