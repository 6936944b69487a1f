package dev.parley.signaling.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResumeBufferTest {

    private static Frame f(String s) {
        return Frame.text(s, "t");
    }

    @Test
    void replaysFramesAfterLastSeqInOrder() {
        ResumeBuffer b = new ResumeBuffer(10, 1 << 20);
        for (int i = 1; i <= 5; i++) {
            b.add(i, f("m" + i));
        }
        assertEquals(List.of("m3", "m4", "m5"), b.after(2).stream().map(Frame::text).toList());
        assertEquals(List.of(), b.after(5));
    }

    @Test
    void evictionByCountMakesOlderResumesImpossible() {
        ResumeBuffer b = new ResumeBuffer(3, 1 << 20);
        for (int i = 1; i <= 5; i++) {
            b.add(i, f("m" + i));
        }
        assertNull(b.after(1)); // m2 was evicted
        assertEquals(3, b.after(2).size());
    }

    @Test
    void evictionByBytes() {
        ResumeBuffer b = new ResumeBuffer(100, 10);
        b.add(1, f("12345"));
        b.add(2, f("12345"));
        b.add(3, f("1"));
        assertNull(b.after(0));
        assertEquals(List.of("12345", "1"), b.after(1).stream().map(Frame::text).toList());
    }

    @Test
    void ackDropsDeliveredFramesWithoutBreakingResume() {
        ResumeBuffer b = new ResumeBuffer(10, 1 << 20);
        for (int i = 1; i <= 4; i++) {
            b.add(i, f("m" + i));
        }
        b.ack(3);
        assertEquals(1, b.size());
        assertEquals(List.of("m4"), b.after(3).stream().map(Frame::text).toList());
    }
}
