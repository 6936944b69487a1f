package dev.parley.signaling.room;

/**
 * The sending half of one live connection, as the state layer sees it. Implementations never block:
 * {@link #send} queues (bounded) and returns; when the queue is past its bound the outlet closes
 * its connection as a slow consumer and returns false.
 */
public interface Outlet {

    /** Queues a frame; false if the connection is closed or was just closed for being too slow. */
    boolean send(Frame frame);

    /** Closes the connection with a WebSocket close code and reason (no further frames are sent). */
    void close(int code, String reason);

    /** Sends a WebSocket ping (RFC 6455 §5.5.2); the pong counts as traffic from the client. */
    void ping();

    /** Drops the connection without a close handshake (a dead peer will never answer one). */
    void abort();
}
