package dev.parley.turn.server;

import dev.parley.turn.proto.StunErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * Prometheus meters under {@code parley.turn.*}. The per-packet counters are plain fields written only by
 * the I/O loop and read (relaxed) at scrape time, so the relay path does no atomic operations; the
 * public methods that change them are for the I/O loop thread only.
 */
public final class TurnMetrics {
    private final MeterRegistry registry;
    private final Counter allocationsCreated;
    private final Map<StunErrorCode, Counter> allocateFailures = new EnumMap<>(StunErrorCode.class);
    private final Counter authFailures;
    private final Counter peerDenials;
    private final Counter quotaHits;
    private final Counter malformed;
    private final Counter rateLimited;
    private volatile int allocationsActive;
    private volatile int permissionsActive;
    private volatile int channelsActive;

    // written by the I/O loop only
    long packetsToPeer;
    long bytesToPeer;
    long packetsToClient;
    long bytesToClient;
    long dropped;
    private long udpViaListener;
    private long udpViaConnected;
    private long connectedOpened;
    private long connectedClosed;
    private long connectedFailed;
    private long connectedOverLimit;

    public TurnMetrics(MeterRegistry registry) {
        this.registry = registry;
        allocationsCreated = Counter.builder("parley.turn.allocations.created").register(registry);
        authFailures = Counter.builder("parley.turn.auth.failures").register(registry);
        peerDenials = Counter.builder("parley.turn.peer.denials").register(registry);
        quotaHits = Counter.builder("parley.turn.quota.hits").register(registry);
        malformed = Counter.builder("parley.turn.messages.malformed").register(registry);
        rateLimited = Counter.builder("parley.turn.requests.ratelimited").register(registry);
        Gauge.builder("parley.turn.allocations.active", this, m -> m.allocationsActive).register(registry);
        Gauge.builder("parley.turn.permissions.active", this, m -> m.permissionsActive).register(registry);
        Gauge.builder("parley.turn.channels.active", this, m -> m.channelsActive).register(registry);
        FunctionCounter.builder("parley.turn.relayed.packets", this, m -> m.packetsToPeer)
                .tag("direction", "to_peer").register(registry);
        FunctionCounter.builder("parley.turn.relayed.bytes", this, m -> m.bytesToPeer)
                .tag("direction", "to_peer").register(registry);
        FunctionCounter.builder("parley.turn.relayed.packets", this, m -> m.packetsToClient)
                .tag("direction", "to_client").register(registry);
        FunctionCounter.builder("parley.turn.relayed.bytes", this, m -> m.bytesToClient)
                .tag("direction", "to_client").register(registry);
        FunctionCounter.builder("parley.turn.relayed.dropped", this, m -> m.dropped).register(registry);
        FunctionCounter.builder("parley.turn.udp.datagrams", this, m -> m.udpViaListener)
                .tag("socket", "listener").register(registry);
        FunctionCounter.builder("parley.turn.udp.datagrams", this, m -> m.udpViaConnected)
                .tag("socket", "connected").register(registry);
        Gauge.builder("parley.turn.udp.connected.active", this, m -> m.connectedOpened - m.connectedClosed)
                .register(registry);
        FunctionCounter.builder("parley.turn.udp.connected.promotions", this, m -> m.connectedOpened)
                .tag("result", "opened").register(registry);
        FunctionCounter.builder("parley.turn.udp.connected.promotions", this, m -> m.connectedFailed)
                .tag("result", "failed").register(registry);
        FunctionCounter.builder("parley.turn.udp.connected.promotions", this, m -> m.connectedOverLimit)
                .tag("result", "over_limit").register(registry);
    }

    public void allocationCreated() {
        allocationsCreated.increment();
    }

    public void allocateFailed(StunErrorCode code) {
        allocateFailures.computeIfAbsent(code, c -> Counter.builder("parley.turn.allocations.failed")
                .tag("code", Integer.toString(c.code())).register(registry)).increment();
    }

    public void authFailure() {
        authFailures.increment();
    }

    public void peerDenied() {
        peerDenials.increment();
    }

    public void quotaHit() {
        quotaHits.increment();
    }

    public void malformed() {
        malformed.increment();
    }

    public void rateLimited() {
        rateLimited.increment();
    }

    public void allocations(int active) {
        allocationsActive = active;
    }

    public void gauges(int allocations, int permissions, int channels) {
        allocationsActive = allocations;
        permissionsActive = permissions;
        channelsActive = channels;
    }

    /** A datagram from a UDP client read on the shared listener ({@code connected} false) or on its own socket. */
    public void udpDatagram(boolean connected) {
        if (connected) {
            udpViaConnected++;
        } else {
            udpViaListener++;
        }
    }

    /** A relaying UDP client got its own connected socket. */
    public void connectedOpened() {
        connectedOpened++;
    }

    /** A client's connected socket was closed (its allocation ended, or the socket failed). */
    public void connectedClosed() {
        connectedClosed++;
    }

    /** Opening a connected socket failed (e.g. EMFILE); the client stays on the listener. */
    public void connectedFailed() {
        connectedFailed++;
    }

    /** The connected-socket limit was reached; the client stays on the listener. */
    public void connectedOverLimit() {
        connectedOverLimit++;
    }

    public long packetsToPeer() {
        return packetsToPeer;
    }

    public long packetsToClient() {
        return packetsToClient;
    }
}
