package dev.parley.signaling.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.auth.Principal;
import java.util.List;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/**
 * The merge a cross-node move relies on, without sockets: the old node's session and the arriving
 * one both receive what is published during the hand-over; the arriving one lands the old state and
 * keeps every message exactly once, in order, with seq continuing gap-free.
 */
class SessionHandoverTest {

    /** The holder, asked for the session: it tracks message ids from now on. */
    private static Session old(SessionTest.RecordingOutlet o) {
        Session s = new Session("s", "p", "tok", Principal.anonymous("u"), o, 64, 1 << 20);
        s.trackIds();
        return s;
    }

    private static Session arriving() {
        return Session.arriving("s", "p", "tok", Principal.anonymous("u"), "s@b", 64, 1 << 20);
    }

    private static LongFunction<Frame> msg(String body) {
        return seq -> Frame.text("{\"seq\":" + seq + ",\"m\":\"" + body + "\"}", "signal");
    }

    @Test
    void whatBothNodesGotDuringTheHandOverArrivesOnce() {
        SessionTest.RecordingOutlet first = new SessionTest.RecordingOutlet();
        Session a = old(first);
        a.deliver("x.1", msg("1"));                 // before the new node subscribed
        Session b = arriving();
        a.deliver("x.2", msg("2"));                 // the overlap: both nodes get 2 and 3
        b.deliver("x.2", msg("2"));
        b.deliver("x.3", msg("3"));
        a.deliver("x.3", msg("3"));
        Session.Moved m = a.moveOut();               // the old node stops
        assertNotNull(m);
        assertFalse(a.deliver("x.4", msg("4")), "an ended session takes nothing");
        b.deliver("x.4", msg("4"));                 // only the new node has 4

        assertEquals(1, b.land(m));
        assertEquals(Session.State.DETACHED, b.state());
        SessionTest.RecordingOutlet second = new SessionTest.RecordingOutlet();
        Session.Resumed r = b.resume(second, 1, seq -> Frame.text("{\"t\":\"welcome\"}", "welcome"));
        assertNotNull(r);
        assertEquals(List.of("{\"t\":\"welcome\"}", "{\"seq\":2,\"m\":\"2\"}", "{\"seq\":3,\"m\":\"3\"}",
                "{\"seq\":4,\"m\":\"4\"}"), second.sent);
    }

    @Test
    void anAcknowledgedMessageIsStillRecognized() {
        Session a = old(new SessionTest.RecordingOutlet());
        Session b = arriving();
        a.deliver("x.1", msg("1"));
        b.deliver("x.1", msg("1"));
        a.ack(1);                                    // gone from the resume buffer, not from the ids
        Session.Moved m = a.moveOut();
        assertTrue(m.frames().isEmpty());
        assertEquals(0, b.land(m));
        SessionTest.RecordingOutlet o = new SessionTest.RecordingOutlet();
        b.resume(o, 1, seq -> Frame.text("w", "welcome"));
        assertEquals(List.of("w"), o.sent);
    }

    @Test
    void aLateCopyAfterLandingIsDroppedAndNewMessagesContinueTheSeq() {
        Session a = old(new SessionTest.RecordingOutlet());
        Session b = arriving();
        a.deliver("y.7", msg("7"));
        assertEquals(0, b.land(a.moveOut()));
        SessionTest.RecordingOutlet o = new SessionTest.RecordingOutlet();
        b.resume(o, 1, seq -> Frame.text("w", "welcome"));
        assertTrue(b.deliver("y.7", msg("7")), "a duplicate is accepted and dropped");
        b.deliver("y.8", msg("8"));
        b.deliver(null, msg("local"));
        assertEquals(List.of("w", "{\"seq\":2,\"m\":\"8\"}", "{\"seq\":3,\"m\":\"local\"}"), o.sent);
    }

    @Test
    void messagesWithoutIdsAreNeverDropped() {
        Session b = arriving();
        b.deliver(null, msg("a"));
        b.deliver(null, msg("a"));
        Session a = old(new SessionTest.RecordingOutlet());
        assertEquals(2, b.land(a.moveOut()));
    }

    @Test
    void anArrivingSessionHasNothingToMoveOrResumeAndCanEnd() {
        Session b = arriving();
        assertNull(b.moveOut());
        assertNull(b.resume(new SessionTest.RecordingOutlet(), 0, seq -> Frame.text("w", "welcome")));
        assertTrue(b.end());
        Session a = old(new SessionTest.RecordingOutlet());
        assertEquals(-1, b.land(a.moveOut()));
    }

    @Test
    void aSessionNobodyAskedForKeepsNoIds() {
        Session s = new Session("s", "p", "tok", Principal.anonymous("u"), new SessionTest.RecordingOutlet(), 64, 1 << 20);
        s.deliver("x.1", msg("1"));
        s.deliver("x.1", msg("1"));
        Session.Moved m = s.moveOut();
        assertTrue(m.seen().isEmpty());
        assertEquals(2, m.frames().size(), "without a move in sight nothing is de-duplicated");
    }

    @Test
    void theStateCarriesTheSeenIdsOldestFirst() {
        Session a = old(new SessionTest.RecordingOutlet());
        for (int i = 0; i < Session.SEEN_IDS + 3; i++) {
            a.deliver("z." + i, msg(String.valueOf(i)));
        }
        Session.Moved m = a.moveOut();
        assertTrue(a.movedAway());
        assertEquals(Session.SEEN_IDS, m.seen().size());
        assertEquals("z.3", m.seen().get(0));
    }
}
