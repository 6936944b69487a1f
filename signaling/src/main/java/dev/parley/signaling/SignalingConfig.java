package dev.parley.signaling;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the signaling service; the launcher fills it from flags (see signaling/README.md).
 *
 * @param heartbeat            server WebSocket ping interval; a connection silent for two of these is dead
 * @param resumeGrace          how long a dropped session waits for a resume
 * @param helloTimeout         a connection that sends no hello within this is closed
 * @param maxFrameBytes        largest accepted WebSocket message (close 1009 above it)
 * @param ratePerSecond        per-connection token bucket refill rate, messages a second
 * @param burst                per-connection token bucket size
 * @param maxRoomsPerSession   rooms one session may be in at once
 * @param maxPeersPerRoom      members of one room (on this node)
 * @param maxConnections       WebSocket connections this node accepts (all endpoints together)
 * @param maxQueuedMessages    outbound messages queued for one connection before it is closed as slow
 * @param maxQueuedBytes       outbound bytes queued for one connection before it is closed as slow
 * @param resumeBufferMessages sequenced messages kept per session for replay
 * @param resumeBufferBytes    bytes kept per session for replay
 * @param peerjsKey            the PeerJS API key accepted on /compat/peerjs
 * @param peerjsDiscovery      whether {@code GET /compat/peerjs/{key}/peers} lists peers
 * @param peerjsExpire         how long a PeerJS message for an absent id waits before EXPIRE
 * @param peerjsAlive          a PeerJS socket without any message (HEARTBEAT) for this long is closed
 * @param ywebrtcPing          y-webrtc compat ping interval (30 s upstream)
 */
public record SignalingConfig(Duration heartbeat, Duration resumeGrace, Duration helloTimeout, int maxFrameBytes,
                              double ratePerSecond, int burst, int maxRoomsPerSession, int maxPeersPerRoom,
                              int maxConnections, int maxQueuedMessages, long maxQueuedBytes,
                              int resumeBufferMessages, long resumeBufferBytes, String peerjsKey,
                              boolean peerjsDiscovery, Duration peerjsExpire, Duration peerjsAlive,
                              Duration ywebrtcPing) {

    public SignalingConfig {
        positive(heartbeat, "heartbeat");
        Objects.requireNonNull(resumeGrace, "resumeGrace");
        if (resumeGrace.isNegative()) {
            throw new IllegalArgumentException("resumeGrace must not be negative");
        }
        positive(helloTimeout, "helloTimeout");
        positive(peerjsExpire, "peerjsExpire");
        positive(peerjsAlive, "peerjsAlive");
        positive(ywebrtcPing, "ywebrtcPing");
        if (maxFrameBytes < 1024 || maxFrameBytes > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("maxFrameBytes must be between 1 KiB and 16 MiB");
        }
        if (!(ratePerSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("ratePerSecond and burst must be positive");
        }
        if (maxRoomsPerSession < 1 || maxPeersPerRoom < 2 || maxConnections < 1) {
            throw new IllegalArgumentException("maxRoomsPerSession >= 1, maxPeersPerRoom >= 2, maxConnections >= 1");
        }
        if (maxQueuedMessages < 8 || maxQueuedBytes < maxFrameBytes) {
            throw new IllegalArgumentException("maxQueuedMessages >= 8 and maxQueuedBytes >= maxFrameBytes");
        }
        if (resumeBufferMessages < 1 || resumeBufferBytes < 1024) {
            throw new IllegalArgumentException("resume buffer must hold at least 1 message and 1 KiB");
        }
        if (peerjsKey == null || peerjsKey.isBlank()) {
            throw new IllegalArgumentException("peerjsKey must not be blank");
        }
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    /** The defaults documented in signaling/README.md. */
    public static SignalingConfig defaults() {
        return new SignalingConfig(Duration.ofSeconds(20), Duration.ofSeconds(60), Duration.ofSeconds(10), 64 * 1024,
                200, 400, 16, 256, 50_000, 1024, 4L * 1024 * 1024, 512, 1024 * 1024, "peerjs", false,
                Duration.ofSeconds(5), Duration.ofSeconds(90), Duration.ofSeconds(30));
    }

    public SignalingConfig withHeartbeat(Duration d) {
        return new SignalingConfig(d, resumeGrace, helloTimeout, maxFrameBytes, ratePerSecond, burst, maxRoomsPerSession,
                maxPeersPerRoom, maxConnections, maxQueuedMessages, maxQueuedBytes, resumeBufferMessages,
                resumeBufferBytes, peerjsKey, peerjsDiscovery, peerjsExpire, peerjsAlive, ywebrtcPing);
    }

    public SignalingConfig withResumeGrace(Duration d) {
        return new SignalingConfig(heartbeat, d, helloTimeout, maxFrameBytes, ratePerSecond, burst, maxRoomsPerSession,
                maxPeersPerRoom, maxConnections, maxQueuedMessages, maxQueuedBytes, resumeBufferMessages,
                resumeBufferBytes, peerjsKey, peerjsDiscovery, peerjsExpire, peerjsAlive, ywebrtcPing);
    }

    public SignalingConfig withLimits(double rate, int burst, int maxRooms, int maxPeers, int maxConnections) {
        return new SignalingConfig(heartbeat, resumeGrace, helloTimeout, maxFrameBytes, rate, burst, maxRooms,
                maxPeers, maxConnections, maxQueuedMessages, maxQueuedBytes, resumeBufferMessages,
                resumeBufferBytes, peerjsKey, peerjsDiscovery, peerjsExpire, peerjsAlive, ywebrtcPing);
    }

    public SignalingConfig withQueues(int maxQueuedMessages, long maxQueuedBytes, int resumeMessages, long resumeBytes) {
        return new SignalingConfig(heartbeat, resumeGrace, helloTimeout, maxFrameBytes, ratePerSecond, burst,
                maxRoomsPerSession, maxPeersPerRoom, maxConnections, maxQueuedMessages, maxQueuedBytes, resumeMessages,
                resumeBytes, peerjsKey, peerjsDiscovery, peerjsExpire, peerjsAlive, ywebrtcPing);
    }

    public SignalingConfig withPeerjs(boolean discovery, Duration expire, Duration alive) {
        return new SignalingConfig(heartbeat, resumeGrace, helloTimeout, maxFrameBytes, ratePerSecond, burst,
                maxRoomsPerSession, maxPeersPerRoom, maxConnections, maxQueuedMessages, maxQueuedBytes,
                resumeBufferMessages, resumeBufferBytes, peerjsKey, discovery, expire, alive, ywebrtcPing);
    }
}
