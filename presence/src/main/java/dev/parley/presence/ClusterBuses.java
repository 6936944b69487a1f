package dev.parley.presence;

import dev.parley.presence.cluster.ClusterBus;
import dev.parley.presence.cluster.LocalClusterBus;
import dev.parley.presence.redis.RedisClusterBus;

/**
 * Picks the cross-node bus for the launcher.
 *
 * <pre>{@code
 * ClusterBus bus = ClusterBuses.create(config.redisUri(), config.nodeId(), scheduler);  // Redis pub/sub or local
 * bus.close();   // on shutdown
 * }</pre>
 */
public final class ClusterBuses {

    private ClusterBuses() {
    }

    /** Redis pub/sub when {@code redisUri} is set, otherwise the in-process bus. */
    public static ClusterBus create(String redisUri, String nodeId, java.util.concurrent.ScheduledExecutorService executor) {
        if (redisUri == null) {
            return new LocalClusterBus(nodeId);
        }
        RedisClusterBus bus = new RedisClusterBus(redisUri, nodeId, executor);
        bus.start();
        return bus;
    }
}
