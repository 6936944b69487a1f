package dev.parley.signaling.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.auth.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SessionTest {

    static final class RecordingOutlet implements Outlet {
        final List<String> sent = new ArrayList<>();
        boolean closed;

        @Override
        public boolean send(Frame frame) {
            sent.add(frame.text());
            return !closed;
        }

        @Override
        public void close(int code, String reason) {
            closed = true;
        }

        @Override
        public void ping() {
        }

        @Override
        public void abort() {
            closed = true;
        }
    }

    static final class NoTimer extends CompletableFuture<Object> implements ScheduledFuture<Object> {
        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(Delayed o) {
            return 0;
        }
    }

    private static Session session(Outlet o, int maxFrames) {
        return new Session("s", "p", "tok", Principal.anonymous("u"), o, maxFrames, 1 << 20);
    }

    @Test
    void detachedSessionBuffersAndResumeReplaysInOrderAfterTheWelcome() {
        RecordingOutlet first = new RecordingOutlet();
        Session s = session(first, 100);
        s.deliver(seq -> Frame.text("a" + seq, "x"));
        assertTrue(s.detach(first, new NoTimer()));
        s.deliver(seq -> Frame.text("b" + seq, "x"));
        s.deliver(seq -> Frame.text("c" + seq, "x"));
        assertEquals(List.of("a1"), first.sent);

        RecordingOutlet second = new RecordingOutlet();
        Session.Resumed r = s.resume(second, 1, seq -> Frame.text("welcome@" + seq, "welcome"));
        assertNotNull(r);
        assertEquals(List.of("welcome@3", "b2", "c3"), second.sent);
        s.deliver(seq -> Frame.text("d" + seq, "x"));
        assertEquals("d4", second.sent.get(3));
    }

    @Test
    void resumeFailsWhenMissedFramesWereEvictedOrSeqIsFromTheFuture() {
        RecordingOutlet o = new RecordingOutlet();
        Session s = session(o, 2);
        for (int i = 0; i < 5; i++) {
            s.deliver(seq -> Frame.text("m" + seq, "x"));
        }
        s.detach(o, new NoTimer());
        assertNull(s.resume(new RecordingOutlet(), 1, seq -> Frame.text("w", "w")));
        assertNull(s.resume(new RecordingOutlet(), 9, seq -> Frame.text("w", "w")));
        assertNotNull(s.resume(new RecordingOutlet(), 3, seq -> Frame.text("w", "w")));
    }

    @Test
    void endedSessionTakesNothing() {
        RecordingOutlet o = new RecordingOutlet();
        Session s = session(o, 10);
        assertTrue(s.end());
        assertFalse(s.end());
        assertFalse(s.deliver(seq -> Frame.text("x", "x")));
        assertNull(s.resume(new RecordingOutlet(), 0, seq -> Frame.text("w", "w")));
    }
}
