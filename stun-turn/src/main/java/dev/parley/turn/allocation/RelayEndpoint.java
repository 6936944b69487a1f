package dev.parley.turn.allocation;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** The relayed transport address's socket, seen from the state layer (implemented in transport). */
public interface RelayEndpoint extends AutoCloseable {

    int port();

    /** Sends the buffer's remaining bytes to the peer; false if dropped. */
    boolean sendToPeer(ByteBuffer data, InetSocketAddress peer);

    @Override
    void close();
}
