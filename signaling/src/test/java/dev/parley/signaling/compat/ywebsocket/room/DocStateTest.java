package dev.parley.signaling.compat.ywebsocket.room;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.signaling.compat.ywebsocket.wire.ClockRange;
import dev.parley.signaling.compat.ywebsocket.wire.UpdateSummary;
import java.util.List;
import org.junit.jupiter.api.Test;

class DocStateTest {

    private static UpdateSummary structs(ClockRange... r) {
        return new UpdateSummary(List.of(r), List.of());
    }

    @Test
    void storesNewAndSkipsRedundantUpdates() {
        DocState d = new DocState(10_000);
        assertEquals(DocState.Offer.STORED, d.offer(new byte[10], structs(new ClockRange(7, 0, 5))));
        assertEquals(DocState.Offer.REDUNDANT, d.offer(new byte[10], structs(new ClockRange(7, 1, 3))));
        assertEquals(DocState.Offer.STORED, d.offer(new byte[10], structs(new ClockRange(7, 3, 4))));
        assertEquals(DocState.Offer.STORED, d.offer(new byte[10],
                new UpdateSummary(List.of(), List.of(new ClockRange(7, 0, 2)))));
        assertEquals(DocState.Offer.REDUNDANT, d.offer(new byte[10],
                new UpdateSummary(List.of(new ClockRange(7, 0, 7)), List.of(new ClockRange(7, 1, 1)))));
        assertEquals(3, d.updateCount());
        assertEquals(30, d.bytes());
    }

    @Test
    void stateVectorStopsAtTheFirstGap() {
        DocState d = new DocState(10_000);
        d.offer(new byte[1], structs(new ClockRange(1, 0, 3)));
        d.offer(new byte[1], structs(new ClockRange(1, 5, 3)));
        d.offer(new byte[1], structs(new ClockRange(300, 4, 3)));
        // one client (1 -> 3); client 300 has nothing from clock 0
        assertArrayEquals(new byte[] {1, 1, 3}, d.stateVector());
        d.offer(new byte[1], structs(new ClockRange(1, 3, 2)));
        assertArrayEquals(new byte[] {1, 1, 8}, d.stateVector());
    }

    @Test
    void refusesPastTheSizeLimit() {
        DocState d = new DocState(20);
        assertEquals(DocState.Offer.STORED, d.offer(new byte[15], structs(new ClockRange(1, 0, 1))));
        assertEquals(DocState.Offer.TOO_LARGE, d.offer(new byte[6], structs(new ClockRange(1, 1, 1))));
        assertEquals(DocState.Offer.STORED, d.offer(new byte[5], structs(new ClockRange(1, 1, 1))));
    }
}
