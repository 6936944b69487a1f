package dev.parley.signaling.compat.ywebsocket.wire;

/** A frame or a Yjs update that does not follow the wire format. The message is safe to show a client. */
public final class MalformedMessageException extends Exception {

    public MalformedMessageException(String message) {
        super(message, null, false, false);
    }
}
