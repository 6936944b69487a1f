package dev.parley.presence.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;

/**
 * How Parley connects to Redis: auto-reconnect with decorrelated-jitter backoff (50 ms .. 2 s),
 * commands rejected at once while disconnected (callers degrade instead of queueing), a 2 s
 * command timeout, two Netty I/O and two computation threads.
 */
final class RedisClients {

    private RedisClients() {
    }

    static ClientResources resources() {
        return ClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.decorrelatedJitter(Duration.ofMillis(50), Duration.ofSeconds(2), 50, java.util.concurrent.TimeUnit.MILLISECONDS))
                .build();
    }

    static RedisClient client(String uri, ClientResources resources) {
        RedisURI u = RedisURI.create(uri);
        u.setTimeout(Duration.ofSeconds(2));
        RedisClient c = RedisClient.create(resources, u);
        c.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).keepAlive(true).build())
                .build());
        return c;
    }
}
