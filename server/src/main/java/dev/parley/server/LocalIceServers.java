package dev.parley.server;

import dev.parley.signaling.ice.IceServerProvider;
import dev.parley.signaling.ice.IceServers;
import dev.parley.signaling.ice.TurnRestIceServers;
import dev.parley.turn.TurnServer;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The ICE servers a serve-mode node hands its signaling peers: this node's own STUN/TURN relay,
 * over UDP, TCP and (when on) TLS, with TURN REST credentials from the relay's first secret. The
 * URLs are only known once the relay has bound its ports, so {@link #bind} runs after it starts.
 */
final class LocalIceServers implements IceServerProvider {

    private final String host;
    private final String secret;
    private final Duration ttl;
    private volatile TurnRestIceServers delegate;

    /** @param host what browsers should dial: --public-host, else the relay's advertised address */
    LocalIceServers(String host, String secret, Duration ttl) {
        this.host = host;
        this.secret = secret;
        this.ttl = ttl;
    }

    static String hostOf(InetAddress address) {
        String h = address.getHostAddress();
        return address instanceof Inet6Address ? "[" + h.replaceFirst("%.*$", "") + "]" : h;
    }

    void bind(TurnServer turn) {
        int port = turn.udpAddress().getPort();
        List<String> turnUrls = new ArrayList<>(List.of(
                "turn:" + host + ":" + port + "?transport=udp",
                "turn:" + host + ":" + turn.tcpAddress().getPort() + "?transport=tcp"));
        if (turn.tlsAddress() != null) {
            turnUrls.add("turns:" + host + ":" + turn.tlsAddress().getPort() + "?transport=tcp");
        }
        delegate = new TurnRestIceServers(List.of("stun:" + host + ":" + port), turnUrls, secret, ttl, Clock.systemUTC());
    }

    @Override
    public IceServers forUser(String userId) {
        TurnRestIceServers d = delegate;
        if (d == null) {
            throw new IllegalStateException("the TURN relay has not started yet");
        }
        return d.forUser(userId);
    }
}
