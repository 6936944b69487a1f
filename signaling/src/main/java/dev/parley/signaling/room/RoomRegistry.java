package dev.parley.signaling.room;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.signaling.protocol.ErrorCode;
import dev.parley.signaling.protocol.MessageCodec;
import dev.parley.signaling.protocol.ProtocolException;
import dev.parley.signaling.protocol.ServerMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's rooms. Joins, leaves and relays take the room's lock, so membership changes and room
 * messages reach every member in the same order. Empty rooms are removed.
 */
public final class RoomRegistry {

    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final MessageCodec codec;

    public RoomRegistry(MessageCodec codec) {
        this.codec = codec;
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

    /**
     * Adds a session to a room: the joiner gets {@code joined} with the roster, every other member
     * {@code peer-joined}, each with its own {@code polite} flag.
     */
    public void join(String name, Session session, JsonNode meta, int maxPeers) throws ProtocolException {
        while (true) {
            Room room = rooms.computeIfAbsent(name, Room::new);
            room.lock().lock();
            try {
                if (room.closed()) {
                    continue;
                }
                Map<String, Member> members = room.members();
                if (members.containsKey(session.peerId())) {
                    throw new ProtocolException(ErrorCode.ALREADY_IN_ROOM, "already in room " + name);
                }
                if (members.size() >= maxPeers) {
                    throw new ProtocolException(ErrorCode.ROOM_FULL, "room " + name + " has " + maxPeers + " peers already");
                }
                List<ServerMessage.RosterEntry> roster = new ArrayList<>(members.size());
                for (Member m : members.values()) {
                    String other = m.peerId();
                    roster.add(new ServerMessage.RosterEntry(other, m.session().userId(), m.meta(),
                            Polite.toward(session.peerId(), other)));
                    String encoded = codec.encode(new ServerMessage.PeerJoined(name, session.peerId(), session.userId(),
                            meta, Polite.toward(other, session.peerId())));
                    m.session().deliver(seq -> Frame.text(MessageCodec.stamp(encoded, seq), "peer-joined"));
                }
                members.put(session.peerId(), new Member(session, meta));
                session.rooms().add(name);
                String joined = codec.encode(new ServerMessage.Joined(name, roster));
                session.deliver(seq -> Frame.text(MessageCodec.stamp(joined, seq), "joined"));
                return;
            } finally {
                room.lock().unlock();
            }
        }
    }

    /** Removes a session from a room; the others get {@code peer-left{reason}}. False if it was not there. */
    public boolean leave(String name, Session session, String reason, boolean tellSelf) {
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
                m.session().deliver(seq -> Frame.text(MessageCodec.stamp(encoded, seq), "peer-left"));
            }
            if (tellSelf) {
                String left = codec.encode(new ServerMessage.Left(name, reason));
                session.deliver(seq -> Frame.text(MessageCodec.stamp(left, seq), "left"));
            }
            if (room.members().isEmpty()) {
                room.markClosed();
                rooms.remove(name, room);
            }
            return true;
        } finally {
            room.lock().unlock();
        }
    }

    /**
     * Sends a relay to every other member (or to {@code to} only), in room order.
     *
     * @param encode builds the recipient's frame for its seq
     * @return the number of recipients
     */
    public int relay(String name, Session from, String to, java.util.function.LongFunction<Frame> encode)
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
                    throw new ProtocolException(ErrorCode.PEER_GONE, "peer " + to + " is not in room " + name);
                }
                target.session().deliver(encode);
                return 1;
            }
            int n = 0;
            for (Member m : members.values()) {
                if (m.session() != from) {
                    m.session().deliver(encode);
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
        room.lock().lock();
        try {
            for (Member m : room.members().values()) {
                m.session().deliver(seq -> Frame.text(MessageCodec.stamp(encoded, seq), message.type()));
            }
            return room.members().size();
        } finally {
            room.lock().unlock();
        }
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
