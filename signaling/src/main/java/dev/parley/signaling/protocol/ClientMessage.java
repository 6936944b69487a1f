package dev.parley.signaling.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/** What a client may send on {@code /v1/signal}; one record per {@code t}. Decoded by {@link MessageCodec}. */
public sealed interface ClientMessage {

    /** First message of every connection. */
    record Hello(String token, Resume resume) implements ClientMessage { }

    /** Resume a dropped session: replay everything after {@code lastSeq}. */
    record Resume(String sessionId, String resumeToken, long lastSeq) { }

    record Join(String room, JsonNode meta) implements ClientMessage { }

    record Leave(String room) implements ClientMessage { }

    /** Offer / answer / candidate / end-of-candidates / restart for one peer; {@code data} is opaque. */
    record Signal(String to, SignalKind kind, JsonNode data) implements ClientMessage { }

    /**
     * Server-routed sync message to a room (or one peer in it). Exactly one of {@code d} (text frame)
     * and {@code binary} (binary frame payload) is set.
     */
    record Relay(String room, String to, String ch, JsonNode d, byte[] binary) implements ClientMessage { }

    /** App-level ping; {@code ack} (optional) tells the server every seq up to it has arrived. */
    record Ping(JsonNode id, long ack) implements ClientMessage { }

    /** Ask for fresh ICE servers now (e.g. before an ICE restart). */
    record IceServersRequest() implements ClientMessage { }

    /** The client is leaving for good: its session ends now, no grace period. */
    record Bye(String reason) implements ClientMessage { }
}
