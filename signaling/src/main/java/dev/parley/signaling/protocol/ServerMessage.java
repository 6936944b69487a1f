package dev.parley.signaling.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.signaling.ice.IceServer;
import java.util.List;

/**
 * What the server sends on {@code /v1/signal}. Sequenced messages get a per-session {@code seq} stamped
 * in front when they are delivered (see {@link MessageCodec#stamp}); the others ({@link #sequenced()}
 * false) are replies on the current connection and are never replayed.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "t")
@JsonSubTypes({
        @JsonSubTypes.Type(ServerMessage.Welcome.class), @JsonSubTypes.Type(ServerMessage.Joined.class),
        @JsonSubTypes.Type(ServerMessage.Left.class), @JsonSubTypes.Type(ServerMessage.PeerJoined.class),
        @JsonSubTypes.Type(ServerMessage.PeerLeft.class), @JsonSubTypes.Type(ServerMessage.SignalOut.class),
        @JsonSubTypes.Type(ServerMessage.RelayOut.class), @JsonSubTypes.Type(ServerMessage.Pong.class),
        @JsonSubTypes.Type(ServerMessage.IceServersUpdate.class), @JsonSubTypes.Type(ServerMessage.Error.class),
        @JsonSubTypes.Type(ServerMessage.Bye.class), @JsonSubTypes.Type(ServerMessage.Broadcast.class)})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface ServerMessage {

    /** The wire value of {@code t}; also the metrics tag. */
    String type();

    default boolean sequenced() {
        return true;
    }

    /** Limits the server enforces on this connection, announced in the welcome. */
    record Limits(int maxFrameBytes, int maxRooms, int maxPeersPerRoom, double ratePerSecond, int burst) { }

    @JsonTypeName("welcome")
    record Welcome(String sessionId, String peerId, String userId, String resumeToken, long heartbeatMs,
                   long resumeGraceMs, List<IceServer> iceServers, long iceExpiresAt, Limits limits,
                   boolean resumed, Long lastSeq) implements ServerMessage {
        public String type() { return "welcome"; }
        public boolean sequenced() { return false; }
    }

    /** One member of a room as seen by the recipient; {@code polite} is the recipient's role toward it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RosterEntry(String peerId, String userId, JsonNode meta, boolean polite) { }

    @JsonTypeName("joined")
    record Joined(String room, List<RosterEntry> peers) implements ServerMessage {
        public String type() { return "joined"; }
    }

    @JsonTypeName("left")
    record Left(String room, String reason) implements ServerMessage {
        public String type() { return "left"; }
    }

    @JsonTypeName("peer-joined")
    record PeerJoined(String room, String peerId, String userId, JsonNode meta, boolean polite) implements ServerMessage {
        public String type() { return "peer-joined"; }
    }

    @JsonTypeName("peer-left")
    record PeerLeft(String room, String peerId, String reason) implements ServerMessage {
        public String type() { return "peer-left"; }
    }

    @JsonTypeName("signal")
    record SignalOut(String from, String kind, JsonNode data) implements ServerMessage {
        public String type() { return "signal"; }
    }

    @JsonTypeName("relay")
    record RelayOut(String room, String from, String to, String ch, JsonNode d) implements ServerMessage {
        public String type() { return "relay"; }
    }

    @JsonTypeName("broadcast")
    record Broadcast(String room, JsonNode d) implements ServerMessage {
        public String type() { return "broadcast"; }
    }

    @JsonTypeName("pong")
    record Pong(JsonNode id) implements ServerMessage {
        public String type() { return "pong"; }
        public boolean sequenced() { return false; }
    }

    @JsonTypeName("ice-servers")
    record IceServersUpdate(List<IceServer> iceServers, long iceExpiresAt) implements ServerMessage {
        public String type() { return "ice-servers"; }
        public boolean sequenced() { return false; }
    }

    @JsonTypeName("error")
    record Error(String code, String msg, boolean fatal, Long retryAfterMs, String ref) implements ServerMessage {
        public static Error of(ErrorCode code, String msg, String ref) {
            return new Error(code.wire(), msg, code.fatal(), null, ref);
        }
        public String type() { return "error"; }
        public boolean sequenced() { return false; }
    }

    /** Sent before the server closes the connection; {@code action} tells the client what to do next. */
    @JsonTypeName("bye")
    record Bye(String reason, String action) implements ServerMessage {
        public static final String RECONNECT = "reconnect";
        public static final String RESUME = "resume";
        public static final String DISCONNECT = "disconnect";
        public String type() { return "bye"; }
        public boolean sequenced() { return false; }
    }
}
