package dev.parley.turn.allocation;

import java.net.InetAddress;

/**
 * A permission for one peer IP address (RFC 8656 §9): refreshed by CreatePermission or ChannelBind,
 * lives 300 s. Ports are not part of a permission.
 */
public final class Permission {
    public static final long LIFETIME_NANOS = 300_000_000_000L;

    private final InetAddress peer;
    private final byte[] raw;
    private long expiresAtNanos;

    public Permission(InetAddress peer, long nowNanos) {
        this.peer = peer;
        this.raw = peer.getAddress();
        refresh(nowNanos);
    }

    public InetAddress peer() {
        return peer;
    }

    /** The address bytes (4 or 16); do not modify. */
    public byte[] raw() {
        return raw;
    }

    public void refresh(long nowNanos) {
        expiresAtNanos = nowNanos + LIFETIME_NANOS;
    }

    public boolean isExpired(long nowNanos) {
        return nowNanos - expiresAtNanos >= 0;
    }

    /** Compares against address bytes without allocating. */
    public boolean matches(byte[] address, int length) {
        if (length != raw.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (raw[i] != address[i]) {
                return false;
            }
        }
        return true;
    }
}
