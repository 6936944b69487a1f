package dev.parley.signaling.compat.ywebsocket;

import dev.parley.signaling.compat.ywebsocket.room.RoomLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the y-websocket relay.
 *
 * @param path                  endpoint path template, must end with {@code {room}}
 * @param maxDocumentBytes      stored update bytes per room (default 8 MiB); past it: close 4413
 * @param maxMessageBytes       largest frame accepted (default 8 MiB; a client's first sync step 2
 *                              carries its whole document); past it Jetty closes with 1009
 * @param maxQueuedBytes        outbound bytes queued per connection before it is closed as a slow
 *                              consumer (default 24 MiB; must exceed maxDocumentBytes so a late
 *                              joiner can receive the whole document)
 * @param maxRooms              rooms held by this node (default 10,000)
 * @param maxConnectionsPerRoom connections per room on this node (default 500)
 * @param maxAwarenessStates    awareness client ids per room (default 2,000)
 * @param idleTimeout           a connection with no frame for this long is closed (default 90 s;
 *                              y-websocket clients renew awareness every 15 s)
 * @param idleRetention         how long an empty room stays in memory (default 10 min); with Redis
 *                              it is loaded again on the next join
 * @param redisUri              Redis for persistence, e.g. {@code redis://127.0.0.1:6379}; null = memory only
 * @param redisKeyPrefix        prefix of the per-room Redis list keys (default {@code parley:ydoc:})
 * @param compactAfterUpdates   stored updates per room after which the relay asks a writable client
 *                              for the whole document and replaces them by it (default 1,000; 0 = never)
 */
public record YWebsocketConfig(String path, long maxDocumentBytes, int maxMessageBytes, long maxQueuedBytes,
                               int maxRooms, int maxConnectionsPerRoom, int maxAwarenessStates,
                               Duration idleTimeout, Duration idleRetention, String redisUri,
                               String redisKeyPrefix, int compactAfterUpdates) {

    public static final String DEFAULT_PATH = "/compat/y-websocket/{room}";

    public YWebsocketConfig {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/") || !path.endsWith("/{room}")) {
            throw new IllegalArgumentException("path must start with / and end with /{room}: " + path);
        }
        if (maxDocumentBytes < 1024) {
            throw new IllegalArgumentException("maxDocumentBytes must be at least 1024");
        }
        if (maxMessageBytes < 1024) {
            throw new IllegalArgumentException("maxMessageBytes must be at least 1024");
        }
        if (maxQueuedBytes <= maxDocumentBytes) {
            throw new IllegalArgumentException("maxQueuedBytes must exceed maxDocumentBytes");
        }
        if (maxRooms < 1 || maxConnectionsPerRoom < 1 || maxAwarenessStates < 1) {
            throw new IllegalArgumentException("maxRooms, maxConnectionsPerRoom and maxAwarenessStates must be positive");
        }
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(idleRetention, "idleRetention");
        if (idleTimeout.isNegative() || idleRetention.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
        if (redisUri != null && !redisUri.matches("rediss?://.+")) {
            throw new IllegalArgumentException("redisUri must look like redis://host:port: " + redisUri);
        }
        Objects.requireNonNull(redisKeyPrefix, "redisKeyPrefix");
        if (compactAfterUpdates != 0 && compactAfterUpdates < 2) {
            throw new IllegalArgumentException("compactAfterUpdates must be 0 (never) or at least 2");
        }
    }

    public static YWebsocketConfig defaults() {
        return new YWebsocketConfig(DEFAULT_PATH, 8L << 20, 8 << 20, 24L << 20, 10_000, 500, 2_000,
                Duration.ofSeconds(90), Duration.ofMinutes(10), null, "parley:ydoc:", 1_000);
    }

    public YWebsocketConfig withRedis(String uri) {
        return new YWebsocketConfig(path, maxDocumentBytes, maxMessageBytes, maxQueuedBytes, maxRooms,
                maxConnectionsPerRoom, maxAwarenessStates, idleTimeout, idleRetention, uri, redisKeyPrefix, compactAfterUpdates);
    }

    public YWebsocketConfig withMaxDocumentBytes(long bytes) {
        return new YWebsocketConfig(path, bytes, (int) Math.min(Integer.MAX_VALUE, Math.max(maxMessageBytes, 1024)),
                Math.max(maxQueuedBytes, bytes + 1), maxRooms, maxConnectionsPerRoom, maxAwarenessStates,
                idleTimeout, idleRetention, redisUri, redisKeyPrefix, compactAfterUpdates);
    }

    public YWebsocketConfig withIdleRetention(Duration retention) {
        return new YWebsocketConfig(path, maxDocumentBytes, maxMessageBytes, maxQueuedBytes, maxRooms,
                maxConnectionsPerRoom, maxAwarenessStates, idleTimeout, retention, redisUri, redisKeyPrefix,
                compactAfterUpdates);
    }

    public YWebsocketConfig withCompactAfterUpdates(int updates) {
        return new YWebsocketConfig(path, maxDocumentBytes, maxMessageBytes, maxQueuedBytes, maxRooms,
                maxConnectionsPerRoom, maxAwarenessStates, idleTimeout, idleRetention, redisUri, redisKeyPrefix, updates);
    }

    RoomLimits roomLimits() {
        return new RoomLimits(maxDocumentBytes, maxConnectionsPerRoom, maxAwarenessStates, 10_000, compactAfterUpdates);
    }
}
