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
 * {@code --ice-url} replaces them, e.g. to send browsers to separate {@code parley turn} hosts that
 * share the secret.
 */
final class LocalIceServers implements IceServerProvider {

    private final String host;
    private final String secret;
    private final Duration ttl;
    private final List<String> configuredUrls;
    private volatile TurnRestIceServers delegate;

    /**
     * @param host           what browsers should dial: --public-host, else the relay's advertised address
     * @param configuredUrls --ice-url values; when given they replace this node's own relay URLs
     */
    LocalIceServers(String host, String secret, Duration ttl, List<String> configuredUrls) {
        this.host = host;
        this.secret = secret;
        this.ttl = ttl;
        this.configuredUrls = List.copyOf(configuredUrls);
    }

    static String hostOf(InetAddress address) {
        String h = address.getHostAddress();
        return address instanceof Inet6Address ? "[" + h.replaceFirst("%.*$", "") + "]" : h;
    }

    void bind(TurnServer turn) {
        if (!configuredUrls.isEmpty()) {
            List<String> stun = configuredUrls.stream().filter(u -> u.startsWith("stun")).toList();
            List<String> relay = configuredUrls.stream().filter(u -> u.startsWith("turn")).toList();
            delegate = new TurnRestIceServers(stun, relay, secret, ttl, Clock.systemUTC());
            return;
        }
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
