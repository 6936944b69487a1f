package dev.parley.signaling.compat.ywebsocket.room;

import java.util.function.Consumer;

/** The socket side of one connection, as the relay state sees it. Implemented by the WebSocket adapter. */
public interface Transport {

    /**
     * Sends one binary frame asynchronously; {@code done} gets null on success or the failure.
     * At most one send is outstanding per connection (the {@link Outbox} sees to that).
     */
    void send(byte[] frame, Consumer<Throwable> done);

    /**
     * Closes the connection with a code and a reason (at most 123 UTF-8 bytes). Must not call back
     * into the room on the calling thread (the caller may hold the room's lock): hand it off.
     */
    void close(CloseCode code, String reason);
}
