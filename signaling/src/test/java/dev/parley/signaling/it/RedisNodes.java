package dev.parley.signaling.it;

import dev.parley.auth.OriginPolicy;
import dev.parley.auth.TokenVerifier;
import dev.parley.presence.redis.RedisClusterBus;
import dev.parley.signaling.SignalingConfig;
import dev.parley.signaling.cluster.redis.RedisRoomDirectory;
import dev.parley.signaling.compat.ywebsocket.it.RedisFixture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Two signaling nodes (two Jetty servers on 127.0.0.1:0) whose buses are {@link RedisClusterBus}es
 * on one real redis-server started for the test: what two Parley nodes behind a load balancer share.
 */
final class RedisNodes implements AutoCloseable {

    final RedisFixture redis;
    final TestServer n1;
    final TestServer n2;
    private final ExecutorService busThreads = Executors.newFixedThreadPool(2);

    RedisNodes(SignalingConfig config) throws Exception {
        this(config, false);
    }

    /** With {@code directory} each node also has a RedisRoomDirectory (rooms and the PeerJS realm span nodes). */
    RedisNodes(SignalingConfig config, boolean directory) throws Exception {
        this(config, directory, TokenVerifier.devMode());
    }

    /** As above, both nodes verifying tokens with {@code tokens}. */
    RedisNodes(SignalingConfig config, boolean directory, TokenVerifier tokens) throws Exception {
        redis = new RedisFixture();
        try {
            n1 = node("n1", config, directory, tokens);
            n2 = node("n2", config, directory, tokens);
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    private TestServer node(String id, SignalingConfig config, boolean withDirectory, TokenVerifier tokens)
            throws Exception {
        RedisClusterBus bus = new RedisClusterBus(redis.uri(), id, busThreads);
        bus.start();
        RedisRoomDirectory directory = null;
        if (withDirectory) {
            directory = new RedisRoomDirectory(redis.uri(), Duration.ofSeconds(15));
            directory.start();
        }
        return new TestServer(config, tokens, OriginPolicy.of(List.of()),
                TestServer.ice(Duration.ofHours(1)), bus, directory);
    }

    @Override
    public void close() throws Exception {
        for (TestServer n : new TestServer[] {n2, n1}) {
            if (n != null) {
                n.close();
            }
        }
        busThreads.shutdownNow();
        redis.close();
    }
}
