package dev.parley.turn.allocation;

import java.net.InetSocketAddress;

/** A channel number bound to one peer transport address (RFC 8656 §12); lives 600 s unless refreshed. */
public final class ChannelBinding {
    public static final long LIFETIME_NANOS = 600_000_000_000L;

    private final int number;
    private final InetSocketAddress peer;
    private long expiresAtNanos;

    public ChannelBinding(int number, InetSocketAddress peer, long nowNanos) {
        this.number = number;
        this.peer = peer;
        refresh(nowNanos);
    }

    public int number() {
        return number;
    }

    public InetSocketAddress peer() {
        return peer;
    }

    public void refresh(long nowNanos) {
        expiresAtNanos = nowNanos + LIFETIME_NANOS;
    }

    public boolean isExpired(long nowNanos) {
        return nowNanos - expiresAtNanos >= 0;
    }
}
