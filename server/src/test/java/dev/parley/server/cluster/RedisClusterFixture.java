package dev.parley.server.cluster;

import dev.parley.presence.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the cluster ITs: one real redis-server per test class (started before its first test,
 * stopped after its last), and the flags that make a node a member of that cluster.
 */
abstract class RedisClusterFixture {

    static RedisServer redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.started();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    /** {@code --redis}, {@code --node-id}, {@code --node-lease-ttl} and {@code --presence-grace} for one node. */
    static String[] clusterFlags(String nodeId, String leaseTtl, String presenceGrace) {
        return new String[] {"--redis", redis.uri(), "--node-id", nodeId, "--node-lease-ttl", leaseTtl,
                "--presence-grace", presenceGrace};
    }
}
