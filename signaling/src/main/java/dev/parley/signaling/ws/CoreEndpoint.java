package dev.parley.signaling.ws;

import java.nio.ByteBuffer;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.internal.MessageHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One signaling WebSocket served on Jetty's core WebSocket API (no jakarta session, decoders or
 * retained upgrade request per connection). Jetty's {@link MessageHandler} assembles fragmented
 * messages, enforces the session's message-size limits (close 1009), rejects invalid UTF-8 (1007),
 * answers pings and asks for the next frame after each one is handled; subclasses see whole
 * messages, pongs and the close.
 */
abstract class CoreEndpoint extends MessageHandler {

    private static final Logger LOG = LoggerFactory.getLogger(CoreEndpoint.class);

    /** Sets up the connection before the first frame is read; may close it at once. */
    abstract void opened(CoreSession session);

    abstract void text(String message);

    abstract void binary(ByteBuffer message);

    abstract void pong();

    abstract void closed(int code);

    @Override
    public void onOpen(CoreSession coreSession, Callback callback) {
        try {
            opened(coreSession);
        } catch (RuntimeException e) {
            callback.failed(e);
            return;
        }
        super.onOpen(coreSession, callback);
    }

    @Override
    public void onFrame(Frame frame, Callback callback) {
        if (frame.getOpCode() == OpCode.PONG) {
            pong();
        }
        super.onFrame(frame, callback);
    }

    @Override
    protected void onText(String message, Callback callback) {
        try {
            text(message);
            callback.succeeded();
        } catch (Throwable t) {
            callback.failed(t);
        }
    }

    @Override
    protected void onBinary(ByteBuffer message, Callback callback) {
        try {
            binary(message);
            callback.succeeded();
        } catch (Throwable t) {
            callback.failed(t);
        }
    }

    @Override
    public void onError(Throwable cause, Callback callback) {
        LOG.debug("signaling connection error", cause);
        super.onError(cause, callback);
    }

    @Override
    public void onClosed(CloseStatus closeStatus, Callback callback) {
        try {
            closed(closeStatus.getCode());
        } finally {
            super.onClosed(closeStatus, callback);
        }
    }
}
