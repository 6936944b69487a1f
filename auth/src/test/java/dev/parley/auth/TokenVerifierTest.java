package dev.parley.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenVerifierTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private final Instant now = Instant.parse("2026-11-23T00:00:00Z");
    private final TokenVerifier tokens = TokenVerifier.of(SECRET, Clock.fixed(now, ZoneOffset.UTC));

    @Test
    void roundTripsClaims() throws TokenException {
        String t = tokens.mint("alice", List.of("r1", "r2"), true, false, Duration.ofMinutes(5));
        Principal p = tokens.verify(t);
        assertEquals("alice", p.userId());
        assertTrue(p.mayJoin("r1"));
        assertFalse(p.mayJoin("r3"));
        assertTrue(p.readOnly());
        assertFalse(p.admin());
        assertFalse(p.anonymous());
    }

    @Test
    void absentRoomsClaimAllowsEveryRoom() throws TokenException {
        assertTrue(tokens.verify(tokens.mint("bob", null, false, true, Duration.ofMinutes(5))).mayJoin("any"));
    }

    @Test
    void expiredTokenIsRefused() {
        String t = tokens.mint("alice", null, false, false, Duration.ofSeconds(-60));
        assertEquals(TokenException.Reason.EXPIRED, assertThrows(TokenException.class, () -> tokens.verify(t)).reason());
    }

    @Test
    void tokenSignedWithOtherSecretIsRefused() {
        TokenVerifier other = TokenVerifier.of("ffffffffffffffffffffffffffffffff", Clock.systemUTC());
        String t = other.mint("mallory", null, false, true, Duration.ofMinutes(5));
        assertEquals(TokenException.Reason.BAD_SIGNATURE,
                assertThrows(TokenException.class, () -> tokens.verify(t)).reason());
    }

    @Test
    void garbageAndMissingAreRefused() {
        assertEquals(TokenException.Reason.MALFORMED,
                assertThrows(TokenException.class, () -> tokens.verify("not.a.jwt")).reason());
        assertEquals(TokenException.Reason.MISSING,
                assertThrows(TokenException.class, () -> tokens.verify(null)).reason());
        assertEquals(TokenException.Reason.MALFORMED,
                assertThrows(TokenException.class, () -> tokens.verify("x".repeat(10_000))).reason());
    }

    @Test
    void unsignedAlgNoneIsRefused() {
        // header {"alg":"none"} . payload {"sub":"x","exp":9999999999} . empty signature
        String none = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4IiwiZXhwIjo5OTk5OTk5OTk5fQ.";
        assertThrows(TokenException.class, () -> tokens.verify(none));
    }

    @Test
    void shortSecretIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> TokenVerifier.of("short", Clock.systemUTC()));
    }

    @Test
    void devModeIsAnonymous() throws TokenException {
        Principal p = TokenVerifier.devMode().verify(null);
        assertTrue(p.anonymous());
        assertTrue(p.mayJoin("whatever"));
    }
}
