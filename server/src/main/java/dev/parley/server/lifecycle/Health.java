package dev.parley.server.lifecycle;

/**
 * A component's readiness as {@code /readyz} reports it.
 *
 * @param state  UP (ready), DEGRADED (serving, but a dependency such as Redis is unreachable), DOWN
 * @param detail a short human-readable reason, empty when UP
 */
public record Health(State state, String detail) {

    public enum State { UP, DEGRADED, DOWN }

    public static final Health UP = new Health(State.UP, "");

    public static Health degraded(String detail) {
        return new Health(State.DEGRADED, detail);
    }

    public static Health down(String detail) {
        return new Health(State.DOWN, detail);
    }
}
