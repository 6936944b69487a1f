package dev.parley.signaling.compat.ywebsocket.room;

/**
 * Why the relay closes a y-websocket connection, with the WebSocket close code it uses. Codes in
 * 4400-4499 tell y-websocket's client (3.x {@code defaultShouldReconnect}) not to reconnect: the
 * condition will not go away by retrying. The others make it reconnect with backoff.
 */
public enum CloseCode {
    /** The room's stored document would exceed the configured size. */
    DOCUMENT_TOO_LARGE(4413),
    /** The token does not allow this room. */
    ROOM_FORBIDDEN(4403),
    /** A frame that is not y-websocket's format, or an update that is not a Yjs v1 update. */
    MALFORMED(1007),
    /** A text frame; y-websocket speaks binary only. */
    UNSUPPORTED_DATA(1003),
    /** The connection fell too far behind: its queue of document frames passed the limit. */
    SLOW_CONSUMER(1013),
    /** Room or node limits reached; try again later. */
    TRY_AGAIN_LATER(1013),
    /** The document store could not be read. */
    STORE_UNAVAILABLE(1011),
    /** The relay is shutting down. */
    GOING_AWAY(1001);

    private final int code;

    CloseCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
