package dev.parley.signaling.ice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class TurnRestIceServersTest {

    private final Clock clock = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);

    @Test
    void mintsTurnRestCredentials() {
        var ice = new TurnRestIceServers(List.of("stun:h:3478"), List.of("turn:h:3478?transport=udp"), "north",
                Duration.ofHours(1), clock);
        IceServers s = ice.forUser("alice");
        assertEquals(Instant.ofEpochSecond(1_700_003_600L), s.expiresAt());
        assertNull(s.servers().get(0).username());
        IceServer turn = s.servers().get(1);
        assertEquals("1700003600:alice", turn.username());
        // python3: base64(hmac.new(b'north', b'1700003600:alice', sha1).digest())
        assertEquals("wjwSXO2ch1B6VaLTLMy2Avn5O9o=", turn.credential());
    }

    @Test
    void stunOnlyWhenNoTurnUrls() {
        var ice = new TurnRestIceServers(List.of("stun:h:3478"), List.of(), "s", Duration.ofMinutes(5), clock);
        assertEquals(1, ice.forUser("u").servers().size());
    }

    @Test
    void refusesNonPositiveTtl() {
        assertThrows(IllegalArgumentException.class,
                () -> new TurnRestIceServers(List.of(), List.of("turn:h"), "s", Duration.ZERO, clock));
    }
}
