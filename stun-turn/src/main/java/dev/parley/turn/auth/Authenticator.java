package dev.parley.turn.auth;

import java.time.Instant;
import java.util.List;

/**
 * Looks up the long-term keys (RFC 8489 §9.2.2: MD5(username ":" realm ":" password)) that may have
 * signed a request from this username: usually one, several while REST secrets rotate. Empty means
 * "unknown or expired" and the server answers 401. Implementations must be fast and non-blocking;
 * they run on the relay's I/O thread.
 */
@FunctionalInterface
public interface Authenticator {

    List<byte[]> candidateKeys(String username, String realm, Instant now);

    /** Tries each in order; the first that knows the user wins. */
    static Authenticator firstOf(List<Authenticator> all) {
        List<Authenticator> copy = List.copyOf(all);
        return (user, realm, now) -> {
            for (Authenticator a : copy) {
                List<byte[]> keys = a.candidateKeys(user, realm, now);
                if (!keys.isEmpty()) {
                    return keys;
                }
            }
            return List.of();
        };
    }
}
