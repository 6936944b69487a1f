package dev.parley.signaling.ice;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * STUN plus TURN with TURN REST API ephemeral credentials (draft-uberti-behave-turn-rest-00 §2.2):
 * {@code username = "<unix-expiry>:<user>"}, {@code credential = base64(HMAC-SHA1(secret, username))}.
 * The relay (ours or coturn with {@code --use-auth-secret}) checks them with the same secret.
 *
 * <pre>{@code
 * var ice = new TurnRestIceServers(List.of("stun:turn.example.com:3478"),
 *         List.of("turn:turn.example.com:3478?transport=udp", "turn:turn.example.com:3478?transport=tcp",
 *                 "turns:turn.example.com:5349?transport=tcp"), secret, Duration.ofHours(24), Clock.systemUTC());
 * }</pre>
 */
public final class TurnRestIceServers implements IceServerProvider {

    private final List<String> stunUrls;
    private final List<String> turnUrls;
    private final byte[] secret;
    private final Duration ttl;
    private final Clock clock;

    public TurnRestIceServers(List<String> stunUrls, List<String> turnUrls, String secret, Duration ttl, Clock clock) {
        this.stunUrls = List.copyOf(stunUrls);
        this.turnUrls = List.copyOf(turnUrls);
        this.secret = Objects.requireNonNull(secret, "secret").getBytes(StandardCharsets.UTF_8);
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive");
        }
        this.ttl = ttl;
        this.clock = clock;
    }

    @Override
    public IceServers forUser(String userId) {
        Instant expiresAt = clock.instant().plus(ttl);
        List<IceServer> servers = new ArrayList<>(2);
        if (!stunUrls.isEmpty()) {
            servers.add(IceServer.stun(stunUrls));
        }
        if (!turnUrls.isEmpty()) {
            String username = expiresAt.getEpochSecond() + ":" + userId;
            servers.add(new IceServer(turnUrls, username, password(secret, username)));
        }
        return new IceServers(servers, Instant.ofEpochSecond(expiresAt.getEpochSecond()));
    }

    /** base64(HMAC-SHA1(secret, username)). */
    static String password(byte[] secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is missing from this JDK", e);
        }
    }
}
