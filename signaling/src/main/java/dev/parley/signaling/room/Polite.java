package dev.parley.signaling.room;

/**
 * The "perfect negotiation" roles (W3C WebRTC §10.7 example): in each pair exactly one peer is polite
 * (it rolls back its own offer on glare). The rule is fixed and symmetric: the peer whose id sorts
 * first is polite toward the other.
 */
public final class Polite {

    private Polite() {
    }

    /** Whether {@code self} must be polite toward {@code other}. */
    public static boolean toward(String self, String other) {
        return self.compareTo(other) < 0;
    }
}
