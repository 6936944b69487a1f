package dev.parley.signaling.compat.ywebsocket.wire;

/** The Yjs ids {@code (client, clock) .. (client, clock + length - 1)}. */
public record ClockRange(long client, long clock, long length) {

    public ClockRange {
        if (clock < 0 || length < 0) {
            throw new IllegalArgumentException("negative clock or length");
        }
    }

    public long end() {
        return clock + length;
    }
}
