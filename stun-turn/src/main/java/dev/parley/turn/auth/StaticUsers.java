package dev.parley.turn.auth;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fixed user:password pairs ({@code --turn-user}). Each user's key is computed once per realm and kept
 * (one entry per configured user, so a client cannot grow it).
 */
public final class StaticUsers implements Authenticator {
    private final Map<String, String> passwords;
    private final Map<String, RealmKey> keys = new ConcurrentHashMap<>();

    private record RealmKey(String realm, List<byte[]> key) {
    }

    public StaticUsers(Map<String, String> passwords) {
        this.passwords = Map.copyOf(passwords);
    }

    @Override
    public List<byte[]> candidateKeys(String username, String realm, Instant now) {
        String password = passwords.get(username);
        if (password == null) {
            return List.of();
        }
        RealmKey k = keys.get(username);
        if (k == null || !k.realm().equals(realm)) {
            k = new RealmKey(realm, List.of(LongTermKeys.key(username, realm, password)));
            keys.put(username, k);
        }
        return k.key();
    }
}
