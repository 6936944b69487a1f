package dev.parley.turn.allocation;

import java.nio.ByteBuffer;

/** The way back to a client: a UDP listener plus the client's address, or one TCP/TLS connection. */
public interface ClientLink {

    FiveTuple fiveTuple();

    /**
     * Sends the buffer's remaining bytes as one STUN message or ChannelData frame; the caller keeps the
     * buffer. Returns false if the frame was dropped (full socket buffer / backlog).
     */
    boolean send(ByteBuffer frame);

    /** The allocation on this five-tuple, or null; lets the relay path find it without allocating. */
    Allocation allocation();

    /** Called when an allocation is created (non-null) or removed (null) on this five-tuple. */
    void attach(Allocation allocation);

    default boolean isStream() {
        return fiveTuple().transport().isStream();
    }
}
