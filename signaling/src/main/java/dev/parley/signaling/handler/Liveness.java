package dev.parley.signaling.handler;

import dev.parley.signaling.SignalingConfig;
import dev.parley.signaling.metrics.SignalingMetrics;
import dev.parley.signaling.protocol.ErrorCode;
import dev.parley.signaling.room.Session;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic sweep of {@code /v1/signal}, every half heartbeat: a WebSocket ping to connections
 * silent for half a heartbeat, a connection silent for 1.5 heartbeats dropped (so a dead peer is
 * gone within two), connections without a hello closed after the hello timeout, sessions whose
 * token expired ended, and fresh ICE servers pushed once less than a fifth of their lifetime is left.
 */
final class Liveness {

    private static final Logger LOG = LoggerFactory.getLogger(Liveness.class);

    private final NativeHandler handler;
    private final SignalingConfig config;
    private final SignalingMetrics metrics;
    private final Clock clock;
    private final LongSupplier nanos;

    Liveness(NativeHandler handler, SignalingConfig config, SignalingMetrics metrics, Clock clock, LongSupplier nanos) {
        this.handler = handler;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
        this.nanos = nanos;
    }

    void sweep(Iterable<NativeConnection> connections) {
        try {
            long now = nanos.getAsLong();
            long hb = config.heartbeat().toNanos();
            Instant wall = clock.instant();
            for (NativeConnection c : connections) {
                if (!c.closed) {
                    check(c, now, hb, wall);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("signaling sweep failed", e);
        }
    }

    private void check(NativeConnection c, long now, long hb, Instant wall) {
        long idle = now - c.lastInboundNanos;
        Session s = c.session;
        if (s == null) {
            // before the hello only the hello timeout applies
            if (now - c.openedNanos >= config.helloTimeout().toNanos()) {
                handler.fail(c, ErrorCode.HELLO_TIMEOUT, "no hello within " + config.helloTimeout().toMillis() + " ms", null);
            }
            return;
        }
        if (idle >= hb + hb / 2) {
            metrics.error("heartbeat-timeout");
            c.closed = true;
            c.outlet.abort();
            handler.onClose(c, false);
            return;
        }
        if (idle >= hb / 2) {
            c.outlet.ping();
        }
        if (s.principal().isExpired(wall)) {
            handler.fail(c, ErrorCode.TOKEN_EXPIRED, "your token expired; reconnect with a fresh one", null);
            handler.endSession(s, "token-expired");
            return;
        }
        Instant exp = c.iceExpiresAt;
        Instant issued = c.iceIssuedAt;
        if (exp != null && issued != null
                && Duration.between(wall, exp).compareTo(Duration.between(issued, exp).dividedBy(5)) <= 0) {
            handler.pushIceServers(c, s);
        }
    }
}
