package dev.parley.turn.auth;

import java.time.Instant;
import java.util.Map;
import java.util.List;

/** Fixed user:password pairs ({@code --turn-user}). */
public final class StaticUsers implements Authenticator {
    private final Map<String, String> passwords;

    public StaticUsers(Map<String, String> passwords) {
        this.passwords = Map.copyOf(passwords);
    }

    @Override
    public List<byte[]> candidateKeys(String username, String realm, Instant now) {
        String password = passwords.get(username);
        return password == null ? List.of() : List.of(LongTermKeys.key(username, realm, password));
    }
}
