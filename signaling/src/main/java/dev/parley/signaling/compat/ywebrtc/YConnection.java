package dev.parley.signaling.compat.ywebrtc;

import dev.parley.auth.Principal;
import dev.parley.signaling.room.Outlet;
import dev.parley.signaling.room.TokenBucket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** One y-webrtc client: its outlet, who it is, its topics and whether it answered the last ping. */
public final class YConnection {

    final Outlet outlet;
    final Principal principal;
    final TokenBucket bucket;
    final Set<String> topics = ConcurrentHashMap.newKeySet();
    volatile boolean pongReceived = true;
    volatile boolean closed;

    public YConnection(Outlet outlet, Principal principal, TokenBucket bucket) {
        this.outlet = outlet;
        this.principal = principal;
        this.bucket = bucket;
    }
}
