package dev.parley.signaling.protocol;

/** A client message the server refuses; carries the code and a message safe to show the client. */
public final class ProtocolException extends Exception {

    private final ErrorCode code;
    private final String ref;

    public ProtocolException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public ProtocolException(ErrorCode code, String message, String ref) {
        super(message, null, false, false);
        this.code = code;
        this.ref = ref;
    }

    /** The type of the refused message, when known. */
    public String ref() {
        return ref;
    }

    public ErrorCode code() {
        return code;
    }
}
