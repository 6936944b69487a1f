package dev.parley.turn.proto;

/** Thrown by the decoders for input that is not a well-formed STUN message or ChannelData frame. */
public final class MalformedMessageException extends Exception {
    private static final long serialVersionUID = 1L;
    private final Malformation malformation;

    public MalformedMessageException(Malformation malformation, String detail) {
        super(malformation + ": " + detail, null, false, false);
        this.malformation = malformation;
    }

    public Malformation malformation() {
        return malformation;
    }
}
