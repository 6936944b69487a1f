package dev.parley.signaling.room;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One outbound WebSocket message, already encoded: a text frame ({@code text}) or a binary one
 * ({@code binary}). {@code type} is the protocol type, for metrics. A frame fanned out to many
 * connections is encoded to UTF-8 once ({@link #payload()}), and every connection sends those bytes.
 */
public final class Frame {

    private final String text;
    private final byte[] binary;
    private final String type;
    /** UTF-8 of {@code text}, made on first use; a race only encodes twice to equal arrays. */
    private byte[] utf8;

    private Frame(String text, byte[] binary, String type) {
        this.text = text;
        this.binary = binary;
        this.type = type;
    }

    public static Frame text(String text, String type) {
        return new Frame(Objects.requireNonNull(text), null, type);
    }

    public static Frame binary(byte[] bytes, String type) {
        return new Frame(null, Objects.requireNonNull(bytes), type);
    }

    public String text() {
        return text;
    }

    public byte[] binary() {
        return binary;
    }

    public String type() {
        return type;
    }

    /** The bytes on the wire (UTF-8 for a text frame), shared: callers must not modify them. */
    public byte[] payload() {
        if (binary != null) {
            return binary;
        }
        byte[] b = utf8;
        if (b == null) {
            b = text.getBytes(StandardCharsets.UTF_8);
            utf8 = b;
        }
        return b;
    }

    /** Bytes this frame holds (UTF-16 chars count as one: a bound, not an exact size). */
    public int size() {
        return text != null ? text.length() : binary.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f && Objects.equals(text, f.text) && Arrays.equals(binary, f.binary)
                && Objects.equals(type, f.type);
    }

    @Override
    public int hashCode() {
        return Objects.hash(text, Arrays.hashCode(binary), type);
    }

    @Override
    public String toString() {
        return "Frame[" + type + ", " + (text != null ? text : binary.length + " bytes") + "]";
    }
}
