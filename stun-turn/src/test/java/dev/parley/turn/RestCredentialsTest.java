package dev.parley.turn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RestCredentialsTest {
    private final Clock clock = Clock.fixed(Instant.ofEpochSecond(1_699_996_400L), ZoneOffset.UTC);

    @Test
    void usernameIsExpiryColonUserAndPasswordIsCoturnsHmac() {
        RestCredentials.Credential c = RestCredentials.mint("s3cret", "alice", Duration.ofSeconds(3600), clock);
        assertEquals("1700000000:alice", c.username());
        // echo -n "1700000000:alice" | openssl dgst -sha1 -hmac s3cret -binary | base64
        assertEquals("TtElzSjT0GdnTQ9xdcRNxx96yQs=", c.password());
        assertEquals(Instant.ofEpochSecond(1_700_000_000L), c.expiresAt());
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> RestCredentials.mint("s", "a:b", Duration.ofMinutes(1), clock));
        assertThrows(IllegalArgumentException.class, () -> RestCredentials.mint("s", "a", Duration.ZERO, clock));
        assertNull(RestCredentials.expiryOf("alice"));
        assertNull(RestCredentials.expiryOf("x:alice"));
    }
}
