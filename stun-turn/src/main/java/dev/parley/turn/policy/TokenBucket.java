package dev.parley.turn.policy;

/**
 * A token bucket refilled lazily from a nanosecond clock the caller passes in; not thread-safe
 * (each bucket belongs to one I/O loop). Used for bytes/s per allocation and requests/s per source.
 */
public final class TokenBucket {
    private final double ratePerNano;
    private final double capacity;
    private double tokens;
    private long lastNanos;

    public TokenBucket(double perSecond, double burst, long nowNanos) {
        this.ratePerNano = perSecond / 1e9;
        this.capacity = burst;
        this.tokens = burst;
        this.lastNanos = nowNanos;
    }

    public boolean tryTake(double amount, long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed * ratePerNano);
            lastNanos = nowNanos;
        }
        if (tokens >= amount) {
            tokens -= amount;
            return true;
        }
        return false;
    }
}
