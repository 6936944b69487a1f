package dev.parley.signaling.compat.ywebsocket.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.signaling.compat.ywebsocket.wire.AwarenessEntry;
import dev.parley.signaling.compat.ywebsocket.wire.YMessage;
import dev.parley.signaling.compat.ywebsocket.wire.YMessageCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class OutboxTest {

    /** Completes sends only when told to, like a congested socket. */
    static final class ManualTransport implements Transport {
        final List<byte[]> sent = new ArrayList<>();
        final List<Consumer<Throwable>> pending = new ArrayList<>();
        CloseCode closed;

        @Override
        public void send(byte[] frame, Consumer<Throwable> done) {
            sent.add(frame);
            pending.add(done);
        }

        @Override
        public void close(CloseCode code, String reason) {
            closed = code;
        }

        void completeOne() {
            pending.remove(0).accept(null);
        }
    }

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final RelayMetrics metrics = new RelayMetrics(meters);

    @Test
    void documentsKeepOrderAndAwarenessIsCoalescedWhileBackedUp() throws Exception {
        ManualTransport t = new ManualTransport();
        Outbox o = new Outbox(t, 100_000, metrics);
        for (int i = 0; i < Outbox.MAX_IN_FLIGHT + 2; i++) {
            o.sendFrame(new byte[] {(byte) i});
        }
        for (int clock = 0; clock < 50; clock++) {
            o.sendAwareness(List.of(new AwarenessEntry(9, clock, "{\"c\":" + clock + "}")));
        }
        o.sendAwareness(List.of(new AwarenessEntry(9, 3, "{}"))); // older: ignored
        assertEquals(Outbox.MAX_IN_FLIGHT, t.sent.size());
        t.completeOne();
        t.completeOne();
        t.completeOne();
        assertEquals(Outbox.MAX_IN_FLIGHT + 3, t.sent.size());
        for (int i = 0; i < Outbox.MAX_IN_FLIGHT + 2; i++) {
            assertEquals((byte) i, t.sent.get(i)[0], "document frames in order");
        }
        YMessage.Awareness a = (YMessage.Awareness) YMessageCodec.decode(t.sent.get(Outbox.MAX_IN_FLIGHT + 2));
        assertEquals(List.of(new AwarenessEntry(9, 49, "{\"c\":49}")), a.entries());
        assertEquals(49, meters.get("parley.signaling.ywebsocket.awareness.coalesced").counter().count());
    }

    @Test
    void slowConsumerIsClosedNotDropped() {
        ManualTransport t = new ManualTransport();
        Outbox o = new Outbox(t, 100, metrics);
        o.sendFrame(new byte[60]); // in flight, still counted
        o.sendFrame(new byte[30]);
        assertEquals(null, t.closed);
        o.sendFrame(new byte[30]);
        assertEquals(CloseCode.SLOW_CONSUMER, t.closed);
        t.completeOne();
        assertEquals(2, t.sent.size());
    }

    @Test
    void synchronousCompletionDoesNotRecurse() {
        List<byte[]> sent = new ArrayList<>();
        Outbox o = new Outbox(new Transport() {
            @Override
            public void send(byte[] frame, Consumer<Throwable> done) {
                sent.add(frame);
                done.accept(null);
            }

            @Override
            public void close(CloseCode code, String reason) {
            }
        }, 1 << 20, metrics);
        for (int i = 0; i < 100_000; i++) {
            o.sendFrame(new byte[] {(byte) i});
        }
        assertEquals(100_000, sent.size());
        assertTrue(sent.get(99_999)[0] == (byte) 99_999);
    }
}
