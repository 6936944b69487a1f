package dev.parley.signaling.protocol;

import java.util.Locale;

/** {@code signal.kind}: the steps of an offer/answer exchange with trickle ICE (RFC 8829, RFC 8838). */
public enum SignalKind {
    OFFER, ANSWER, CANDIDATE, END_OF_CANDIDATES,
    /** Ask the other side to call {@code restartIce()} (RFC 8445 §2.4 ICE restart). */
    RESTART;

    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static SignalKind fromWire(String s) throws ProtocolException {
        return switch (s) {
            case "offer" -> OFFER;
            case "answer" -> ANSWER;
            case "candidate" -> CANDIDATE;
            case "end-of-candidates" -> END_OF_CANDIDATES;
            case "restart" -> RESTART;
            default -> throw new ProtocolException(ErrorCode.BAD_FIELD,
                    "signal.kind must be offer, answer, candidate, end-of-candidates or restart");
        };
    }

    /** Offers and answers must carry {@code data.sdp}; candidates must carry data. */
    public boolean needsData() {
        return this == OFFER || this == ANSWER || this == CANDIDATE;
    }
}
