package dev.parley.signaling.compat.peerjs;

import dev.parley.auth.TokenException;
import dev.parley.auth.TokenVerifier;

/**
 * Which PeerJS {@code key}s are accepted. In dev mode the configured key (default {@code peerjs});
 * with an auth secret the key must be a valid token (PeerJS clients have no other place for one:
 * {@code new Peer(id, {key: jwt, ...})}).
 */
public final class PeerjsKeys {

    private final String key;
    private final TokenVerifier tokens;

    public PeerjsKeys(String key, TokenVerifier tokens) {
        this.key = key;
        this.tokens = tokens;
    }

    public boolean accepts(String candidate) {
        if (candidate == null) {
            return false;
        }
        if (tokens.isDevMode()) {
            return key.equals(candidate);
        }
        try {
            tokens.verify(candidate);
            return true;
        } catch (TokenException e) {
            return false;
        }
    }
}
