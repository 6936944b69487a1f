package dev.parley.turn.policy;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-source-IP request budget so one flooding source (junk or Allocate storms) cannot starve others:
 * each STUN request or unparseable datagram costs one token from its source's bucket. The map is
 * bounded (least recently seen sources are forgotten). Relay data of established allocations is not
 * charged here; it has its own per-allocation bandwidth bucket. Not thread-safe: one per I/O loop.
 */
public final class SourceLimiter {
    private final double perSecond;
    private final double burst;
    private final Map<InetAddress, TokenBucket> buckets;

    public SourceLimiter(double perSecond, double burst, int maxSources) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.buckets = new LinkedHashMap<>(256, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, TokenBucket> eldest) {
                return size() > maxSources;
            }
        };
    }

    public boolean allow(InetAddress source, long nowNanos) {
        TokenBucket b = buckets.get(source);
        if (b == null) {
            b = new TokenBucket(perSecond, burst, nowNanos);
            buckets.put(source, b);
        }
        return b.tryTake(1, nowNanos);
    }
}
