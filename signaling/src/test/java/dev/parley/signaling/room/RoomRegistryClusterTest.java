package dev.parley.signaling.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.auth.Principal;
import dev.parley.signaling.protocol.MessageCodec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cluster-facing half of RoomRegistry: remote members in rosters, remote events, reconciliation. */
class RoomRegistryClusterTest {

    static final ObjectMapper JSON = new ObjectMapper();
    final RoomRegistry rooms = new RoomRegistry(new MessageCodec());
    final List<String> opened = new ArrayList<>();
    final List<String> closed = new ArrayList<>();

    RoomRegistryClusterTest() {
        rooms.listener(new RoomListener() {
            @Override
            public void opened(String room) {
                opened.add(room);
            }

            @Override
            public void closed(String room) {
                closed.add(room);
            }
        });
    }

    static Session session(String peer, SessionTest.RecordingOutlet o) {
        return new Session("s-" + peer, peer, "tok", Principal.anonymous("u-" + peer), o, 100, 1 << 20);
    }

    static RemotePeer remote(String peer, long order) {
        return new RemotePeer(peer, "u-" + peer, JSON.createObjectNode().put("name", peer), "other", order);
    }

    static JsonNode last(SessionTest.RecordingOutlet o) throws Exception {
        return JSON.readTree(o.sent.get(o.sent.size() - 1));
    }

    @Test
    void heldJoinListsRemoteMembersInJoinOrderWithPoliteRoles() throws Exception {
        SessionTest.RecordingOutlet o = new SessionTest.RecordingOutlet();
        Session m = session("m", o);
        rooms.hold("r");
        assertEquals(List.of("r"), opened);
        rooms.joinHeld("r", m, null, 3, List.of(remote("z", 2), remote("a", 1)));
        JsonNode joined = last(o);
        assertEquals("joined", joined.path("t").asText());
        assertEquals("a", joined.path("peers").get(0).path("peerId").asText());
        assertEquals("z", joined.path("peers").get(1).path("peerId").asText());
        assertFalse(joined.path("peers").get(0).path("polite").asBoolean(), "m sorts after a: a is polite, m is not");
        assertTrue(joined.path("peers").get(1).path("polite").asBoolean());
        assertTrue(rooms.sharesRoomWith(m, "z"));
    }

    @Test
    void remoteJoinsAndLeavesAreAnnouncedOnceAndReconciled() throws Exception {
        SessionTest.RecordingOutlet o = new SessionTest.RecordingOutlet();
        Session m = session("m", o);
        rooms.join("r", m, null, 10);
        rooms.remoteJoined("r", remote("x", 5));
        JsonNode pj = last(o);
        assertEquals("peer-joined", pj.path("t").asText());
        assertEquals("x", pj.path("peerId").asText());
        int before = o.sent.size();
        rooms.remoteJoined("r", remote("x", 5));
        assertEquals(before, o.sent.size(), "a known member is not announced twice");

        rooms.reconcile("r", List.of(remote("y", 6)), "node-lost");
        List<String> types = new ArrayList<>();
        for (String s : o.sent.subList(before, o.sent.size())) {
            JsonNode n = JSON.readTree(s);
            types.add(n.path("t").asText() + ":" + n.path("peerId").asText() + ":" + n.path("reason").asText(""));
        }
        assertEquals(List.of("peer-left:x:node-lost", "peer-joined:y:"), types);
        rooms.remoteLeft("r", "y", "left");
        assertEquals("peer-left", last(o).path("t").asText());
        rooms.remoteLeft("r", "y", "left");
        assertEquals("peer-left", last(o).path("t").asText());
    }

    @Test
    void relayToARemoteMemberIsLeftToTheClusterAndRoomsCloseWhenIdle() throws Exception {
        SessionTest.RecordingOutlet o = new SessionTest.RecordingOutlet();
        Session m = session("m", o);
        rooms.join("r", m, null, 10);
        rooms.remoteJoined("r", remote("x", 5));
        assertEquals(-1, rooms.relay("r", m, "x", seq -> Frame.text("{}", "relay")));
        SessionTest.RecordingOutlet o2 = new SessionTest.RecordingOutlet();
        Session n = session("n", o2);
        rooms.join("r", n, null, 10);
        rooms.remoteRelay("r", "x", null, seq -> Frame.text("{\"seq\":" + seq + ",\"t\":\"relay\"}", "relay"));
        assertEquals("relay", last(o).path("t").asText());
        assertEquals("relay", last(o2).path("t").asText());

        Member dropped = rooms.drop("r", m);
        assertEquals("m", dropped.peerId());
        assertTrue(rooms.leave("r", n, "left", false));
        assertEquals(List.of("r"), closed);
        assertNotEquals(0, opened.size());
    }
}
