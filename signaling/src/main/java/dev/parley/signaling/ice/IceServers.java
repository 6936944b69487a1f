package dev.parley.signaling.ice;

import java.time.Instant;
import java.util.List;

/** The ICE servers handed to one user, and when their TURN credentials stop working. */
public record IceServers(List<IceServer> servers, Instant expiresAt) {

    public IceServers {
        servers = List.copyOf(servers);
    }
}
