package dev.parley.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Verifies (and, for tests and tools, mints) HS256 JWTs.
 *
 * <pre>{@code
 * TokenVerifier tokens = TokenVerifier.of(secret, Clock.systemUTC());   // or TokenVerifier.devMode()
 * Principal p = tokens.verify(request.getParameter("access_token"));   // throws TokenException
 * }</pre>
 *
 * Claims: {@code sub} (user id, required), {@code exp} (required), {@code nbf} (optional),
 * {@code rooms} (array of room names or {@code "*"}; absent = every room), {@code ro} (read-only),
 * {@code admin}. A clock skew of 30 s is tolerated on {@code exp} and {@code nbf}.
 * In dev mode (no secret) every request is an anonymous principal and any token is ignored.
 */
public final class TokenVerifier {

    public static final int MIN_SECRET_BYTES = 32;
    private static final Duration SKEW = Duration.ofSeconds(30);
    private static final int MAX_TOKEN_CHARS = 8192;

    private final byte[] secret;
    private final Clock clock;

    private TokenVerifier(byte[] secret, Clock clock) {
        this.secret = secret;
        this.clock = clock;
    }

    /** A verifier for the given HS256 secret (at least 32 bytes, as RFC 7518 §3.2 requires). */
    public static TokenVerifier of(String secret, Clock clock) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("must be at least " + MIN_SECRET_BYTES + " bytes for HS256");
        }
        return new TokenVerifier(bytes, clock);
    }

    /** No secret: anonymous access for local development. */
    public static TokenVerifier devMode() {
        return new TokenVerifier(null, Clock.systemUTC());
    }

    public boolean isDevMode() {
        return secret == null;
    }

    /**
     * Verifies a token and returns who it names. In dev mode returns an anonymous principal whatever
     * the token (a null token included).
     */
    public Principal verify(String token) throws TokenException {
        if (secret == null) {
            return Principal.anonymous("anon-" + UUID.randomUUID().toString().substring(0, 8));
        }
        if (token == null || token.isBlank()) {
            throw new TokenException(TokenException.Reason.MISSING, "a token is required");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new TokenException(TokenException.Reason.MALFORMED, "token too long");
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token.trim());
        } catch (ParseException e) {
            throw new TokenException(TokenException.Reason.MALFORMED, "token is not a JWT");
        }
        if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
            throw new TokenException(TokenException.Reason.BAD_SIGNATURE, "token must be signed with HS256");
        }
        try {
            if (!jwt.verify(new MACVerifier(secret))) {
                throw new TokenException(TokenException.Reason.BAD_SIGNATURE, "token signature is invalid");
            }
        } catch (JOSEException e) {
            throw new TokenException(TokenException.Reason.BAD_SIGNATURE, "token signature is invalid");
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new TokenException(TokenException.Reason.MALFORMED, "token claims are malformed");
        }
        return toPrincipal(claims);
    }

    private Principal toPrincipal(JWTClaimsSet claims) throws TokenException {
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new TokenException(TokenException.Reason.MALFORMED, "token has no exp claim");
        }
        if (!now.isBefore(exp.toInstant().plus(SKEW))) {
            throw new TokenException(TokenException.Reason.EXPIRED, "token expired");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(SKEW).isBefore(nbf.toInstant())) {
            throw new TokenException(TokenException.Reason.NOT_YET_VALID, "token not valid yet");
        }
        String sub = claims.getSubject();
        if (sub == null || sub.isBlank() || sub.length() > 256) {
            throw new TokenException(TokenException.Reason.NO_SUBJECT, "token has no usable sub claim");
        }
        try {
            List<String> rooms = claims.getStringListClaim("rooms");
            Boolean ro = claims.getBooleanClaim("ro");
            Boolean admin = claims.getBooleanClaim("admin");
            return new Principal(sub, rooms == null ? List.of(Principal.ANY_ROOM) : rooms,
                    Boolean.TRUE.equals(ro), Boolean.TRUE.equals(admin), exp.toInstant(), false);
        } catch (ParseException e) {
            throw new TokenException(TokenException.Reason.MALFORMED, "token claims have the wrong types");
        }
    }

    /** Mints a token; used by tests, the bench and operators' tooling (`parley token`). */
    public String mint(String userId, List<String> rooms, boolean readOnly, boolean admin, Duration ttl) {
        if (secret == null) {
            throw new IllegalStateException("dev mode has no secret to sign with");
        }
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(userId)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)));
        if (rooms != null) {
            claims.claim("rooms", rooms);
        }
        if (readOnly) {
            claims.claim("ro", true);
        }
        if (admin) {
            claims.claim("admin", true);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed", e);
        }
        return jwt.serialize();
    }
}
