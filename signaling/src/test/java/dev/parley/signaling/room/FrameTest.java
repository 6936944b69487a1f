package dev.parley.signaling.room;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameTest {

    @Test
    void aTextFrameIsEncodedOnceAndTheBytesAreShared() {
        Frame f = Frame.text("{\"x\":\"grüße ☃\"}", "publish");
        byte[] first = f.payload();
        assertArrayEquals("{\"x\":\"grüße ☃\"}".getBytes(StandardCharsets.UTF_8), first);
        assertSame(first, f.payload(), "a second receiver must get the same bytes, not a new encoding");
    }

    @Test
    void aBinaryFrameSendsItsOwnBytes() {
        byte[] b = {1, 2, 3};
        Frame f = Frame.binary(b, "y");
        assertSame(b, f.payload());
        assertEquals(3, f.size());
    }

    @Test
    void framesCompareByContent() {
        assertEquals(Frame.text("a", "t"), Frame.text("a", "t"));
        assertEquals(Frame.binary(new byte[] {1}, "t"), Frame.binary(new byte[] {1}, "t"));
        assertNotEquals(Frame.text("a", "t"), Frame.text("a", "u"));
        assertEquals(Frame.text("a", "t").hashCode(), Frame.text("a", "t").hashCode());
    }
}
