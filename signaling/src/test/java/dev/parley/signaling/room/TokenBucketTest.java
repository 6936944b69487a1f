package dev.parley.signaling.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

    @Test
    void burstThenRefillAtRate() {
        long t = 1_000_000_000L;
        TokenBucket b = new TokenBucket(10, 3, t);
        assertEquals(0, b.tryTake(t));
        assertEquals(0, b.tryTake(t));
        assertEquals(0, b.tryTake(t));
        long wait = b.tryTake(t);
        assertTrue(wait > 0 && wait <= 100, "wait " + wait);
        assertEquals(0, b.tryTake(t + 100_000_000L)); // 100 ms at 10/s = one token
        assertTrue(b.tryTake(t + 100_000_000L) > 0);
        assertEquals(0, b.tryTake(t + 10_000_000_000L));
    }
}
