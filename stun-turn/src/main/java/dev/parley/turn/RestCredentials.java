package dev.parley.turn;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * TURN REST API ephemeral credentials (draft-uberti-behave-turn-rest, as coturn's
 * {@code --use-auth-secret}): {@code username = "<unix-expiry>:<user>"},
 * {@code password = base64(HMAC-SHA1(secret, username))}.
 *
 * <pre>{@code
 * RestCredentials.Credential c = RestCredentials.mint(secret, "alice", Duration.ofHours(1), Clock.systemUTC());
 * // hand c.username() / c.password() to the browser as an RTCIceServer
 * }</pre>
 */
public final class RestCredentials {

    /** A minted credential; {@code expiresAt} is the instant encoded in the username. */
    public record Credential(String username, String password, Instant expiresAt) {
        public Credential {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }
    }

    private RestCredentials() {
    }

    public static Credential mint(String secret, String user, Duration ttl, Clock clock) {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(user, "user");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive: " + ttl);
        }
        if (user.indexOf(':') >= 0) {
            throw new IllegalArgumentException("user must not contain ':'");
        }
        long expiry = clock.instant().plus(ttl).getEpochSecond();
        String username = expiry + ":" + user;
        return new Credential(username, password(secret, username), Instant.ofEpochSecond(expiry));
    }

    /** base64(HMAC-SHA1(secret, username)). */
    public static String password(String secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    /** The expiry encoded in a REST username ("<unix-expiry>:<user>"), or null if it is not one. */
    public static Instant expiryOf(String username) {
        int colon = username.indexOf(':');
        if (colon <= 0 || colon > 19) {
            return null;
        }
        try {
            return Instant.ofEpochSecond(Long.parseLong(username.substring(0, colon)));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
