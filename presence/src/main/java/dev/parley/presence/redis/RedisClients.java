package dev.parley.presence.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How Parley connects to Redis: auto-reconnect with decorrelated-jitter backoff (50 ms .. 2 s),
 * commands rejected at once while disconnected (callers degrade instead of queueing), a 2 s
 * command timeout, two Netty I/O and two computation threads; and how it lets go of them.
 */
public final class RedisClients {

    private RedisClients() {
    }

    public static ClientResources resources() {
        return ClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.decorrelatedJitter(Duration.ofMillis(50), Duration.ofSeconds(2), 50, TimeUnit.MILLISECONDS))
                .build();
    }

    public static RedisClient client(String uri, ClientResources resources) {
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

    /**
     * Closes the connections in the order given, then shuts the client and its resources down
     * (no quiet period, at most 2 s each). Any argument may be null (a component closed before or
     * part-way through {@code start()}).
     */
    public static void shutdown(ClientResources resources, RedisClient client, StatefulConnection<?, ?>... connections) {
        for (StatefulConnection<?, ?> c : connections) {
            if (c != null) {
                c.close();
            }
        }
        if (client != null) {
            client.shutdown(0, 2, TimeUnit.SECONDS);
        }
        if (resources != null) {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
