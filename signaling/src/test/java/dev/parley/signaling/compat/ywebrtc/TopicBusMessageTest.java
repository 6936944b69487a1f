package dev.parley.signaling.compat.ywebrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TopicBusMessageTest {

    private static TopicBusMessage decode(String s) {
        return TopicBusMessage.decode(s.getBytes(StandardCharsets.UTF_8), 1024);
    }

    @Test
    void roundTrips() {
        TopicBusMessage p = new TopicBusMessage.Publish("node-a", "{\"type\":\"publish\",\"data\":\"\u001f é\"}");
        assertEquals(p, TopicBusMessage.decode(TopicBusMessage.encode(p), 1024));
        TopicBusMessage c = new TopicBusMessage.Count("node-b", 17, true);
        assertEquals(c, TopicBusMessage.decode(TopicBusMessage.encode(c), 1024));
        assertEquals(new TopicBusMessage.Count("n", 0, false), decode("C\u001fn\u001f0\u001f0"));
    }

    @Test
    void tooLargeIsRefusedBeforeDecoding() {
        byte[] big = TopicBusMessage.encode(new TopicBusMessage.Publish("n", "x".repeat(2000)));
        assertNull(TopicBusMessage.decode(big, 1024));
    }

    @Test
    void unknownKind() {
        assertNull(decode("Z\u001fn\u001f{}"));
    }

    @Test
    void missingOrEmptyOrigin() {
        assertNull(decode("P"));
        assertNull(decode("P\u001f"));
        assertNull(decode("P\u001f\u001f{}"));
        assertNull(decode("P{}"));
    }

    @Test
    void badCount() {
        assertNull(decode("C\u001fn\u001f-1\u001f0"));
        assertNull(decode("C\u001fn\u001fmany\u001f0"));
        assertNull(decode("C\u001fn\u001f5"));
        assertNull(decode("C\u001fn\u001f5\u001f01"));
    }
}
