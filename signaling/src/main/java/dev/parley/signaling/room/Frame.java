package dev.parley.signaling.room;

/**
 * One outbound WebSocket message, already encoded: a text frame ({@code text}) or a binary one
 * ({@code binary}). {@code type} is the protocol type, for metrics.
 */
public record Frame(String text, byte[] binary, String type) {

    public static Frame text(String text, String type) {
        return new Frame(text, null, type);
    }

    public static Frame binary(byte[] bytes, String type) {
        return new Frame(null, bytes, type);
    }

    /** Bytes this frame holds (UTF-16 chars count as one: a bound, not an exact size). */
    public int size() {
        return text != null ? text.length() : binary.length;
    }
}
