package dev.parley.signaling.ws;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Utf8StringBuilder;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.exception.BadPayloadException;
import org.eclipse.jetty.websocket.core.exception.MessageTooLargeException;
import org.eclipse.jetty.websocket.core.exception.ProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One signaling WebSocket served on Jetty's core WebSocket API (no jakarta session, decoders or
 * retained upgrade request per connection), on its public {@link FrameHandler} interface only.
 * Assembles fragmented messages, enforces the session's message-size limits (a
 * {@link MessageTooLargeException} makes Jetty close with 1009), rejects invalid UTF-8
 * ({@link BadPayloadException}, 1007), answers pings, and asks for the next frame after each one is
 * handled (one frame at a time: a connection that sends faster than it is served waits in TCP, not
 * in our memory). Subclasses see whole messages, pongs and the close.
 */
abstract class CoreEndpoint implements FrameHandler {

    private static final Logger LOG = LoggerFactory.getLogger(CoreEndpoint.class);

    private CoreSession session;
    /** The data opcode of the message being assembled, {@link OpCode#UNDEFINED} between messages. */
    private byte dataType = OpCode.UNDEFINED;
    private Utf8StringBuilder text;
    private ByteArrayOutputStream binary;

    /** Sets up the connection before the first frame is read; may close it at once. */
    abstract void opened(CoreSession session);

    abstract void text(String message);

    abstract void binary(ByteBuffer message);

    abstract void pong();

    abstract void closed(int code);

    @Override
    public void onOpen(CoreSession coreSession, Callback callback) {
        session = coreSession;
        try {
            opened(coreSession);
        } catch (RuntimeException e) {
            callback.failed(e);
            return;
        }
        callback.succeeded();
        coreSession.demand();
    }

    @Override
    public void onFrame(Frame frame, Callback callback) {
        try {
            switch (frame.getOpCode()) {
                case OpCode.TEXT -> {
                    dataType = OpCode.TEXT;
                    textFragment(frame, callback);
                }
                case OpCode.BINARY -> {
                    dataType = OpCode.BINARY;
                    binaryFragment(frame, callback);
                }
                case OpCode.CONTINUATION -> continuation(frame, callback);
                case OpCode.PING -> session.sendFrame(new Frame(OpCode.PONG, true, frame.getPayload()),
                        Callback.from(session::demand, callback), false);
                case OpCode.PONG -> {
                    pong();
                    frameDone(callback);
                }
                // Jetty answers the close itself; no demand after it
                case OpCode.CLOSE -> callback.succeeded();
                default -> callback.failed(new ProtocolException("unexpected opcode " + frame.getOpCode()));
            }
        } catch (Throwable t) {
            callback.failed(t);
        }
    }

    private void continuation(Frame frame, Callback callback) {
        byte type = dataType;
        if (frame.isFin()) {
            dataType = OpCode.UNDEFINED;
        }
        switch (type) {
            case OpCode.TEXT -> textFragment(frame, callback);
            case OpCode.BINARY -> binaryFragment(frame, callback);
            // Jetty's parser already refuses a continuation outside a message; kept as a guard
            default -> callback.failed(new ProtocolException("continuation frame outside a message"));
        }
    }

    private void textFragment(Frame frame, Callback callback) {
        if (text == null) {
            text = new Utf8StringBuilder();
        }
        if (frame.hasPayload()) {
            checkSize(frame, text.length(), session.getMaxTextMessageSize());
            text.append(frame.getPayload());
            if (text.hasCodingErrors()) {
                throw new BadPayloadException.InvalidUtf8();
            }
        }
        if (!frame.isFin()) {
            frameDone(callback);
            return;
        }
        String message = text.takeCompleteString(BadPayloadException.InvalidUtf8::new);
        text.reset();
        deliver(() -> text(message), callback);
    }

    private void binaryFragment(Frame frame, Callback callback) {
        if (binary == null) {
            binary = new ByteArrayOutputStream();
        }
        if (frame.hasPayload()) {
            checkSize(frame, binary.size(), session.getMaxBinaryMessageSize());
            ByteBuffer payload = frame.getPayload().slice();
            byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            binary.writeBytes(bytes);
        }
        if (!frame.isFin()) {
            frameDone(callback);
            return;
        }
        ByteBuffer message = ByteBuffer.wrap(binary.toByteArray());
        binary.reset();
        deliver(() -> binary(message), callback);
    }

    /** The whole message so far plus this fragment must fit the session's limit (0 or less: none). */
    private static void checkSize(Frame frame, long assembled, long max) {
        if (max > 0 && frame.getPayload().remaining() + assembled > max) {
            throw new MessageTooLargeException("Message larger than " + max + " bytes");
        }
    }

    /** This frame is handled: release it and ask for the next one. */
    private void frameDone(Callback callback) {
        callback.succeeded();
        session.demand();
    }

    /** Runs the subclass on a whole message; a failure there fails the frame (Jetty closes with 1011). */
    private void deliver(Runnable handler, Callback callback) {
        try {
            handler.run();
        } catch (Throwable t) {
            callback.failed(t);
            return;
        }
        frameDone(callback);
    }

    @Override
    public void onError(Throwable cause, Callback callback) {
        LOG.debug("signaling connection error", cause);
        callback.succeeded();
    }

    @Override
    public void onClosed(CloseStatus closeStatus, Callback callback) {
        try {
            closed(closeStatus.getCode());
        } finally {
            text = null;
            binary = null;
            callback.succeeded();
        }
    }
}
