package dev.parley.turn.auth;

import dev.parley.turn.RestCredentials;
import java.time.Instant;
import java.util.List;

/**
 * TURN REST API ephemeral credentials ({@code --turn-secret}, repeatable for rotation): the password is
 * recomputed from each secret in turn, and a username whose expiry has passed is refused. With several
 * secrets the client's MESSAGE-INTEGRITY picks the right one, so this returns one key per secret.
 */
public final class RestSecrets implements Authenticator {
    private final List<String> secrets;

    public RestSecrets(List<String> secrets) {
        this.secrets = List.copyOf(secrets);
    }

    public boolean isRestUsername(String username) {
        return RestCredentials.expiryOf(username) != null;
    }

    /** Keys for every configured secret, or empty if the username is not a live REST username. */
    @Override
    public List<byte[]> candidateKeys(String username, String realm, Instant now) {
        Instant expiry = RestCredentials.expiryOf(username);
        if (expiry == null || !expiry.isAfter(now) || secrets.isEmpty()) {
            return List.of();
        }
        return secrets.stream()
                .map(s -> LongTermKeys.key(username, realm, RestCredentials.password(s, username)))
                .toList();
    }

}
