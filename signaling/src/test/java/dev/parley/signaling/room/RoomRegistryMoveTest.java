package dev.parley.signaling.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.signaling.protocol.MessageCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RoomRegistry's part in moving a session between nodes: who stays known where, and what waits. */
class RoomRegistryMoveTest {

    final RoomRegistry rooms = new RoomRegistry(new MessageCodec());

    static RemotePeer remote(String peer) {
        return RoomRegistryClusterTest.remote(peer, 1);
    }

    @Test
    void aMemberThatMovedAwayStaysReachableThroughTheBus() throws Exception {
        SessionTest.RecordingOutlet ox = new SessionTest.RecordingOutlet();
        Session x = RoomRegistryClusterTest.session("x", ox);
        Session p = RoomRegistryClusterTest.session("p", new SessionTest.RecordingOutlet());
        rooms.join("r", x, null, 10);
        rooms.join("r", p, null, 10);
        p.moveOut();
        // ended but still listed: a relay to it must be published, not lost
        assertEquals(-1, rooms.relay("r", x, "p", "id.1", seq -> Frame.text("{}", "relay")));
        rooms.drop("r", p, "node-b");
        assertTrue(rooms.sharesRoomWith(x, "p"), "p is now a member on node-b");
        assertEquals(-1, rooms.relay("r", x, "p", "id.2", seq -> Frame.text("{}", "relay")));
        assertEquals("node-b", rooms.room("r").orElseThrow().remoteSnapshot().get(0).node());
    }

    @Test
    void anArrivingMemberGetsRoomEventsInOrderOnceItLands() throws Exception {
        Session b = Session.arriving("s-p", "p", "tok", dev.parley.auth.Principal.anonymous("u-p"), "s-p@b", 100, 1 << 20);
        rooms.adopt("r", b, null, 5);
        rooms.remoteJoined("r", remote("q"), "n.1");          // seen by both nodes: the old one gave it already
        rooms.remoteRelay("r", "q", "p", "n.2", seq -> Frame.text("{\"seq\":" + seq + ",\"t\":\"relay\"}", "relay"));
        rooms.remoteLeft("r", "gone", "left", "n.3");        // unknown here, known to the client
        Session a = RoomRegistryClusterTest.session("p", new SessionTest.RecordingOutlet());
        a.trackIds();
        a.deliver("n.1", seq -> Frame.text("{\"seq\":" + seq + ",\"t\":\"peer-joined\"}", "peer-joined"));
        assertEquals(1, b.land(a.moveOut()));
        rooms.landed("r", b, List.of(remote("q"), remote("gone"), remote("old")));
        List<RemotePeer> known = rooms.room("r").orElseThrow().remoteSnapshot();
        assertEquals(List.of("q", "old"), known.stream().map(RemotePeer::peerId).toList());

        SessionTest.RecordingOutlet o = new SessionTest.RecordingOutlet();
        b.resume(o, 1, seq -> Frame.text("{\"t\":\"welcome\"}", "welcome"));
        List<JsonNode> got = o.sent.stream().map(RoomRegistryMoveTest::json).toList();
        assertEquals(List.of("welcome", "relay", "peer-left"), got.stream().map(m -> m.path("t").asText()).toList());
        assertEquals("gone", got.get(2).path("peerId").asText());
        assertEquals(3, got.get(2).path("seq").asLong());
    }

    private static JsonNode json(String s) {
        try {
            return RoomRegistryClusterTest.JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
