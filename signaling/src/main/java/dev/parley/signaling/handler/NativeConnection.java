package dev.parley.signaling.handler;

import dev.parley.auth.Principal;
import dev.parley.auth.TokenException;
import dev.parley.signaling.room.Outlet;
import dev.parley.signaling.room.Session;
import dev.parley.signaling.room.TokenBucket;
import java.time.Instant;

/**
 * Per-connection state of {@code /v1/signal}: who the upgrade request said it was, the session once
 * the hello arrived, the rate limiter and liveness. Message callbacks for one connection arrive one
 * at a time; the sweeper reads the volatile fields.
 */
public final class NativeConnection {

    final Outlet outlet;
    /** Principal from {@code ?access_token=}; null when none was given. */
    final Principal queryPrincipal;
    /** Why the query token was refused; null when it was fine or absent. */
    final TokenException queryTokenError;
    final long openedNanos;
    final TokenBucket bucket;

    volatile Session session;
    volatile long lastInboundNanos;
    volatile Instant iceExpiresAt;
    volatile Instant iceIssuedAt;
    volatile boolean closed;
    final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
    int rateStrikes;

    public NativeConnection(Outlet outlet, Principal queryPrincipal, TokenException queryTokenError,
                            TokenBucket bucket, long nowNanos) {
        this.outlet = outlet;
        this.queryPrincipal = queryPrincipal;
        this.queryTokenError = queryTokenError;
        this.bucket = bucket;
        this.openedNanos = nowNanos;
        this.lastInboundNanos = nowNanos;
    }

    public Outlet outlet() {
        return outlet;
    }

    public Session session() {
        return session;
    }
}
