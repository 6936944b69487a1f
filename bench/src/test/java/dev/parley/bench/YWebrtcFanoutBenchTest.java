package dev.parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class YWebrtcFanoutBenchTest {

    private static long parse(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return YWebrtcFanoutBench.sendTime(b, b.length);
    }

    @Test
    void findsTheSendTimeWhereverTheServerPutsTheFields() {
        assertEquals(1234567890123456789L,
                parse("{\"type\":\"publish\",\"topic\":\"bench-1\",\"data\":\"#T1234567890123456789\",\"clients\":50}"));
        assertEquals(42L, parse("{\"clients\":50,\"data\":\"#T0000000000000000042\"}"));
    }

    @Test
    void ignoresMessagesWithoutOne() {
        assertEquals(-1, parse("{\"type\":\"pong\"}"));
        assertEquals(-1, parse("{\"data\":\"#T12\"}"));
        assertEquals(-1, parse("{\"data\":\"#T123456789012345678x\"}"));
    }

    @Test
    void indexOfFindsOnlyWithinTheLength() {
        byte[] b = "xxpongxx".getBytes(StandardCharsets.US_ASCII);
        assertEquals(2, YWebrtcFanoutBench.indexOf(b, b.length, "pong"));
        assertEquals(-1, YWebrtcFanoutBench.indexOf(b, 5, "pong"));
    }
}
