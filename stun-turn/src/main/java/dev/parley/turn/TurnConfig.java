package dev.parley.turn;

import dev.parley.turn.policy.Cidr;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Configuration of the TURN relay; every field maps to a launcher flag (see stun-turn/README.md).
 * Validated in the compact constructor.
 *
 * <pre>{@code
 * TurnConfig cfg = TurnConfig.builder().relayIp(InetAddress.getByName("10.0.0.5"))
 *         .externalIp(InetAddress.getByName("203.0.113.7")).restSecrets(List.of(secret)).build();
 * }</pre>
 *
 * @param bindAddress           listen address of the UDP/TCP/TLS listeners ({@code --bind})
 * @param turnPort              STUN/TURN over UDP and TCP; 0 = ephemeral ({@code --turn-port})
 * @param turnsPort             TURN over TLS; 0 = ephemeral, negative = disabled ({@code --turns-port})
 * @param relayIp               address relay sockets bind to ({@code --relay-ip})
 * @param externalIp            address advertised in XOR-RELAYED-ADDRESS ({@code --external-ip}); defaults to relayIp
 * @param relayPortMin          first relay port ({@code --relay-ports A-B})
 * @param relayPortMax          last relay port
 * @param realm                 long-term credential realm ({@code --realm})
 * @param restSecrets           TURN REST API shared secrets, several during rotation ({@code --turn-secret})
 * @param staticUsers           user to password ({@code --turn-user user:pass})
 * @param allowedPeers          CIDRs allowed as peers despite the default deny list ({@code --allow-peer})
 * @param allowLoopbackPeers    allow 127.0.0.0/8 and ::1 as peers ({@code --allow-loopback-peers})
 * @param tlsCert               PEM certificate chain for TURNS, or null for a self-signed one ({@code --tls-cert})
 * @param tlsKey                PEM private key for TURNS, or null ({@code --tls-key})
 * @param maxAllocationsPerUser quota per username ({@code --turn-user-quota})
 * @param maxAllocations        quota over all users ({@code --turn-total-quota})
 * @param maxBytesPerSecond     relayed bytes/s per allocation, 0 = unlimited ({@code --turn-max-bps})
 * @param defaultLifetime       allocation lifetime when the client asks for less (RFC 8656: 600 s)
 * @param maxLifetime           upper bound for LIFETIME (3600 s)
 * @param nonceLifetime         how long a NONCE stays valid before 438 Stale Nonce
 * @param reservedEndpoints     the server's own non-relay addresses/ports that are never valid peers
 *                              (a wildcard address means "any address of this host"); the TURN listeners
 *                              are added automatically
 * @param sourceRequestsPerSecond STUN requests per second accepted from one source IP (burst twice that)
 * @param legacyChannelNumbers  also accept channel numbers 0x5000-0x7FFF (RFC 5766; coturn's turnutils_uclient
 *                              picks them) besides RFC 8656's 0x4000-0x4FFF ({@code --turn-legacy-channels})
 * @param streamIdleTimeout     a TCP/TLS connection without an allocation is closed after this long
 *                              ({@code --turn-idle-timeout}; coturn uses 30 s)
 */
