package dev.parley.auth;

/** A token was missing, malformed, badly signed or expired. The message is safe to show a client. */
public final class TokenException extends Exception {

    /** Why a token was refused; each maps to one client-visible error code. */
    public enum Reason { MISSING, MALFORMED, BAD_SIGNATURE, EXPIRED, NOT_YET_VALID, NO_SUBJECT }

    private final Reason reason;

    public TokenException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
