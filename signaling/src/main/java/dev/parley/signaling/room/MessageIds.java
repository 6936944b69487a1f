package dev.parley.signaling.room;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cluster-wide unique ids for the messages a node publishes on the bus: {@code <node>.<run>.<n>},
 * where {@code run} is random per process (a restarted node never reuses an id) and {@code n} counts
 * up. A message delivered both locally and through the bus carries the same id everywhere, so a
 * session that moves between nodes can drop what it was already given ({@link Session#deliver(String,
 * java.util.function.LongFunction)}).
 */
public final class MessageIds {

    private final String prefix;
    private final AtomicLong next = new AtomicLong();

    public MessageIds(String node) {
        this.prefix = node + "." + Long.toString(new SecureRandom().nextInt() & 0xffffffL, 36) + ".";
    }

    public String next() {
        return prefix + Long.toString(next.incrementAndGet(), 36);
    }
}
