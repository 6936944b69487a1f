package dev.parley.presence;

import dev.parley.auth.OriginPolicy;
import dev.parley.auth.TokenVerifier;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Presence settings (launcher flags in parentheses; see presence/README.md).
 *
 * @param redisUri          Redis for cluster-wide presence ({@code --redis}); null = in-memory, one node
 * @param nodeId            this node's name ({@code --node-id}); unique in the cluster
 * @param grace             how long a user stays a member / online after the last connection went ({@code --presence-grace}, 10 s)
 * @param leaseTtl          node lease; a node silent this long is reaped ({@code --node-lease-ttl}, 15 s). Heartbeat every third.
 * @param keepAlive         SSE keep-alive comment interval ({@code --sse-keepalive}, 15 s)
 * @param retry             SSE {@code retry:} sent to clients (2 s)
 * @param logLength         events kept per room / in the user-status log for replay ({@code --presence-history}, 1000)
 * @param subscriberBuffer  frames queued per SSE subscriber before it is dropped as slow ({@code --sse-buffer}, 1024)
 * @param maxWatchedUsers   users one {@code ?user=} stream may watch (100)
 * @param tokens            verifies {@code access_token} / {@code Authorization: Bearer}
 * @param origins           which browser origins may open streams
 */
public record PresenceConfig(String redisUri, String nodeId, Duration grace, Duration leaseTtl, Duration keepAlive,
                             Duration retry, int logLength, int subscriberBuffer, int maxWatchedUsers,
                             TokenVerifier tokens, OriginPolicy origins) {

    public PresenceConfig {
        if (redisUri != null && !redisUri.startsWith("redis://") && !redisUri.startsWith("rediss://")) {
            throw new IllegalArgumentException("--redis must be a redis:// or rediss:// URI");
        }
        if (nodeId == null || nodeId.isBlank() || nodeId.length() > 100 || !nodeId.matches("[A-Za-z0-9._:-]+")) {
            throw new IllegalArgumentException("--node-id must be 1..100 of [A-Za-z0-9._:-]");
        }
        positive(grace, "--presence-grace");
        positive(leaseTtl, "--node-lease-ttl");
        positive(keepAlive, "--sse-keepalive");
        positive(retry, "retry");
        if (leaseTtl.toMillis() < 300) {
            throw new IllegalArgumentException("--node-lease-ttl must be at least 300ms");
        }
        if (logLength < 10 || logLength > 1_000_000) {
            throw new IllegalArgumentException("--presence-history must be 10..1000000");
        }
        if (subscriberBuffer < 4 || subscriberBuffer > 1_000_000) {
            throw new IllegalArgumentException("--sse-buffer must be 4..1000000");
        }
        if (maxWatchedUsers < 1) {
            throw new IllegalArgumentException("maxWatchedUsers must be positive");
        }
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(origins, "origins");
    }

    /** Defaults: in-memory, dev-mode tokens, default origin policy. */
    public static PresenceConfig defaults(String nodeId) {
        return new PresenceConfig(null, nodeId, Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(15),
                Duration.ofSeconds(2), 1000, 1024, 100, TokenVerifier.devMode(), OriginPolicy.of(List.of()));
    }

    public PresenceConfig withRedis(String uri) {
        return new PresenceConfig(uri, nodeId, grace, leaseTtl, keepAlive, retry, logLength, subscriberBuffer,
                maxWatchedUsers, tokens, origins);
    }

    public PresenceConfig withTimes(Duration grace, Duration leaseTtl, Duration keepAlive) {
        return new PresenceConfig(redisUri, nodeId, grace, leaseTtl, keepAlive, retry, logLength, subscriberBuffer,
                maxWatchedUsers, tokens, origins);
    }

    public PresenceConfig withLimits(int logLength, int subscriberBuffer) {
        return new PresenceConfig(redisUri, nodeId, grace, leaseTtl, keepAlive, retry, logLength, subscriberBuffer,
                maxWatchedUsers, tokens, origins);
    }

    public PresenceConfig withAuth(TokenVerifier tokens, OriginPolicy origins) {
        return new PresenceConfig(redisUri, nodeId, grace, leaseTtl, keepAlive, retry, logLength, subscriberBuffer,
                maxWatchedUsers, tokens, origins);
    }

    /** How often the node heartbeats, looks for dead nodes and sweeps due grace deadlines. */
    public Duration tickInterval() {
        return leaseTtl.dividedBy(3);
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration");
        }
    }
}
