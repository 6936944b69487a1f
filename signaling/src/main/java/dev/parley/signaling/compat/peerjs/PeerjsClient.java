package dev.parley.signaling.compat.peerjs;

import dev.parley.signaling.room.Outlet;

/** A PeerJS id, the token that owns it, its current socket and when it last sent a HEARTBEAT. */
public final class PeerjsClient {

    final String id;
    final String token;
    /** Cluster only: SHA-256 of the token, what the directory compares. */
    String tokenHash;
    Outlet outlet;
    long lastPingNanos;

    PeerjsClient(String id, String token, Outlet outlet, long nowNanos) {
        this.id = id;
        this.token = token;
        this.outlet = outlet;
        this.lastPingNanos = nowNanos;
    }

    public String id() {
        return id;
    }
}
