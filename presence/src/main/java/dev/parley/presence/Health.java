package dev.parley.presence;

/**
 * Presence health for {@code /readyz}: {@code ready} when started and the store is reachable;
 * {@code degraded} when Redis is down (local connections are still served and re-registered later).
 */
public record Health(boolean ready, boolean degraded, String detail) {
}
