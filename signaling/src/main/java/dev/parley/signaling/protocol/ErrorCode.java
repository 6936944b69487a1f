package dev.parley.signaling.protocol;

/**
 * Every error the native protocol reports, with the one place that decides whether it ends the
 * connection and with which WebSocket close code (RFC 6455 §7.4.1). Non-fatal errors leave the
 * connection open: bad input costs the sender one error message and nothing else.
 */
public enum ErrorCode {
    BAD_JSON("bad-json", 0),
    UNKNOWN_TYPE("unknown-type", 0),
    MISSING_FIELD("missing-field", 0),
    BAD_FIELD("bad-field", 0),
    HELLO_REQUIRED("hello-required", 0),
    ALREADY_HELLO("already-hello", 0),
    NOT_IN_ROOM("not-in-room", 0),
    ALREADY_IN_ROOM("already-in-room", 0),
    PEER_GONE("peer-gone", 0),
    FORBIDDEN_ROOM("forbidden-room", 0),
    READ_ONLY("read-only", 0),
    TOO_MANY_ROOMS("too-many-rooms", 0),
    ROOM_FULL("room-full", 0),
    RATE_LIMITED("rate-limited", 0),
    RESUME_FAILED("resume-failed", 0),
    UNAUTHORIZED("unauthorized", 1008),
    TOKEN_EXPIRED("token-expired", 1008),
    HELLO_TIMEOUT("hello-timeout", 1008),
    RATE_LIMIT_ABUSE("rate-limit-abuse", 1008),
    SLOW_CONSUMER("slow-consumer", 1008),
    FRAME_TOO_LARGE("frame-too-large", 1009),
    SERVER_FULL("server-full", 1013),
    REPLACED("replaced", 1000),
    KICKED("kicked", 1008),
    INTERNAL("internal", 1011);

    private final String wire;
    private final int closeCode;

    ErrorCode(String wire, int closeCode) {
        this.wire = wire;
        this.closeCode = closeCode;
    }

    /** The value of {@code error.code} on the wire. */
    public String wire() {
        return wire;
    }

    /** True when the server closes the connection after reporting this error. */
    public boolean fatal() {
        return closeCode != 0;
    }

    /** The WebSocket close code that follows a fatal error; 0 for non-fatal ones. */
    public int closeCode() {
        return closeCode;
    }
}
