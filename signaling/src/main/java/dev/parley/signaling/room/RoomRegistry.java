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
    private final RoomBridge bridge;

    /** @param bridge the cross-node half, or null on a single node (in-memory bus) */
    public RoomRegistry(MessageCodec codec, RoomBridge bridge) {
        this.codec = codec;
        this.bridge = bridge;
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
                if (members.size() + room.remote().size() >= maxPeers) {
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
                for (RemoteMember m : room.remote().values()) {
                    roster.add(new ServerMessage.RosterEntry(m.peerId(), m.userId(), m.meta(),
                            Polite.toward(session.peerId(), m.peerId())));
                }
                members.put(session.peerId(), new Member(session, meta));
                session.rooms().add(name);
                if (bridge != null) {
                    if (room.subscription() == null) {
                        room.subscription(bridge.open(name, this::onRemote));
                    }
                    bridge.join(name, session.peerId(), session.userId(), meta);
                }
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
            if (bridge != null) {
                bridge.leave(name, session.peerId(), reason);
            }
            if (room.members().isEmpty()) {
                room.markClosed();
                if (room.subscription() != null) {
                    room.subscription().close();
                    room.subscription(null);
                }
                room.remote().clear();
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
    public int relay(String name, Session from, String to, String ch, JsonNode d, byte[] binary,
                     java.util.function.LongFunction<Frame> encode) throws ProtocolException {
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
                if (target != null) {
                    target.session().deliver(encode);
                    return 1;
                }
                if (bridge != null && room.remote().containsKey(to)) {
                    bridge.relay(name, from.peerId(), to, ch, d, binary);
                    return 1;
                }
                throw new ProtocolException(ErrorCode.PEER_GONE, "peer " + to + " is not in room " + name);
            }
            int n = 0;
            for (Member m : members.values()) {
                if (m.session() != from) {
                    m.session().deliver(encode);
                    n++;
                }
            }
            if (bridge != null && !room.remote().isEmpty()) {
                bridge.relay(name, from.peerId(), null, ch, d, binary);
                n += room.remote().size();
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
            if (bridge != null && message instanceof ServerMessage.Broadcast b && !room.remote().isEmpty()) {
                bridge.broadcast(name, b.d());
            }
            return room.members().size() + room.remote().size();
        } finally {
            room.lock().unlock();
        }
    }

    /** True when {@code peerId} (on this node or another) is in one of the session's rooms. */
    public boolean sharesRoomWith(Session s, String peerId) {
        for (String name : s.rooms()) {
            Room room = rooms.get(name);
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

    /** A node went silent: its members leave every room here, as {@code peer-left{reason}}. */
    public void removeNode(String nodeId, String reason) {
        for (Room room : rooms.values()) {
            room.lock().lock();
            try {
                var it = room.remote().values().iterator();
                while (it.hasNext()) {
                    RemoteMember rm = it.next();
                    if (!rm.nodeId().equals(nodeId)) {
                        continue;
                    }
                    it.remove();
                    String encoded = codec.encode(new ServerMessage.PeerLeft(room.name(), rm.peerId(), reason));
                    for (Member local : room.members().values()) {
                        local.session().deliver(seq -> Frame.text(MessageCodec.stamp(encoded, seq), "peer-left"));
                    }
                }
            } finally {
                room.lock().unlock();
            }
        }
    }

    /** A room event from another node (runs on the bus's thread, never on a network I/O thread). */
    private void onRemote(String name, JsonNode m) {
        Room room = rooms.get(name);
        if (room == null) {
            return;
        }
        room.lock().lock();
        try {
            if (room.closed()) {
                return;
            }
            switch (m.path("op").asText()) {
                case "hello" -> {
                    for (Member local : room.members().values()) {
                        bridge.join(name, local.peerId(), local.session().userId(), local.meta());
                    }
                }
                case "join" -> remoteJoin(room, new RemoteMember(m.path("peerId").asText(), m.path("userId").asText(),
                        m.hasNonNull("meta") ? m.get("meta") : null, m.path("node").asText()));
                case "leave" -> {
                    String peerId = m.path("peerId").asText();
                    if (room.remote().remove(peerId) != null) {
                        String encoded = codec.encode(new ServerMessage.PeerLeft(name, peerId, m.path("reason").asText("left")));
                        for (Member local : room.members().values()) {
                            local.session().deliver(seq -> Frame.text(MessageCodec.stamp(encoded, seq), "peer-left"));
                        }
                    }
                }
                case "relay" -> remoteRelay(room, m);
                case "broadcast" -> {
                    String encoded = codec.encode(new ServerMessage.Broadcast(name, m.get("d")));
                    for (Member local : room.members().values()) {
                        local.session().deliver(seq -> Frame.text(MessageCodec.stamp(encoded, seq), "broadcast"));
                    }
                }
                default -> { }
            }
        } finally {
            room.lock().unlock();
        }
    }

    private void remoteJoin(Room room, RemoteMember rm) {
        if (rm.peerId().isEmpty() || room.members().containsKey(rm.peerId()) || room.remote().containsKey(rm.peerId())) {
            return;
        }
        room.remote().put(rm.peerId(), rm);
        for (Member local : room.members().values()) {
            String encoded = codec.encode(new ServerMessage.PeerJoined(room.name(), rm.peerId(), rm.userId(), rm.meta(),
                    Polite.toward(local.peerId(), rm.peerId())));
            local.session().deliver(seq -> Frame.text(MessageCodec.stamp(encoded, seq), "peer-joined"));
        }
    }

    private void remoteRelay(Room room, JsonNode m) {
        String from = m.path("from").asText();
        String to = m.hasNonNull("to") ? m.get("to").asText() : null;
        String ch = m.path("ch").asText();
        java.util.function.LongFunction<Frame> encode;
        if (m.hasNonNull("b")) {
            byte[] payload = java.util.Base64.getDecoder().decode(m.get("b").asText());
            encode = seq -> Frame.binary(codec.encodeBinaryRelay(room.name(), from, to, ch, seq, payload), "relay");
        } else {
            String encoded = codec.encode(new ServerMessage.RelayOut(room.name(), from, to, ch, m.get("d")));
            encode = seq -> Frame.text(MessageCodec.stamp(encoded, seq), "relay");
        }
        if (to != null) {
            Member target = room.members().get(to);
            if (target != null) {
                target.session().deliver(encode);
            }
            return;
        }
        for (Member local : room.members().values()) {
            local.session().deliver(encode);
        }
    }
}
