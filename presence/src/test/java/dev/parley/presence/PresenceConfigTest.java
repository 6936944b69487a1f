package dev.parley.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PresenceConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        PresenceConfig c = PresenceConfig.defaults("n1");
        assertEquals(null, c.redisUri());
        assertEquals(Duration.ofSeconds(10), c.grace());
        assertEquals(Duration.ofSeconds(15), c.leaseTtl());
        assertEquals(Duration.ofSeconds(15), c.keepAlive());
        assertEquals(Duration.ofSeconds(5), c.tickInterval());
        assertEquals(1000, c.logLength());
    }

    @Test
    void badValuesAreRefusedWithTheFlagName() {
        PresenceConfig c = PresenceConfig.defaults("n1");
        assertEquals("--redis must be a redis:// or rediss:// URI",
                assertThrows(IllegalArgumentException.class, () -> c.withRedis("http://x")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> PresenceConfig.defaults("bad id"));
        assertThrows(IllegalArgumentException.class, () -> c.withTimes(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> c.withTimes(Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> c.withLimits(5, 100));
        assertThrows(IllegalArgumentException.class, () -> c.withLimits(100, 1));
    }
}
