package dev.parley.turn.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless nonces (RFC 8489 §9.2): {@code base64url(expiry || HMAC-SHA256(serverKey, expiry || client IP))[..]}.
 * The server keeps nothing per client; an expired but authentic nonce is "stale" (438), anything else is
 * invalid (401).
 */
public final class NonceManager {
    public enum Check { VALID, STALE, INVALID }

    private final byte[] serverKey = new byte[32];
    private final Duration lifetime;
    private final Clock clock;
    /** One initialised HMAC per thread (in practice the I/O loop): Mac.getInstance per nonce is costly. */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    public NonceManager(Duration lifetime, Clock clock) {
        this.lifetime = lifetime;
        this.clock = clock;
        new SecureRandom().nextBytes(serverKey);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(serverKey, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    public String issue(byte[] clientIp) {
        long expiry = clock.millis() + lifetime.toMillis();
        return encode(expiry, clientIp);
    }

    public Check check(String nonce, byte[] clientIp) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(nonce);
        } catch (IllegalArgumentException e) {
            return Check.INVALID;
        }
        if (raw.length != 8 + 16) {
            return Check.INVALID;
        }
        long expiry = ByteBuffer.wrap(raw, 0, 8).getLong();
        if (!MessageDigest.isEqual(nonce.getBytes(StandardCharsets.US_ASCII),
                encode(expiry, clientIp).getBytes(StandardCharsets.US_ASCII))) {
            return Check.INVALID;
        }
        return expiry > clock.millis() ? Check.VALID : Check.STALE;
    }

    private String encode(long expiry, byte[] clientIp) {
        Mac mac = macs.get();
        byte[] e = ByteBuffer.allocate(8).putLong(expiry).array();
        mac.update(e);
        mac.update(clientIp);
        byte[] tag = mac.doFinal();
        byte[] out = ByteBuffer.allocate(24).put(e).put(tag, 0, 16).array();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }
}