public record TurnConfig(
        InetAddress bindAddress,
        int turnPort,
        int turnsPort,
        InetAddress relayIp,
        InetAddress externalIp,
        int relayPortMin,
        int relayPortMax,
        String realm,
        List<String> restSecrets,
        Map<String, String> staticUsers,
        List<Cidr> allowedPeers,
        boolean allowLoopbackPeers,
        Path tlsCert,
        Path tlsKey,
        int maxAllocationsPerUser,
        int maxAllocations,
        long maxBytesPerSecond,
        Duration defaultLifetime,
        Duration maxLifetime,
        Duration nonceLifetime,
        Set<InetSocketAddress> reservedEndpoints,
        int sourceRequestsPerSecond,
        boolean legacyChannelNumbers,
        Duration streamIdleTimeout) {

    public TurnConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(relayIp, "relayIp");
        if (relayIp.isAnyLocalAddress()) {
            throw new IllegalArgumentException("relayIp must be a concrete address, not " + relayIp.getHostAddress());
        }
        externalIp = externalIp == null ? relayIp : externalIp;
        if (externalIp.getClass() != relayIp.getClass()) {
            throw new IllegalArgumentException("externalIp and relayIp must be the same address family");
        }
        checkPort("turnPort", turnPort, false);
        checkPort("turnsPort", turnsPort, true);
        if (relayPortMin < 1024 || relayPortMax > 65535 || relayPortMin > relayPortMax) {
            throw new IllegalArgumentException("relay ports must satisfy 1024 <= min <= max <= 65535: "
                    + relayPortMin + "-" + relayPortMax);
        }
        if (realm == null || realm.isBlank() || realm.length() > 127) {
            throw new IllegalArgumentException("realm must be 1-127 characters");
        }
        restSecrets = List.copyOf(restSecrets);
        for (String s : restSecrets) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("empty TURN REST secret");
            }
        }
        staticUsers = Collections.unmodifiableMap(new LinkedHashMap<>(staticUsers));
        for (var e : staticUsers.entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().length() > 500 || e.getValue().isEmpty()) {
                throw new IllegalArgumentException("static TURN user needs a name and a password");
            }
        }
        if (restSecrets.isEmpty() && staticUsers.isEmpty()) {
            throw new IllegalArgumentException("configure at least one TURN REST secret or static user");
        }
        allowedPeers = List.copyOf(allowedPeers);
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("tlsCert and tlsKey go together");
        }
        if (maxAllocationsPerUser < 1 || maxAllocations < 1) {
            throw new IllegalArgumentException("allocation quotas must be >= 1");
        }
        if (maxBytesPerSecond < 0) {
            throw new IllegalArgumentException("maxBytesPerSecond must be >= 0 (0 = unlimited)");
        }
        if (defaultLifetime.toSeconds() < 60 || maxLifetime.compareTo(defaultLifetime) < 0
                || maxLifetime.toSeconds() > 86_400) {
            throw new IllegalArgumentException("need 60 s <= defaultLifetime <= maxLifetime <= 1 day");
        }
        if (nonceLifetime.isNegative() || nonceLifetime.isZero()) {
            throw new IllegalArgumentException("nonceLifetime must be positive");
        }
        reservedEndpoints = Set.copyOf(reservedEndpoints);
        if (sourceRequestsPerSecond < 1) {
            throw new IllegalArgumentException("sourceRequestsPerSecond must be >= 1");
        }
        Objects.requireNonNull(streamIdleTimeout, "streamIdleTimeout");
        if (streamIdleTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("streamIdleTimeout must be at least 1 ms");
        }
    }

    private static void checkPort(String name, int port, boolean negativeMeansDisabled) {
        if (port > 65535 || (port < 0 && !negativeMeansDisabled)) {
            throw new IllegalArgumentException(name + " out of range: " + port);
        }
    }

    public boolean tlsEnabled() {
        return turnsPort >= 0;
    }

    /** Production defaults from DESIGN.md; still needs a secret or a user. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * For tests: everything on 127.0.0.1, ephemeral listener ports, loopback peers allowed, user
     * {@code user:pass} and REST secret {@code secret}.
     */
    public static Builder loopback() {
        InetAddress lo = InetAddress.getLoopbackAddress();
        return new Builder().bindAddress(lo).relayIp(lo).turnPort(0).turnsPort(0)
                .allowLoopbackPeers(true).staticUser("user", "pass").restSecrets(List.of("secret"));
    }

    /** The DESIGN.md defaults; returns a config with a random REST secret so it validates. */
    public static TurnConfig defaults() {
        return builder().restSecrets(List.of(java.util.UUID.randomUUID().toString())).build();
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private InetAddress bindAddress = anyLocal();
        private int turnPort = 3478;
        private int turnsPort = 5349;
        private InetAddress relayIp = firstNonLoopback();
        private InetAddress externalIp;
        private int relayPortMin = 49152;
        private int relayPortMax = 65535;
        private String realm = "parley";
        private List<String> restSecrets = new ArrayList<>();
        private final Map<String, String> staticUsers = new LinkedHashMap<>();
        private List<Cidr> allowedPeers = new ArrayList<>();
        private boolean allowLoopbackPeers;
        private Path tlsCert;
        private Path tlsKey;
        private int maxAllocationsPerUser = 100;
        private int maxAllocations = 20_000;
        private long maxBytesPerSecond;
        private Duration defaultLifetime = Duration.ofMinutes(10);
        private Duration maxLifetime = Duration.ofHours(1);
        private Duration nonceLifetime = Duration.ofMinutes(10);
        private final Set<InetSocketAddress> reservedEndpoints = new HashSet<>();
        private int sourceRequestsPerSecond = 500;
        private boolean legacyChannelNumbers;
        private Duration streamIdleTimeout = Duration.ofSeconds(30);

        public Builder bindAddress(InetAddress v) { bindAddress = v; return this; }
        public Builder turnPort(int v) { turnPort = v; return this; }
        public Builder turnsPort(int v) { turnsPort = v; return this; }
        public Builder relayIp(InetAddress v) { relayIp = v; return this; }
        public Builder externalIp(InetAddress v) { externalIp = v; return this; }
        public Builder relayPorts(int min, int max) { relayPortMin = min; relayPortMax = max; return this; }
        public Builder realm(String v) { realm = v; return this; }
        public Builder restSecrets(List<String> v) { restSecrets = new ArrayList<>(v); return this; }
        public Builder staticUser(String user, String password) { staticUsers.put(user, password); return this; }
        public Builder allowedPeers(List<Cidr> v) { allowedPeers = new ArrayList<>(v); return this; }
        public Builder allowLoopbackPeers(boolean v) { allowLoopbackPeers = v; return this; }
        public Builder tls(Path cert, Path key) { tlsCert = cert; tlsKey = key; return this; }
        public Builder maxAllocationsPerUser(int v) { maxAllocationsPerUser = v; return this; }
        public Builder maxAllocations(int v) { maxAllocations = v; return this; }
        public Builder maxBytesPerSecond(long v) { maxBytesPerSecond = v; return this; }
        public Builder defaultLifetime(Duration v) { defaultLifetime = v; return this; }
        public Builder maxLifetime(Duration v) { maxLifetime = v; return this; }
        public Builder nonceLifetime(Duration v) { nonceLifetime = v; return this; }
        public Builder reservedEndpoint(InetSocketAddress v) { reservedEndpoints.add(v); return this; }
        public Builder sourceRequestsPerSecond(int v) { sourceRequestsPerSecond = v; return this; }
        public Builder legacyChannelNumbers(boolean v) { legacyChannelNumbers = v; return this; }
        public Builder streamIdleTimeout(Duration v) { streamIdleTimeout = v; return this; }

        public TurnConfig build() {
            return new TurnConfig(bindAddress, turnPort, turnsPort, relayIp, externalIp, relayPortMin, relayPortMax,
                    realm, restSecrets, staticUsers, allowedPeers, allowLoopbackPeers, tlsCert, tlsKey,
                    maxAllocationsPerUser, maxAllocations, maxBytesPerSecond, defaultLifetime, maxLifetime,
                    nonceLifetime, reservedEndpoints, sourceRequestsPerSecond, legacyChannelNumbers,
                    streamIdleTimeout);
        }

        private static InetAddress anyLocal() {
            try {
                return InetAddress.getByAddress(new byte[4]);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        /** First up, non-loopback IPv4 address of this host, else 127.0.0.1. */
        static InetAddress firstNonLoopback() {
            try {
                for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    if (!ni.isUp() || ni.isLoopback()) {
                        continue;
                    }
                    for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                        if (a instanceof Inet4Address && !a.isLinkLocalAddress()) {
                            return a;
                        }
                    }
                }
            } catch (SocketException e) {
                // fall through to loopback
            }
            return InetAddress.getLoopbackAddress();
        }
    }
}
