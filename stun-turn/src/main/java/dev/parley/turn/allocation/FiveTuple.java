package dev.parley.turn.allocation;

import java.net.InetSocketAddress;
import java.util.Objects;

/** Client address, server address and transport: the key that identifies an allocation (RFC 8656 §2.2). */
public record FiveTuple(InetSocketAddress client, InetSocketAddress server, ClientTransport transport) {
    public FiveTuple {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(transport, "transport");
    }
}
