package dev.parley.presence.store;

import dev.parley.presence.redis.RedisPresenceStore;
import dev.parley.presence.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/** The shared store suite against a real redis-server. */
@Timeout(60)
class RedisPresenceStoreIT extends PresenceStoreContract {

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.started();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @Override
    protected PresenceStore newStore() throws Exception {
        redis.flushAll();
        RedisPresenceStore s = new RedisPresenceStore(redis.uri(), LOG_BOUND);
        s.start();
        return s;
    }
}
