package dev.parley.turn.server;

import dev.parley.turn.allocation.Allocation;
import dev.parley.turn.allocation.RelayEndpoint;
import java.io.IOException;

/** Opens relay sockets (implemented by the transport package); the handler stays socket-free. */
public interface RelaySockets {

    /** Binds a UDP socket on the relay IP at {@code port}; throws if the port is taken by someone else. */
    RelayEndpoint open(int port) throws IOException;

    /** Tells the endpoint which allocation its incoming peer datagrams belong to. */
    void attach(RelayEndpoint endpoint, Allocation allocation);
}
