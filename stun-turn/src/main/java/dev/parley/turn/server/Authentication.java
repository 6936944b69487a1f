package dev.parley.turn.server;

import dev.parley.turn.auth.Authenticator;
import dev.parley.turn.auth.NonceManager;
import dev.parley.turn.proto.StunCodec;
import dev.parley.turn.proto.StunErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.NonceAttribute;
import org.ice4j.attribute.RealmAttribute;
import org.ice4j.attribute.UsernameAttribute;
import org.ice4j.message.Response;

/** The long-term credential mechanism, server side (RFC 8489 §9.2.4), as one decision per request. */
final class Authentication {

    /** Either the authenticated user and key, or the error response to send. */
    sealed interface Result permits Ok, Rejected {
    }

    record Ok(String username, byte[] key) implements Result {
    }

    record Rejected(Response response) implements Result {
    }

    private final String realm;
    private final Authenticator authenticator;
    private final NonceManager nonces;
    private final TurnMetrics metrics;
    private final Clock clock;

    Authentication(String realm, Authenticator authenticator, NonceManager nonces, TurnMetrics metrics, Clock clock) {
        this.realm = realm;
        this.authenticator = authenticator;
        this.nonces = nonces;
        this.metrics = metrics;
        this.clock = clock;
    }

    Result authenticate(StunCodec.Decoded d, int method, byte[] clientIp) {
        byte[] tid = d.transactionId();
        // 1. no MESSAGE-INTEGRITY: challenge with REALM and NONCE (401)
        if (d.frame().integrityOffset() < 0) {
            return new Rejected(Responses.challenge(method, tid, StunErrorCode.UNAUTHORIZED, realm,
                    nonces.issue(clientIp)));
        }
        // 2. MESSAGE-INTEGRITY but a missing USERNAME, REALM or NONCE: 400
        UsernameAttribute user = (UsernameAttribute) d.message().getAttribute(Attribute.USERNAME);
        RealmAttribute realmAttr = (RealmAttribute) d.message().getAttribute(Attribute.REALM);
        NonceAttribute nonceAttr = (NonceAttribute) d.message().getAttribute(Attribute.NONCE);
        if (user == null || realmAttr == null || nonceAttr == null) {
            metrics.authFailure();
            return new Rejected(Responses.error(method, tid, StunErrorCode.BAD_REQUEST));
        }
        // 3. NONCE no longer valid: 438 with a fresh NONCE
        String nonce = new String(nonceAttr.getNonce(), StandardCharsets.US_ASCII);
        if (nonces.check(nonce, clientIp) != NonceManager.Check.VALID) {
            return challenge(method, tid, StunErrorCode.STALE_NONCE, clientIp);
        }
        // 4. unknown user or wrong realm: 401
        String username = new String(user.getUsername(), StandardCharsets.UTF_8);
        String requestRealm = new String(realmAttr.getRealm(), StandardCharsets.UTF_8);
        List<byte[]> keys = requestRealm.equals(realm)
                ? authenticator.candidateKeys(username, realm, clock.instant()) : List.of();
        // 5. MESSAGE-INTEGRITY must match one candidate key: else 401
        for (byte[] key : keys) {
            if (StunCodec.verifyIntegrity(d, key)) {
                return new Ok(username, key);
            }
        }
        return challenge(method, tid, StunErrorCode.UNAUTHORIZED, clientIp);
    }

    private Rejected challenge(int method, byte[] tid, StunErrorCode code, byte[] clientIp) {
        metrics.authFailure();
        return new Rejected(Responses.challenge(method, tid, code, realm, nonces.issue(clientIp)));
    }
}
